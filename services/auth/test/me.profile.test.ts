import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { outcome, registerUser, startAuth, type AuthHarness, rawBody } from "./support.js";

for (const backend of testBackends()) {
  describe(`me: reading and updating the profile (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    it("when a user reads their profile, then it answers 200 with their data and no password hash", async () => {
      const { user, tokens } = await registerUser(h);
      const res = await outcome(h.client({ token: tokens.access_token }).users.getCurrentUserRaw());
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: user.id, email: user.email, role: "customer", is_active: true, address_1: null });
      expect(res.body).to.not.have.property("password_hash");
    });

    it("when a user changes profile fields, then only those change and a later read shows them", async () => {
      const { user, tokens } = await registerUser(h);
      const me = h.client({ token: tokens.access_token }).users;
      const updated = await me.updateCurrentUser({ ProfileUpdate: { address_1: "1 Main St", city: "Los Angeles", state: "CA", zip_code: "90001", phone: "+1 555 0100" } });
      expect(updated).to.include({ address_1: "1 Main St", city: "Los Angeles", state: "CA", zip_code: "90001", phone: "+1 555 0100", first_name: user.first_name, email: user.email });
      const cleared = await me.updateCurrentUser({ ProfileUpdate: { phone: null, first_name: "Grace" } });
      expect(cleared).to.include({ phone: null, first_name: "Grace", city: "Los Angeles" });
      expect(await me.getCurrentUser()).to.include({ phone: null, first_name: "Grace", city: "Los Angeles", zip_code: "90001" });
    });

    it("when the state is not a two-letter code, then it answers 422 validation_failed and changes nothing", async () => {
      const { tokens } = await registerUser(h);
      const me = h.client({ token: tokens.access_token }).users;
      for (const state of ["California", "ca", "C1"]) {
        const res = await outcome(me.updateCurrentUserRaw({ ProfileUpdate: { state, city: "Nowhere" } }));
        expect(res.status, state).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
        expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/body/state");
      }
      expect(await me.getCurrentUser()).to.include({ state: null, city: null });
    });

    it("when the zip code is malformed or the body is empty, then it answers 422 validation_failed", async () => {
      const { tokens } = await registerUser(h);
      const me = h.client({ token: tokens.access_token }).users;
      expect((await outcome(me.updateCurrentUserRaw({ ProfileUpdate: { zip_code: "9000" } }))).status).to.equal(422);
      expect((await outcome(me.updateCurrentUserRaw({ ProfileUpdate: {} }))).status).to.equal(422);
    });

    it("when a user tries to set their role, email or active flag through the profile, then it answers 422 and nothing changes", async () => {
      const { user, tokens } = await registerUser(h);
      const me = h.client({ token: tokens.access_token }).users;
      for (const body of [{ role: "admin" }, { email: "someone-else@example.test" }, { is_active: false }, { password_hash: "x" }]) {
        const res = await outcome(me.updateCurrentUserRaw({ ProfileUpdate: { city: "x" } }, rawBody(body)));
        expect(res.status, JSON.stringify(body)).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
      }
      expect(await me.getCurrentUser()).to.include({ role: "customer", email: user.email, is_active: true });
    });

    it("when there is no token, then GET and PATCH answer 401 unauthenticated", async () => {
      const anonymous = h.client().users;
      const get = await outcome(anonymous.getCurrentUserRaw());
      const patch = await outcome(anonymous.updateCurrentUserRaw({ ProfileUpdate: { city: "x" } }));
      for (const res of [get, patch]) {
        expect(res.status).to.equal(401);
        expect(res.body.code).to.equal("unauthenticated");
        expect(res.headers.get("www-authenticate")).to.match(/^Bearer/);
      }
    });
  });
}
