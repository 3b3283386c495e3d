import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { cartClients, checkout, createProduct, eventually, getQuote, newUserId, orderTables, productState, quoteFor, reservationOf, startPlatform, type OrderPlatform } from "./support.js";

for (const backend of testBackends()) {
  describe(`POST /v1/checkout (${backend})`, function () {
    this.timeout(60_000);
    let p: OrderPlatform;
    before(async () => {
      p = await startPlatform(backend);
    });
    after(async () => {
      await p?.close();
    });

    const tablesFor = async (quoteId: string) => {
      const all = await orderTables(p.order.sequelize);
      return {
        attempts: all.attempts.filter((a) => a.quote_id === quoteId),
        transactions: all.transactions.filter((t) => t.quote_id === quoteId),
        orders: all.orders.filter((o) => o.quote_id === quoteId),
        receipts: all.receipts.filter((r) => all.orders.some((o) => o.quote_id === quoteId && o.id === r.order_id)),
        outbox: all.outbox.filter((e) => e.aggregate.endsWith(`:${quoteId}`)),
      };
    };

    it("when the shopper pays an open quote, then the order, the receipt and the charge are written and the stock and quote are settled", async () => {
      const product = await createProduct(p, { stock: 5, price: 1250 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 2 }]);

      const res = await checkout(p, user, quote.id);

      expect(res.status).to.equal(201);
      const { order, receipt, transaction } = res.body;
      expect(order).to.include({ user_id: user, quote_id: quote.id, status: "paid", currency: "USD" });
      expect(order.total).to.deep.equal(quote.total);
      expect(order.subtotal).to.deep.equal({ amount: 2500, currency: "USD" });
      expect(order.items).to.have.length(1);
      expect(order.items[0]).to.include({ product_id: product.id, quantity: 2, shipment_id: null, expected_arrival_date: null });
      expect(order.items[0].unit_price).to.deep.equal({ amount: 1250, currency: "USD" });
      expect(receipt).to.include({ order_id: order.id, kind: "sale", transaction_id: transaction.id });
      expect(receipt.total).to.deep.equal(quote.total);
      expect(receipt.items[0]).to.include({ product_id: product.id, quantity: 2 });
      expect(transaction).to.include({ order_id: order.id, quote_id: quote.id, type: "charge", status: "succeeded", payment_gateway_id: "test", response_code: "approved" });
      expect(transaction.amount).to.deep.equal(quote.total);
      expect(transaction.gateway_transaction_id).to.match(/^ch_/);

      const tables = await tablesFor(quote.id);
      expect(tables.attempts.map((a) => a.state)).to.deep.equal(["completed"]);
      expect(tables.transactions).to.have.length(1);
      expect(tables.orders).to.have.length(1);
      expect(tables.receipts.map((r) => r.kind)).to.deep.equal(["sale"]);
      expect(tables.outbox.map((e) => [e.kind, e.state])).to.deep.equal([
        ["commit_reservation", "done"],
        ["accept_quote", "done"],
      ]);
      expect((await p.processor.succeededCharges()).filter((c) => c.reference === order.id)).to.have.length(1);
      expect(await productState(p, product.id)).to.deep.equal({ stock: 5, available: 3 });
      expect((await reservationOf(p, quote.id))?.status).to.equal("committed");
      const accepted = await getQuote(p, user, quote.id);
      expect(accepted.status).to.equal("accepted");
      expect(accepted.order_id).to.equal(order.id);
      const cart = await cartClients(p, user).cart.getCart();
      expect(cart.items).to.have.length(0);
    });

    it("when the same request is sent again with its key, then the first answer is replayed and nothing is charged again", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      const key = randomUUID();

      const first = await checkout(p, user, quote.id, { key });
      const second = await checkout(p, user, quote.id, { key });

      expect(first.status).to.equal(201);
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.equal(first.body);
      expect(second.headers.get("idempotent-replayed")).to.equal("true");
      expect(p.processor.calls.filter((c) => c.op === "charge" && c.reference === first.body.order.id)).to.have.length(1);
      expect((await tablesFor(quote.id)).transactions).to.have.length(1);
    });

    it("when the key is reused with another body, then it is a 422 and nothing happens", async () => {
      const product = await createProduct(p, { stock: 5 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      const key = randomUUID();
      const first = await checkout(p, user, quote.id, { key, token: "tok_chargeDeclined" });
      expect(first.status).to.equal(402);

      const res = await checkout(p, user, quote.id, { key, token: "tok_visa" });

      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("idempotency_key_reused");
      expect((await tablesFor(quote.id)).orders).to.have.length(0);
    });

    it("when the card is declined, then it is a 402 with the recorded transaction, the quote stays open with its hold, and another card can pay", async () => {
      const product = await createProduct(p, { stock: 4 });
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 3 }]);

      const declined = await checkout(p, user, quote.id, { token: "tok_chargeDeclined" });

      expect(declined.status).to.equal(402);
      expect(declined.headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(declined.body).to.include({ code: "payment_declined", decline_code: "card_declined" });
      const listed = await p.order.call("GET", `/v1/transactions?quote_id=${quote.id}`, { token: p.tokens.user(user) });
      expect(listed.status).to.equal(200);
      expect(listed.body.data).to.have.length(1);
      expect(listed.body.data[0]).to.include({ id: declined.body.transaction_id, type: "charge", status: "declined", response_code: "card_declined", order_id: null });
      expect((await getQuote(p, user, quote.id)).status).to.equal("open");
      const hold = await eventually(() => reservationOf(p, quote.id), (r) => r?.expires_at.getTime() === new Date(quote.expires_at).getTime());
      expect(hold?.status).to.equal("held");
      expect(hold?.expires_at.toISOString()).to.equal(new Date(quote.expires_at).toISOString());
      expect(await productState(p, product.id)).to.deep.equal({ stock: 4, available: 1 });
      let tables = await tablesFor(quote.id);
      expect(tables.attempts.map((a) => [a.state, a.live])).to.deep.equal([["declined", null]]);
      expect(tables.orders).to.have.length(0);

      const paid = await checkout(p, user, quote.id, { token: "tok_visa" });

      expect(paid.status).to.equal(201);
      tables = await tablesFor(quote.id);
      expect(tables.attempts.map((a) => a.state)).to.deep.equal(["declined", "completed"]);
      expect(tables.transactions.map((t) => t.status).sort()).to.deep.equal(["declined", "succeeded"]);
      expect(await productState(p, product.id)).to.deep.equal({ stock: 4, available: 1 });
    });

    it("when the card has insufficient funds, then the decline carries its own code", async () => {
      const product = await createProduct(p);
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);

      const res = await checkout(p, user, quote.id, { token: "tok_insufficientFunds" });

      expect(res.status).to.equal(402);
      expect(res.body).to.include({ code: "payment_declined", decline_code: "insufficient_funds" });
      expect((await tablesFor(quote.id)).transactions.map((t) => t.response_code)).to.deep.equal(["insufficient_funds"]);
    });

    it("when the quote does not exist, then it is a 404", async () => {
      const res = await checkout(p, newUserId(), "q_doesNotExist123");
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal("not_found");
    });

    it("when the quote is someone else's, then it is a 404 and nothing is charged", async () => {
      const product = await createProduct(p);
      const owner = newUserId();
      const quote = await quoteFor(p, owner, [{ product, quantity: 1 }]);

      const res = await checkout(p, newUserId(), quote.id);

      expect(res.status).to.equal(404);
      expect(await tablesFor(quote.id)).to.deep.include({ attempts: [], transactions: [], orders: [] });
      expect((await getQuote(p, owner, quote.id)).status).to.equal("open");
    });

    it("when the quote was already paid for, then another checkout of it is a 409 quote_not_open", async () => {
      const product = await createProduct(p);
      const user = newUserId();
      const quote = await quoteFor(p, user, [{ product, quantity: 1 }]);
      expect((await checkout(p, user, quote.id)).status).to.equal(201);

      const res = await checkout(p, user, quote.id);

      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("quote_not_open");
      expect((await tablesFor(quote.id)).transactions).to.have.length(1);
    });

    it("when a newer quote replaced the one paid for, then it is a 409 quote_not_open", async () => {
      const product = await createProduct(p);
      const user = newUserId();
      const old = await quoteFor(p, user, [{ product, quantity: 1 }]);
      await cartClients(p, user).quotes.createQuote({});

      const res = await checkout(p, user, old.id);

      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("quote_not_open");
    });

    it("when the body breaks the contract, then it is a 422 naming the field", async () => {
      const user = newUserId();
      const bad = await p.order.call("POST", "/v1/checkout", {
        token: p.tokens.user(user),
        headers: { "Idempotency-Key": randomUUID() },
        body: { quote_id: "q_abc", payment_method: { type: "paypal", token: "tok_visa" } },
      });
      expect(bad.status).to.equal(422);
      expect(bad.body.code).to.equal("validation_failed");
      expect(bad.body.errors.map((e: { path: string }) => e.path).join()).to.contain("payment_method");
    });

    it("when the Idempotency-Key is missing, then it is a 422", async () => {
      const res = await p.order.call("POST", "/v1/checkout", { token: p.tokens.user(newUserId()), body: { quote_id: "q_abc", payment_method: { type: "card", token: "tok_visa" } } });
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("validation_failed");
    });

    it("when the JSON is malformed, then it is a 400", async () => {
      const res = await p.order.call("POST", "/v1/checkout", { token: p.tokens.user(newUserId()), headers: { "Idempotency-Key": randomUUID() }, rawBody: "{ nope" });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal("malformed_request");
    });

    it("when there is no token or an expired one, then it is a 401", async () => {
      const body = { quote_id: "q_abc", payment_method: { type: "card", token: "tok_visa" } };
      const none = await p.order.call("POST", "/v1/checkout", { headers: { "Idempotency-Key": randomUUID() }, body });
      const expired = await p.order.call("POST", "/v1/checkout", { token: p.tokens.expired(newUserId()), headers: { "Idempotency-Key": randomUUID() }, body });
      expect(none.status).to.equal(401);
      expect(expired.status).to.equal(401);
      expect(expired.body.code).to.equal("token_expired");
    });
  });
}
