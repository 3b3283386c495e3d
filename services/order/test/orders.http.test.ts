import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { checkout, createProduct, eventually, newUserId, orderTables, productState, quoteFor, reservationOf, startPlatform, type OrderPlatform } from "./support.js";

for (const backend of testBackends()) {
  describe(`orders, receipts and transactions (${backend})`, function () {
    this.timeout(60_000);
    let p: OrderPlatform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(async () => {
      await p?.close();
    });

    /** A paid order of a fresh shopper: the arrange step of most tests here. */
    async function paidOrder(options: { user?: number; stock?: number; lines?: number[] } = {}) {
      const user = options.user ?? newUserId();
      const lines = [];
      for (const quantity of options.lines ?? [1]) lines.push({ product: await createProduct(p, { stock: options.stock ?? 10 }), quantity });
      const quote = await quoteFor(p, user, lines);
      const res = await checkout(p, user, quote.id);
      expect(res.status).to.equal(201);
      return { user, quote, products: lines.map((l) => l.product), ...res.body };
    }
    const get = (path: string, token: string) => p.order.call("GET", path, { token });
    const cancel = (id: string, token: string, key = randomUUID(), body?: unknown) => p.order.call("POST", `/v1/orders/${id}/cancel`, { token, headers: { "Idempotency-Key": key }, body });
    const ship = (id: string, body: Record<string, unknown>) => p.order.call("POST", `/v1/orders/${id}/shipments`, { token: p.tokens.admin(), body });
    const shipping = { carrier: "UPS", tracking_number: "1Z999AA10123456784", expected_arrival_date: "2030-01-05" };

    describe("GET /v1/orders", () => {
      it("when a shopper lists orders, then only theirs come, newest first, page by page", async () => {
        const user = newUserId();
        const first = await paidOrder({ user });
        const second = await paidOrder({ user });
        await paidOrder();

        const page1 = await get("/v1/orders?limit=1", p.tokens.user(user));
        const page2 = await get(`/v1/orders?limit=1&cursor=${page1.body.next_cursor}`, p.tokens.user(user));

        expect(page1.status).to.equal(200);
        expect(page1.body.data.map((o: { id: string }) => o.id)).to.deep.equal([second.order.id]);
        expect(page1.body.next_cursor).to.be.a("string");
        expect(page2.body.data.map((o: { id: string }) => o.id)).to.deep.equal([first.order.id]);
        expect(page2.body.next_cursor).to.equal(null);
        expect(page2.body.data[0].receipts).to.have.length(1);
        expect(page2.body.data[0].transactions).to.have.length(1);
      });

      it("when the cursor is not one the API issued or the limit is out of range, then it is a 422", async () => {
        expect((await get("/v1/orders?cursor=garbage", p.tokens.user(newUserId()))).status).to.equal(422);
        expect((await get("/v1/orders?limit=0", p.tokens.user(newUserId()))).status).to.equal(422);
      });

      it("when there is no token, then it is a 401", async () => {
        expect((await p.order.call("GET", "/v1/orders")).status).to.equal(401);
      });
    });

    describe("GET /v1/orders/{id}", () => {
      it("when the owner or an admin asks, then the order comes with items, receipts and transactions; anyone else gets a 404", async () => {
        const { user, order } = await paidOrder({ lines: [1, 2] });

        const mine = await get(`/v1/orders/${order.id}`, p.tokens.user(user));
        const admin = await get(`/v1/orders/${order.id}`, p.tokens.admin());
        const other = await get(`/v1/orders/${order.id}`, p.tokens.user(newUserId()));

        expect(mine.status).to.equal(200);
        expect(mine.body).to.deep.equal(order);
        expect(mine.body.items).to.have.length(2);
        expect(admin.status).to.equal(200);
        expect(other.status).to.equal(404);
      });

      it("when the id is unknown or not a uuid, then it is a 404 or a 422", async () => {
        expect((await get(`/v1/orders/${randomUUID()}`, p.tokens.user(newUserId()))).status).to.equal(404);
        expect((await get("/v1/orders/42", p.tokens.user(newUserId()))).status).to.equal(422);
      });
    });

    describe("POST /v1/orders/{id}/cancel", () => {
      it("when a paid order is cancelled, then it is refunded with a new receipt, the sale receipt is unchanged and the stock comes back", async () => {
        const { user, order, receipt, products, quote } = await paidOrder({ stock: 6, lines: [2] });
        expect(await productState(p, products[0].id)).to.deep.equal({ stock: 6, available: 4 });

        const res = await cancel(order.id, p.tokens.user(user), randomUUID(), { reason: "Ordered the wrong size." });

        expect(res.status).to.equal(200);
        expect(res.body.status).to.equal("cancelled");
        expect(res.body.receipts.map((r: { kind: string }) => r.kind)).to.deep.equal(["sale", "refund"]);
        expect(res.body.receipts[0]).to.deep.equal(receipt);
        const refund = res.body.transactions.find((t: { type: string }) => t.type === "refund");
        expect(refund).to.include({ status: "succeeded", order_id: order.id, response_code: "approved" });
        expect(refund.amount).to.deep.equal(order.total);
        expect(res.body.receipts[1]).to.include({ kind: "refund", transaction_id: refund.id });
        expect(res.body.receipts[1].total).to.deep.equal(order.total);
        expect((await p.processor.ledger()).filter((r) => r.type === "refund" && r.reference.startsWith(`refund_${order.id}`))).to.have.length(1);
        expect(await eventually(() => productState(p, products[0].id), (s) => s.available === 6)).to.deep.equal({ stock: 6, available: 6 });
        expect((await reservationOf(p, quote.id))?.status).to.equal("released");
        const tables = await orderTables(p.order.sequelize);
        expect(tables.orders.find((o) => o.id === order.id)?.status).to.equal("cancelled");
        expect(tables.outbox.filter((e) => e.aggregate === `reservation:${quote.id}`).map((e) => [e.kind, e.state])).to.deep.equal([
          ["commit_reservation", "done"],
          ["release_reservation", "done"],
        ]);
      });

      it("when the cancel is repeated with its key, then it is replayed; with a new key it is a 409 illegal_transition and nothing is refunded twice", async () => {
        const { user, order } = await paidOrder();
        const key = randomUUID();
        const first = await cancel(order.id, p.tokens.user(user), key);

        const replay = await cancel(order.id, p.tokens.user(user), key);
        const again = await cancel(order.id, p.tokens.user(user));

        expect(replay.status).to.equal(200);
        expect(replay.body).to.deep.equal(first.body);
        expect(again.status).to.equal(409);
        expect(again.body).to.include({ code: "illegal_transition", current_status: "cancelled" });
        expect((await p.processor.ledger()).filter((r) => r.type === "refund" && r.reference.startsWith(`refund_${order.id}`))).to.have.length(1);
      });

      it("when two cancels race, then exactly one refund happens", async () => {
        const { user, order } = await paidOrder();

        const results = await Promise.all([cancel(order.id, p.tokens.user(user)), cancel(order.id, p.tokens.user(user)), cancel(order.id, p.tokens.admin())]);

        expect(results.filter((r) => r.status === 200)).to.have.length.at.least(1);
        for (const r of results.filter((x) => x.status !== 200)) expect(r.status).to.equal(409);
        expect((await p.processor.ledger()).filter((r) => r.type === "refund" && r.reference.startsWith(`refund_${order.id}`))).to.have.length(1);
        const final = await get(`/v1/orders/${order.id}`, p.tokens.user(user));
        expect(final.body.receipts.filter((r: { kind: string }) => r.kind === "refund")).to.have.length(1);
      });

      it("when the order has shipped, then cancelling is a 409 with the current status", async () => {
        const { user, order } = await paidOrder();
        expect((await ship(order.id, shipping)).status).to.equal(201);

        const res = await cancel(order.id, p.tokens.user(user));

        expect(res.status).to.equal(409);
        expect(res.body).to.include({ code: "illegal_transition", current_status: "shipped" });
      });

      it("when someone else cancels, then it is a 404; an unknown id is a 404 too", async () => {
        const { order } = await paidOrder();
        expect((await cancel(order.id, p.tokens.user(newUserId()))).status).to.equal(404);
        expect((await cancel(randomUUID(), p.tokens.user(newUserId()))).status).to.equal(404);
      });

      it("when the Idempotency-Key is missing or the body is wrong, then it is a 422; malformed JSON is a 400", async () => {
        const { user, order } = await paidOrder();
        const token = p.tokens.user(user);
        expect((await p.order.call("POST", `/v1/orders/${order.id}/cancel`, { token })).status).to.equal(422);
        expect((await cancel(order.id, token, randomUUID(), { reason: 42 })).status).to.equal(422);
        expect((await p.order.call("POST", `/v1/orders/${order.id}/cancel`, { token, headers: { "Idempotency-Key": randomUUID() }, rawBody: "{" })).status).to.equal(400);
      });
    });

    describe("receipts", () => {
      it("when the owner reads a receipt, then it comes with its items; anyone else gets a 404", async () => {
        const { user, receipt } = await paidOrder({ lines: [3] });

        const mine = await get(`/v1/receipts/${receipt.id}`, p.tokens.user(user));
        const other = await get(`/v1/receipts/${receipt.id}`, p.tokens.user(newUserId()));

        expect(mine.status).to.equal(200);
        expect(mine.body).to.deep.equal(receipt);
        expect(mine.body.items[0].quantity).to.equal(3);
        expect(other.status).to.equal(404);
        expect((await get(`/v1/receipts/${randomUUID()}`, p.tokens.user(user))).status).to.equal(404);
        expect((await get("/v1/receipts/not-a-uuid", p.tokens.user(user))).status).to.equal(422);
      });

      it("when the receipts of one order are listed, then the sale and the refund come, newest first", async () => {
        const user = newUserId();
        const { order } = await paidOrder({ user });
        await paidOrder({ user });
        await cancel(order.id, p.tokens.user(user));

        const res = await get(`/v1/receipts?order_id=${order.id}`, p.tokens.user(user));
        const all = await get("/v1/receipts", p.tokens.user(user));
        const stranger = await get(`/v1/receipts?order_id=${order.id}`, p.tokens.user(newUserId()));

        expect(res.status).to.equal(200);
        expect(res.body.data.map((r: { kind: string }) => r.kind)).to.deep.equal(["refund", "sale"]);
        expect(all.body.data).to.have.length(3);
        expect(stranger.body.data).to.deep.equal([]);
        expect((await get("/v1/receipts?order_id=nope", p.tokens.user(user))).status).to.equal(422);
        expect((await p.order.call("GET", "/v1/receipts")).status).to.equal(401);
      });
    });

    describe("GET /v1/transactions", () => {
      it("when a shopper lists transactions, then their charges and refunds come, filtered by order", async () => {
        const user = newUserId();
        const { order } = await paidOrder({ user });
        await cancel(order.id, p.tokens.user(user));

        const res = await get(`/v1/transactions?order_id=${order.id}`, p.tokens.user(user));

        expect(res.status).to.equal(200);
        expect(res.body.data.map((t: { type: string }) => t.type).sort()).to.deep.equal(["charge", "refund"]);
        expect((await get(`/v1/transactions?order_id=${order.id}`, p.tokens.user(newUserId()))).body.data).to.deep.equal([]);
        expect((await get("/v1/transactions?limit=1000", p.tokens.user(user))).status).to.equal(422);
        expect((await p.order.call("GET", "/v1/transactions")).status).to.equal(401);
      });
    });

    describe("admin: orders, shipments, delivery", () => {
      it("when an admin lists orders, then every order comes, filtered by status and user; a shopper gets a 403", async () => {
        const user = newUserId();
        const { order: kept } = await paidOrder({ user });
        const { order: cancelled } = await paidOrder({ user });
        await cancel(cancelled.id, p.tokens.user(user));

        const byUser = await get(`/v1/admin/orders?user_id=${user}`, p.tokens.admin());
        const byStatus = await get(`/v1/admin/orders?user_id=${user}&status=cancelled`, p.tokens.admin());
        const shopper = await get("/v1/admin/orders", p.tokens.user(user));

        expect(byUser.status).to.equal(200);
        expect(byUser.body.data.map((o: { id: string }) => o.id)).to.deep.equal([cancelled.id, kept.id]);
        expect(byStatus.body.data.map((o: { id: string }) => o.id)).to.deep.equal([cancelled.id]);
        expect(shopper.status).to.equal(403);
        expect((await get("/v1/admin/orders?status=lost", p.tokens.admin())).status).to.equal(422);
        expect((await p.order.call("GET", "/v1/admin/orders")).status).to.equal(401);
      });

      it("when some items ship, then the order is partially shipped; when the rest ship, shipped; then delivered", async () => {
        const { order } = await paidOrder({ lines: [1, 2] });
        const [a, b] = order.items;

        const partial = await ship(order.id, { ...shipping, item_ids: [a.id] });
        expect(partial.status).to.equal(201);
        expect(partial.body.order.status).to.equal("partially_shipped");
        expect(partial.body.shipment).to.include({ order_id: order.id, carrier: "UPS", expected_arrival_date: "2030-01-05" });
        expect(partial.body.shipment.item_ids).to.deep.equal([a.id]);
        expect(partial.body.order.items.find((i: { id: string }) => i.id === a.id)).to.include({ shipment_id: partial.body.shipment.id, expected_arrival_date: "2030-01-05" });
        expect(partial.body.order.items.find((i: { id: string }) => i.id === b.id)).to.include({ shipment_id: null });

        const early = await p.order.call("POST", `/v1/orders/${order.id}/deliver`, { token: p.tokens.admin() });
        expect(early.status).to.equal(409);
        expect(early.body).to.include({ code: "illegal_transition", current_status: "partially_shipped" });

        const again = await ship(order.id, { ...shipping, item_ids: [a.id] });
        expect(again.status).to.equal(409);

        const rest = await ship(order.id, { ...shipping, tracking_number: "1Z2", expected_arrival_date: "2030-01-07" });
        expect(rest.status).to.equal(201);
        expect(rest.body.order.status).to.equal("shipped");
        expect(rest.body.shipment.item_ids).to.deep.equal([b.id]);
        expect(rest.body.order.shipments).to.have.length(2);

        const delivered = await p.order.call("POST", `/v1/orders/${order.id}/deliver`, { token: p.tokens.admin() });
        expect(delivered.status).to.equal(200);
        expect(delivered.body.status).to.equal("delivered");

        const twice = await p.order.call("POST", `/v1/orders/${order.id}/deliver`, { token: p.tokens.admin() });
        expect(twice.body).to.include({ code: "illegal_transition", current_status: "delivered" });
        expect((await ship(order.id, shipping)).body).to.include({ code: "illegal_transition", current_status: "delivered" });
      });

      it("when a cancelled order is shipped, then it is a 409 illegal_transition", async () => {
        const { user, order } = await paidOrder();
        await cancel(order.id, p.tokens.user(user));

        const res = await ship(order.id, shipping);

        expect(res.status).to.equal(409);
        expect(res.body).to.include({ code: "illegal_transition", current_status: "cancelled" });
      });

      it("when item_ids name another order's items or the body is wrong, then it is a 422; unknown orders are 404; shoppers 403", async () => {
        const { order } = await paidOrder();
        const { order: other } = await paidOrder();

        const foreign = await ship(order.id, { ...shipping, item_ids: [other.items[0].id] });
        expect(foreign.status).to.equal(422);
        expect(foreign.body.errors[0].path).to.equal("/body/item_ids");
        expect((await ship(order.id, { carrier: "UPS" })).status).to.equal(422);
        expect((await ship(order.id, { ...shipping, expected_arrival_date: "soon" })).status).to.equal(422);
        expect((await ship(randomUUID(), shipping)).status).to.equal(404);
        expect((await p.order.call("POST", `/v1/orders/${order.id}/shipments`, { token: p.tokens.user(order.user_id), body: shipping })).status).to.equal(403);
        expect((await p.order.call("POST", `/v1/orders/${order.id}/shipments`, { token: p.tokens.admin(), rawBody: "{" })).status).to.equal(400);
        expect((await p.order.call("POST", `/v1/orders/${randomUUID()}/deliver`, { token: p.tokens.admin() })).status).to.equal(404);
        expect((await p.order.call("POST", `/v1/orders/${order.id}/deliver`, { token: p.tokens.user(order.user_id) })).status).to.equal(403);
        const stillPaid = await get(`/v1/orders/${order.id}`, p.tokens.admin());
        expect(stillPaid.body.status).to.equal("paid");
      });
    });
  });
}
