import { expect } from "chai";
import { QueryTypes } from "sequelize";
import { testBackends } from "@disqo-commerce/kit/testing";
import { buildProduct, inMinutes, startProductApp, type ProductTestApp } from "./support.js";

/*
 * The stock rule: an admin cannot lower stock below the units promised (held by unexpired
 * reservations + sold), and a deactivated product cannot be held or have its hold extended.
 * Both are checked under the product's row lock, so racing holds, commits and stock changes
 * never promise more units than the stock.
 */
let counter = 0;
const newReservationId = () => `q_rule_${process.pid}_${++counter}`;
const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of testBackends()) {
  describe(`inventory stock rule (${backend})`, function () {
    this.timeout(60_000);
    let app: ProductTestApp;
    let admin: string;
    let service: string;

    const product = async (stock: number) => {
      const res = await app.call("POST", "/v1/products", { token: admin, body: buildProduct({ stock }) });
      expect(res.status).to.equal(201);
      return res.body.id as number;
    };
    const reserve = (id: string, productId: number, quantity: number, expiresAt = inMinutes(15)) =>
      app.call("PUT", `/v1/inventory/reservations/${id}`, { token: service, body: { items: [{ product_id: productId, quantity }], expires_at: expiresAt } });
    const commit = (id: string) => app.call("POST", `/v1/inventory/reservations/${id}/commit`, { token: service });
    const patch = (id: number, body: Record<string, unknown>) => app.call("PATCH", `/v1/products/${id}`, { token: admin, body });
    const read = async (id: number) => (await app.call("GET", `/v1/products/${id}`, { token: admin })).body as { stock: number; available: number; is_active: boolean };
    /** stock, units sold and units held right now, straight from the tables. */
    const ledger = async (id: number) => {
      const [[row], [held]] = await Promise.all([
        app.sequelize.query<{ stock: number; committed: number }>("SELECT stock, committed FROM products WHERE id = ?", { replacements: [id], type: QueryTypes.SELECT }),
        app.sequelize.query<{ n: number | null }>("SELECT SUM(quantity) AS n FROM reservation_items WHERE product_id = ? AND held_until > ?", {
          replacements: [id, Date.now()],
          type: QueryTypes.SELECT,
        }),
      ]);
      return { stock: Number(row.stock), committed: Number(row.committed), held: Number(held.n ?? 0) };
    };

    before(async () => {
      app = await startProductApp(backend, "product_stock_rule");
      admin = app.tokens.admin();
      service = app.tokens.service("order");
    });
    after(async () => app?.close());

    it("when an admin lowers stock below held + sold units, then it is 409 stock_below_reserved with the numbers and nothing changes", async () => {
      const p = await product(10);
      await reserve(newReservationId(), p, 2);
      const sold = newReservationId();
      await reserve(sold, p, 3);
      expect((await commit(sold)).status).to.equal(200);

      const tooLow = await patch(p, { stock: 4, name: "Renamed while too low" });
      const exact = await patch(p, { stock: 5 });

      expect(tooLow.status).to.equal(409);
      expect(tooLow.body).to.include({ code: "stock_below_reserved", held: 2, committed: 3, minimum_stock: 5 });
      expect(exact.status).to.equal(200);
      expect(exact.body).to.include({ stock: 5, available: 0 });
      expect(exact.body.name).to.not.equal("Renamed while too low");
    });

    it("when a hold has lapsed, then its units no longer count against lowering the stock", async () => {
      const p = await product(5);
      await reserve(newReservationId(), p, 3, soon(300));
      await sleep(500);
      expect((await patch(p, { stock: 0 })).status).to.equal(200);
    });

    it("when the product is deactivated while a quote holds it, then extending the hold is 409 product_unavailable but a hold already extended still commits", async () => {
      const p = await product(5);
      const quote = newReservationId();
      const checkingOut = newReservationId();
      await reserve(quote, p, 2);
      await reserve(checkingOut, p, 1);

      expect((await app.call("DELETE", `/v1/products/${p}`, { token: admin })).status).to.equal(200);
      const extend = await reserve(quote, p, 2, inMinutes(60));
      const committed = await commit(checkingOut);

      expect(extend.status).to.equal(409);
      expect(extend.body.code).to.equal("product_unavailable");
      expect(committed.status).to.equal(200);
      expect(await ledger(p)).to.deep.equal({ stock: 5, committed: 1, held: 2 });
    });

    it("when a lapsed hold of a deactivated product is committed, then it is 409 product_unavailable", async () => {
      const p = await product(5);
      const id = newReservationId();
      await reserve(id, p, 1, soon(300));
      await app.call("DELETE", `/v1/products/${p}`, { token: admin });
      await sleep(500);

      const res = await commit(id);

      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("product_unavailable");
    });

    it("when holds, commits and stock cuts race, then the stock never ends below the units promised", async function () {
      this.timeout(120_000);
      for (let round = 0; round < 5; round++) {
        const p = await product(10);
        const held = Array.from({ length: 4 }, () => newReservationId());
        for (const id of held) expect((await reserve(id, p, 1)).status).to.equal(201);

        const results = await Promise.all([
          ...held.map((id) => commit(id)),
          ...Array.from({ length: 6 }, () => reserve(newReservationId(), p, 1)),
          patch(p, { stock: 5 + (round % 3) }),
          patch(p, { stock: 3 }),
        ]);

        for (const r of results) expect([200, 201, 409]).to.include(r.status);
        for (const r of results.filter((x) => x.status === 409)) expect(["stock_below_reserved", "insufficient_stock"]).to.include(r.body.code);
        const state = await ledger(p);
        expect(state.stock, `round ${round}: ${JSON.stringify(state)}`).to.be.at.least(state.committed + state.held);
        expect((await read(p)).available).to.equal(state.stock - state.committed - state.held);
      }
    });
  });
}
