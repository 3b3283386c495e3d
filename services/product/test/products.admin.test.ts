import { expect } from "chai";
import { buildProduct, productTestBackends, startProductApp, type ProductTestApp } from "./support.js";

for (const backend of productTestBackends()) {
  describe(`product admin and reads (${backend})`, () => {
    let app: ProductTestApp;
    let admin: string;

    before(async () => {
      app = await startProductApp(backend, "product_admin");
      admin = app.tokens.admin();
    });
    after(async () => app?.close());

    it("when an admin creates a product, then it is 201 with every field and readable by anyone", async () => {
      const body = buildProduct({ sku: "new-sku-1", stock: 7 });
      const res = await app.call("POST", "/v1/products", { token: admin, body });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ name: body.name, description: body.description, sku: "NEW-SKU-1", is_active: true, stock: 7, available: 7 });
      expect(res.body.price).to.deep.equal({ amount: 1999, currency: "USD" });
      const read = await app.call("GET", `/v1/products/${res.body.id}`);
      expect(read.status).to.equal(200);
      expect(read.body).to.deep.equal(res.body);
    });

    it("when the sku is taken (in any case), then it is 409 sku_taken", async () => {
      await app.call("POST", "/v1/products", { token: admin, body: buildProduct({ sku: "DUP-1" }) });
      const res = await app.call("POST", "/v1/products", { token: admin, body: buildProduct({ sku: "dup-1" }) });
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("sku_taken");
      const other = (await app.call("POST", "/v1/products", { token: admin, body: buildProduct() })).body;
      const patch = await app.call("PATCH", `/v1/products/${other.id}`, { token: admin, body: { sku: "DUP-1" } });
      expect(patch.status).to.equal(409);
      expect(patch.body.code).to.equal("sku_taken");
    });

    it("when the body breaks the contract, then it is 422 with the failing fields; malformed JSON is 400", async () => {
      for (const body of [
        buildProduct({ price: { amount: 10.5, currency: "USD" } }),
        buildProduct({ price: { amount: 100, currency: "EUR" } }),
        buildProduct({ stock: -1 }),
        buildProduct({ name: "" }),
        buildProduct({ sku: "has space" }),
        buildProduct({ extra: true }),
        { name: "No sku" },
      ]) {
        const res = await app.call("POST", "/v1/products", { token: admin, body });
        expect(res.status, JSON.stringify(body)).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
        expect(res.body.errors).to.be.an("array").that.is.not.empty;
      }
      const malformed = await app.call("POST", "/v1/products", { token: admin, body: "{ not json" });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.code).to.equal("malformed_request");
    });

    it("when no token, an expired token, a customer or a service calls an admin route, then it is 401 or 403", async () => {
      const p = (await app.call("POST", "/v1/products", { token: admin, body: buildProduct() })).body;
      const routes: [string, string, unknown][] = [
        ["POST", "/v1/products", buildProduct()],
        ["PATCH", `/v1/products/${p.id}`, { stock: 1 }],
        ["DELETE", `/v1/products/${p.id}`, undefined],
      ];
      for (const [method, path, body] of routes) {
        expect((await app.call(method, path, { body })).status, `${method} anonymous`).to.equal(401);
        const expired = await app.call(method, path, { body, token: app.tokens.expired(3) });
        expect(expired.status).to.equal(401);
        expect(expired.body.code).to.equal("token_expired");
        const customer = await app.call(method, path, { body, token: app.tokens.user(3) });
        expect(customer.status, `${method} customer`).to.equal(403);
        expect(customer.body.code).to.equal("forbidden");
        expect((await app.call(method, path, { body, token: app.tokens.service("cart") })).status, `${method} service`).to.be.oneOf([401, 403]);
      }
      expect((await app.call("GET", `/v1/products/${p.id}`)).body.stock).to.equal(10);
    });

    it("when an admin patches some fields, then only those change", async () => {
      const p = (await app.call("POST", "/v1/products", { token: admin, body: buildProduct({ description: "Stays." }) })).body;
      const res = await app.call("PATCH", `/v1/products/${p.id}`, { token: admin, body: { price: { amount: 2500, currency: "USD" }, stock: 3 } });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ description: "Stays.", stock: 3, available: 3, name: p.name });
      expect(res.body.price.amount).to.equal(2500);
      expect((await app.call("PATCH", `/v1/products/${p.id}`, { token: admin, body: {} })).status).to.equal(422);
    });

    it("when an admin deactivates a product, then it stays for admins, is 404 for others, and can be reactivated", async () => {
      const p = (await app.call("POST", "/v1/products", { token: admin, body: buildProduct() })).body;
      const res = await app.call("DELETE", `/v1/products/${p.id}`, { token: admin });
      expect(res.status).to.equal(200);
      expect(res.body.is_active).to.equal(false);
      expect((await app.call("DELETE", `/v1/products/${p.id}`, { token: admin })).status).to.equal(200);
      expect((await app.call("GET", `/v1/products/${p.id}`)).status).to.equal(404);
      expect((await app.call("GET", `/v1/products/${p.id}`, { token: app.tokens.user(9) })).status).to.equal(404);
      expect((await app.call("GET", `/v1/products/${p.id}`, { token: admin })).body.is_active).to.equal(false);
      expect((await app.call("GET", `/v1/products/${p.id}`, { token: app.tokens.service("cart") })).status).to.equal(200);
      const back = await app.call("PATCH", `/v1/products/${p.id}`, { token: admin, body: { is_active: true } });
      expect(back.body.is_active).to.equal(true);
      expect((await app.call("GET", `/v1/products/${p.id}`)).status).to.equal(200);
    });

    it("when the product does not exist or the id is not a number, then it is 404 or 422", async () => {
      for (const [method, body] of [["GET", undefined], ["PATCH", { stock: 1 }], ["DELETE", undefined]] as const) {
        const res = await app.call(method, "/v1/products/99999999", { token: admin, body });
        expect(res.status, method).to.equal(404);
        expect(res.body.code).to.equal("not_found");
        expect((await app.call(method, "/v1/products/abc", { token: admin, body })).status, method).to.equal(422);
      }
    });

    it("when a replayed create carries the same Idempotency-Key, then it is answered once", async () => {
      const body = buildProduct();
      const headers = { "idempotency-key": `create-${body.sku}` };
      const first = await app.call("POST", "/v1/products", { token: admin, body, headers });
      const again = await app.call("POST", "/v1/products", { token: admin, body, headers });
      expect(first.status).to.equal(201);
      expect(again.status).to.equal(201);
      expect(again.body.id).to.equal(first.body.id);
    });
  });
}
