import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { asForm, buildUser, outcome, registerUser, startAuth, type AuthHarness, malformedBody, rawBody } from "./support.js";

for (const backend of testBackends()) {
  describe(`login: credentials, JSON and form (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    it("when the credentials are right (JSON), then it answers 200 with the user and a working token pair", async () => {
      const { user, password } = await registerUser(h);
      const res = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: user.email, password } }));
      expect(res.status).to.equal(200);
      expect(res.body.user).to.include({ id: user.id, email: user.email });
      expect(res.body.tokens.token_type).to.equal("Bearer");
      const me = await h.client({ token: res.body.tokens.access_token }).users.getCurrentUser();
      expect(me.id).to.equal(user.id);
    });

    it("when the credentials are sent as form data, then it answers 200 as for JSON", async () => {
      const { user, password } = await registerUser(h);
      const res = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: "", password: "" } }, asForm({ email: user.email, password })));
      expect(res.status).to.equal(200);
      expect(res.body.user.id).to.equal(user.id);
    });

    it("when the email differs in case and surrounding spaces, then the login still succeeds", async () => {
      const { user, password } = await registerUser(h);
      const res = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: `  ${user.email.toUpperCase()}  `, password } }));
      expect(res.status).to.equal(200);
      expect(res.body.user.id).to.equal(user.id);
    });

    it("when the email is unknown or the password wrong, then both answer the same 401 invalid_credentials body", async () => {
      const { user } = await registerUser(h);
      const unknownEmail = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: buildUser().email, password: "whatever-password" } }));
      const wrongPassword = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: user.email, password: "whatever-password" } }));
      for (const res of [unknownEmail, wrongPassword]) {
        expect(res.status).to.equal(401);
        expect(res.body.code).to.equal("invalid_credentials");
        expect(res.body.request_id).to.be.a("string");
      }
      const { request_id: _a, ...first } = unknownEmail.body;
      const { request_id: _b, ...second } = wrongPassword.body;
      expect(first).to.deep.equal(second);
    });

    it("when a wrong password is sent as form data, then it answers 401 invalid_credentials", async () => {
      const { user } = await registerUser(h);
      const res = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: "", password: "" } }, asForm({ email: user.email, password: "not-the-password" })));
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal("invalid_credentials");
    });

    it("when the user was deactivated, then the right password answers 401 invalid_credentials", async () => {
      const { user, password } = await registerUser(h);
      await h.domain.accounts.adminUpdate(user.id, { is_active: false });
      const res = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: user.email, password } }));
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal("invalid_credentials");
    });

    it("when the password is missing, then it answers 422 validation_failed", async () => {
      const res = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: "a@example.test", password: "" } }, rawBody({ email: "a@example.test" })));
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("validation_failed");
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/body/password");
    });

    it("when the body is not valid JSON, then it answers 400 malformed_request", async () => {
      const res = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: "", password: "" } }, malformedBody("{email")));
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal("malformed_request");
    });
  });
}
