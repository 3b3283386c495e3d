import { expect } from "chai";
import { testBackends } from "../src/testing.js";
import { call, startMiniApp, type MiniApp } from "./support.js";

// Authenticate, then authorize, then validate: a caller who may not call an operation learns
// nothing about its body rules (no field-level 422 for the anonymous or the wrong role).
for (const backend of testBackends()) {
  describe(`kit: security runs before request validation (${backend})`, () => {
    let app: MiniApp;
    before(async () => {
      app = await startMiniApp(backend, {});
    });
    after(() => app.close());

    const send = (method: string, path: string, body: unknown, token?: string) =>
      call(`${app.url}${path}`, {
        method,
        headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });

    it("when an anonymous caller sends an invalid body to a service-only operation, then it answers 401, not 422", async () => {
      const res = await send("POST", "/internal", { name: "", extra: 1 });
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal("unauthenticated");
      expect(res.body).to.not.have.property("errors");
    });

    it("when a user token is sent to a service-only operation with an invalid body, then it answers 403, not 422", async () => {
      const res = await send("POST", "/internal", { extra: 1 }, app.tokens.user(5));
      expect(res.status).to.equal(403);
      expect(res.body).to.not.have.property("errors");
    });

    it("when a customer sends an invalid body or path to an admin-only operation, then it answers 403, not 422", async () => {
      const res = await send("PATCH", "/admin/things/not-a-number", { name: 7 }, app.tokens.user(5));
      expect(res.status).to.equal(403);
      expect(res.body.code).to.equal("forbidden");
    });

    it("when the right caller sends an invalid body, then it is validated: 422 with the failing fields", async () => {
      const service = await send("POST", "/internal", { name: "" }, app.tokens.service());
      expect(service.status).to.equal(422);
      expect(service.body.errors.map((e: { path: string }) => e.path)).to.include("/body/name");
      const admin = await send("PATCH", "/admin/things/0", { name: "a" }, app.tokens.admin());
      expect(admin.status).to.equal(422);
    });

    it("when the right caller sends a valid request, then the handler runs with the principal", async () => {
      const res = await send("POST", "/internal", { name: "ok" }, app.tokens.service());
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ id: 1, name: "stub" });
    });
  });
}
