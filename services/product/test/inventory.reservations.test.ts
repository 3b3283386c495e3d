import { expect } from "chai";
import { buildProduct, productTestBackends, inMinutes, startProductApp, type ProductTestApp } from "./support.js";

let reservationCounter = 0;
const newReservationId = () => `q_${process.pid}_${++reservationCounter}`;

for (const backend of productTestBackends()) {
  describe(`inventory reservations (${backend})`, () => {
    let app: ProductTestApp;
    let admin: string;
    let service: string;

    const product = async (stock: number, overrides: Record<string, unknown> = {}) => {
      const res = await app.call("POST", "/v1/products", { token: admin, body: buildProduct({ stock, ...overrides }) });
      expect(res.status).to.equal(201);
      return res.body.id as number;
    };
    const available = async (id: number) => (await app.call("GET", `/v1/products/${id}`, { token: admin })).body.available as number;
    const reserve = (id: string, items: { product_id: number; quantity: number }[], expiresAt = inMinutes(15), token = service) =>
      app.call("PUT", `/v1/inventory/reservations/${id}`, { token, body: { items, expires_at: expiresAt } });

    before(async () => {
      app = await startProductApp(backend, "product_inventory");
      admin = app.tokens.admin();
      service = app.tokens.service("cart");
    });
    after(async () => app?.close());

    it("when stock is there, then the reservation is 201 and the units stop being available", async () => {
      const p = await product(5);
      const id = newReservationId();
      const res = await reserve(id, [{ product_id: p, quantity: 2 }]);
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ id, status: "held", is_expired: false });
      expect(res.body.items).to.deep.equal([{ product_id: p, quantity: 2 }]);
      expect(await available(p)).to.equal(3);
      const listed = await app.call("GET", `/v1/products?ids=${p}`);
      expect(listed.body.data[0].available).to.equal(3);
    });

    it("when the same reservation is sent again, then it is 200 and holds the units once; a later expires_at extends it", async () => {
      const p = await product(5);
      const id = newReservationId();
      expect((await reserve(id, [{ product_id: p, quantity: 4 }])).status).to.equal(201);
      const replay = await reserve(id, [{ product_id: p, quantity: 4 }]);
      expect(replay.status).to.equal(200);
      expect(await available(p)).to.equal(1);
      const later = inMinutes(45);
      const extended = await reserve(id, [{ product_id: p, quantity: 4 }], later);
      expect(extended.status).to.equal(200);
      expect(extended.body.expires_at).to.equal(later);
    });

    it("when items of one product are listed twice, then they are added together", async () => {
      const p = await product(5);
      const res = await reserve(newReservationId(), [{ product_id: p, quantity: 1 }, { product_id: p, quantity: 2 }]);
      expect(res.body.items).to.deep.equal([{ product_id: p, quantity: 3 }]);
      expect(await available(p)).to.equal(2);
    });

    it("when items of one product add up beyond 10000 (each within it), then the hold is their sum: 201, not a 500", async () => {
      // each item is bounded by the contract, the line they make is bounded by the stock
      const p = await product(25_000);
      const id = newReservationId();
      const res = await reserve(id, [
        { product_id: p, quantity: 9_000 },
        { product_id: p, quantity: 9_000 },
        { product_id: p, quantity: 2_000 },
      ]);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.items).to.deep.equal([{ product_id: p, quantity: 20_000 }]);
      expect(await available(p)).to.equal(5_000);
    });

    it("when a product id is beyond the product id range, then it is 422 naming the item, not a 409 listing a mangled id", async () => {
      const res = await reserve(newReservationId(), [{ product_id: 24_731_850_385_452_144_001_024, quantity: 1 }]);
      expect(res.status).to.equal(422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/body/items/0/product_id");
    });

    it("when a held reservation changes its items, then the new ones replace the old, within the stock", async () => {
      const p = await product(5);
      const id = newReservationId();
      await reserve(id, [{ product_id: p, quantity: 2 }]);
      expect((await reserve(id, [{ product_id: p, quantity: 5 }])).status).to.equal(200);
      expect(await available(p)).to.equal(0);
      const tooMany = await reserve(id, [{ product_id: p, quantity: 6 }]);
      expect(tooMany.status).to.equal(409);
      expect(await available(p)).to.equal(0);
    });

    it("when stock is short, then it is 409 insufficient_stock naming each short product, and nothing is held", async () => {
      const a = await product(2);
      const b = await product(10);
      const res = await reserve(newReservationId(), [{ product_id: a, quantity: 3 }, { product_id: b, quantity: 1 }]);
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("insufficient_stock");
      expect(res.body.products).to.deep.equal([{ product_id: a, requested: 3, available: 2 }]);
      expect(await available(b)).to.equal(10);
    });

    it("when a product is unknown or inactive, then it is 409 product_unavailable naming it", async () => {
      const inactive = await product(5);
      await app.call("DELETE", `/v1/products/${inactive}`, { token: admin });
      const res = await reserve(newReservationId(), [{ product_id: inactive, quantity: 1 }, { product_id: 99999999, quantity: 1 }]);
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("product_unavailable");
      expect(res.body.products.map((x: { product_id: number }) => x.product_id)).to.deep.equal([inactive, 99999999]);
    });

    it("when reservations that together exceed the stock arrive at once, then exactly the stock is reserved and the rest get 409", async function () {
      this.timeout(60_000);
      const stock = 7;
      const p = await product(stock);
      const results = await Promise.all(Array.from({ length: 20 }, () => reserve(newReservationId(), [{ product_id: p, quantity: 1 }])));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).to.have.length(stock);
      expect(statuses.filter((s) => s === 409)).to.have.length(20 - stock);
      expect(await available(p)).to.equal(0);
    });

    it("when concurrent multi-product reservations overlap in opposite orders, then none oversells and none deadlocks", async function () {
      this.timeout(60_000);
      const a = await product(4);
      const b = await product(4);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => reserve(newReservationId(), i % 2 ? [{ product_id: a, quantity: 1 }, { product_id: b, quantity: 1 }] : [{ product_id: b, quantity: 1 }, { product_id: a, quantity: 1 }])),
      );
      expect(results.filter((r) => r.status === 201)).to.have.length(4);
      expect(results.every((r) => r.status === 201 || r.status === 409)).to.equal(true);
      expect(await available(a)).to.equal(0);
      expect(await available(b)).to.equal(0);
    });

    it("when the same new reservation is sent twice at once, then one is 201, the other 200, and the units are held once", async () => {
      const p = await product(5);
      const id = newReservationId();
      const [x, y] = await Promise.all([reserve(id, [{ product_id: p, quantity: 2 }]), reserve(id, [{ product_id: p, quantity: 2 }])]);
      expect([x.status, y.status].sort()).to.deep.equal([200, 201]);
      expect(await available(p)).to.equal(3);
    });

    it("when a reservation expires, then its stock is available again by itself, and reviving it re-checks the stock", async () => {
      const p = await product(3);
      const id = newReservationId();
      await reserve(id, [{ product_id: p, quantity: 3 }], new Date(Date.now() + 400).toISOString());
      expect(await available(p)).to.equal(0);
      await new Promise((r) => setTimeout(r, 600));
      expect(await available(p)).to.equal(3);
      expect((await reserve(newReservationId(), [{ product_id: p, quantity: 2 }])).status).to.equal(201);
      const revived = await reserve(id, [{ product_id: p, quantity: 3 }]);
      expect(revived.status).to.equal(409);
      expect(revived.body.products).to.deep.equal([{ product_id: p, requested: 3, available: 1 }]);
    });

    it("when a reservation is committed, then the units stay sold, committing again is 200, and PUT with the same items replays", async () => {
      const p = await product(5);
      const id = newReservationId();
      await reserve(id, [{ product_id: p, quantity: 2 }]);
      const res = await app.call("POST", `/v1/inventory/reservations/${id}/commit`, { token: service });
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal("committed");
      expect(await available(p)).to.equal(3);
      expect((await app.call("POST", `/v1/inventory/reservations/${id}/commit`, { token: service })).status).to.equal(200);
      expect(await available(p)).to.equal(3);
      expect((await reserve(id, [{ product_id: p, quantity: 2 }])).status).to.equal(200);
      const other = await reserve(id, [{ product_id: p, quantity: 1 }]);
      expect(other.status).to.equal(409);
      expect(other.body).to.include({ code: "illegal_transition", current_status: "committed" });
      const restocked = await app.call("PATCH", `/v1/products/${p}`, { token: admin, body: { stock: 10 } });
      expect(restocked.body.available).to.equal(8);
    });

    it("when an expired hold is committed, then it succeeds only if its units are still free", async () => {
      const p = await product(2);
      const lapsedFree = newReservationId();
      await reserve(lapsedFree, [{ product_id: p, quantity: 1 }], new Date(Date.now() + 300).toISOString());
      const lapsedTaken = newReservationId();
      await reserve(lapsedTaken, [{ product_id: p, quantity: 1 }], new Date(Date.now() + 300).toISOString());
      await new Promise((r) => setTimeout(r, 500));
      await reserve(newReservationId(), [{ product_id: p, quantity: 1 }]);
      expect((await app.call("POST", `/v1/inventory/reservations/${lapsedFree}/commit`, { token: service })).status).to.equal(200);
      const late = await app.call("POST", `/v1/inventory/reservations/${lapsedTaken}/commit`, { token: service });
      expect(late.status).to.equal(409);
      expect(late.body.code).to.equal("insufficient_stock");
    });

    it("when a reservation is released, then its units come back, releasing again is 204, and it can no longer be used", async () => {
      const p = await product(4);
      const id = newReservationId();
      await reserve(id, [{ product_id: p, quantity: 4 }]);
      expect((await app.call("DELETE", `/v1/inventory/reservations/${id}`, { token: service })).status).to.equal(204);
      expect(await available(p)).to.equal(4);
      expect((await app.call("DELETE", `/v1/inventory/reservations/${id}`, { token: service })).status).to.equal(204);
      const commit = await app.call("POST", `/v1/inventory/reservations/${id}/commit`, { token: service });
      expect(commit.status).to.equal(409);
      expect(commit.body).to.include({ code: "illegal_transition", current_status: "released" });
      expect((await reserve(id, [{ product_id: p, quantity: 1 }])).status).to.equal(409);
    });

    it("when the order service releases a committed reservation (order cancelled), then its units return to stock", async () => {
      const p = await product(3);
      const id = newReservationId();
      await reserve(id, [{ product_id: p, quantity: 3 }]);
      await app.call("POST", `/v1/inventory/reservations/${id}/commit`, { token: service });
      expect(await available(p)).to.equal(0);
      expect((await app.call("DELETE", `/v1/inventory/reservations/${id}`, { token: app.tokens.service("order") })).status).to.equal(204);
      expect(await available(p)).to.equal(3);
    });

    it("when the cart releases a committed reservation (a late supersede of a paid quote), then the units stay sold", async () => {
      const p = await product(3);
      const id = newReservationId();
      await reserve(id, [{ product_id: p, quantity: 2 }]);
      await app.call("POST", `/v1/inventory/reservations/${id}/commit`, { token: service });
      expect((await app.call("DELETE", `/v1/inventory/reservations/${id}`, { token: app.tokens.service("cart") })).status).to.equal(204);
      expect(await available(p)).to.equal(1);
      // the sale is intact: committing again still answers 200
      expect((await app.call("POST", `/v1/inventory/reservations/${id}/commit`, { token: service })).status).to.equal(200);
    });

    it("when the reservation does not exist, then commit and release are 404", async () => {
      expect((await app.call("POST", "/v1/inventory/reservations/nope_1/commit", { token: service })).status).to.equal(404);
      expect((await app.call("DELETE", "/v1/inventory/reservations/nope_1", { token: service })).status).to.equal(404);
    });

    it("when the request breaks the contract or expires_at is not ahead, then it is 422", async () => {
      const p = await product(3);
      const cases: [string, unknown][] = [
        ["bad id!", { items: [{ product_id: p, quantity: 1 }], expires_at: inMinutes(5) }],
        ["ok_id", { items: [], expires_at: inMinutes(5) }],
        ["ok_id", { items: [{ product_id: p, quantity: 0 }], expires_at: inMinutes(5) }],
        ["ok_id", { items: [{ product_id: p, quantity: 1 }], expires_at: "tomorrow" }],
        ["ok_id", { items: [{ product_id: p, quantity: 1 }], expires_at: inMinutes(-1) }],
        ["ok_id", { items: [{ product_id: p, quantity: 1 }], expires_at: inMinutes(60 * 24 * 31) }],
      ];
      for (const [id, body] of cases) {
        const res = await app.call("PUT", `/v1/inventory/reservations/${encodeURIComponent(id)}`, { token: service, body });
        expect(res.status, JSON.stringify(body)).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
      }
      expect((await app.call("DELETE", `/v1/inventory/reservations/${encodeURIComponent("bad id!")}`, { token: service })).status).to.equal(422);
    });

    it("when a user token (even an admin's) or no token calls an inventory route, then it is 403 or 401", async () => {
      const p = await product(3);
      const id = newReservationId();
      const calls: [string, string, unknown][] = [
        ["PUT", `/v1/inventory/reservations/${id}`, { items: [{ product_id: p, quantity: 1 }], expires_at: inMinutes(5) }],
        ["POST", `/v1/inventory/reservations/${id}/commit`, undefined],
        ["DELETE", `/v1/inventory/reservations/${id}`, undefined],
      ];
      for (const [method, path, body] of calls) {
        expect((await app.call(method, path, { body })).status, `${method} anonymous`).to.equal(401);
        for (const token of [app.tokens.user(1), admin]) {
          const res = await app.call(method, path, { body, token });
          expect(res.status, `${method} user`).to.equal(403);
          expect(res.body.code).to.equal("forbidden");
        }
      }
      expect(await available(p)).to.equal(3);
    });
  });
}
