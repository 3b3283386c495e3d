import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { buildUser, outcome, registerUser, startAuth, type AuthHarness } from "./support.js";

for (const backend of testBackends()) {
  describe(`legacy: the write-up's POST /api/v1/login (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    it("when the form credentials are right, then it answers 200 {token} with a working access token", async () => {
      const { user, password } = await registerUser(h);
      const res = await outcome(h.client().legacy.legacyLoginRaw({ email: user.email, password }));
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^application\/json/);
      expect(Object.keys(res.body)).to.deep.equal(["token"]);
      const me = await h.client({ token: res.body.token }).users.getCurrentUser();
      expect(me.id).to.equal(user.id);
    });

    it("when the password is wrong or the email unknown, then both answer the same 400 {error}", async () => {
      const { user } = await registerUser(h);
      const wrongPassword = await outcome(h.client().legacy.legacyLoginRaw({ email: user.email, password: "not-the-password" }));
      const unknownEmail = await outcome(h.client().legacy.legacyLoginRaw({ email: buildUser().email, password: "not-the-password" }));
      for (const res of [wrongPassword, unknownEmail]) {
        expect(res.status).to.equal(400);
        expect(res.headers.get("content-type")).to.match(/^application\/json/);
        expect(res.body).to.deep.equal({ error: "Invalid email or password" });
      }
    });

    it("when a field is missing, then it answers 400 {error}", async () => {
      const res = await outcome(h.client().legacy.legacyLoginRaw({ email: "someone@example.test" }));
      expect(res.status).to.equal(400);
      expect(res.body).to.have.property("error").that.is.a("string");
    });
  });
}
