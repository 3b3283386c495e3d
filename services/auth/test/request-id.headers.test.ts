import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { outcome, registerUser, startAuth, type AuthHarness } from "./support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const backend of testBackends()) {
  describe(`request ids and response privacy (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    it("when a request carries X-Request-Id, then the response echoes it, in the header and in a problem body", async () => {
      const { tokens } = await registerUser(h);
      const ok = await outcome(h.client({ token: tokens.access_token, headers: { "X-Request-Id": "test-req-0001" } }).users.getCurrentUserRaw());
      expect(ok.headers.get("x-request-id")).to.equal("test-req-0001");

      const problem = await outcome(h.client({ headers: { "X-Request-Id": "test-req-0002" } }).users.getCurrentUserRaw());
      expect(problem.status).to.equal(401);
      expect(problem.headers.get("x-request-id")).to.equal("test-req-0002");
      expect(problem.body.request_id).to.equal("test-req-0002");
    });

    it("when a request has no usable X-Request-Id, then a fresh UUID is made", async () => {
      const none = await outcome(h.client().keys.getJwksRaw());
      expect(none.headers.get("x-request-id")).to.match(UUID);
      const bad = await outcome(h.client({ headers: { "X-Request-Id": "has spaces and <html>" } }).keys.getJwksRaw());
      expect(bad.headers.get("x-request-id")).to.match(UUID);
    });

    it("when users are registered, logged in, read, updated and listed, then no response body carries a password hash", async () => {
      const admin = await h.domain.accounts.register({ email: "privacy-admin@example.test", password: "privacy-admin-pass", first_name: "A", last_name: "B" }, "admin");
      const adminLogin = await h.client().auth.loginUser({ LoginRequest: { email: admin.email, password: "privacy-admin-pass" } });
      const { user, password, tokens } = await registerUser(h);
      await h.client().auth.loginUser({ LoginRequest: { email: user.email, password } });
      await h.client().legacy.legacyLogin({ email: user.email, password });
      const me = h.client({ token: tokens.access_token }).users;
      await me.getCurrentUser();
      await me.updateCurrentUser({ ProfileUpdate: { city: "Oakland" } });
      const adminUsers = h.client({ token: adminLogin.tokens.access_token }).users;
      await adminUsers.listUsers({ limit: 100 });
      await adminUsers.updateUser({ id: user.id, UserAdminUpdate: { role: "customer" } });

      expect(h.seenBodies.length).to.be.at.least(8);
      for (const body of h.seenBodies) {
        expect(body).to.not.match(/"password_hash"\s*:/);
        expect(body).to.not.include("$argon2");
        expect(body).to.not.include(password);
      }
    });
  });
}
