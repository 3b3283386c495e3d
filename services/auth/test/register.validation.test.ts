import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { buildUser, outcome, registerUser, startAuth, type AuthHarness, malformedBody, rawBody } from "./support.js";

for (const backend of testBackends()) {
  describe(`register: validation and conflicts (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    it("when the input is valid, then it answers 201 with the user, normalised email and a token pair", async () => {
      const input = buildUser();
      const res = await outcome(h.client().auth.registerUserRaw({ RegisterRequest: { ...input, email: input.email.toUpperCase() } }));
      expect(res.status).to.equal(201);
      expect(res.body.user).to.include({ email: input.email, first_name: input.first_name, last_name: input.last_name, role: "customer", is_active: true });
      expect(res.body.user).to.not.have.property("password_hash");
      expect(res.body.tokens).to.include({ token_type: "Bearer", expires_in: 900 });
      expect(res.body.tokens.refresh_token).to.match(/^rt_/);
      const me = await h.client({ token: res.body.tokens.access_token }).users.getCurrentUser();
      expect(me.id).to.equal(res.body.user.id);
    });

    it("when the email is taken (in any case), then it answers 409 email_taken", async () => {
      const first = await registerUser(h);
      const res = await outcome(h.client().auth.registerUserRaw({ RegisterRequest: buildUser({ email: first.user.email.toUpperCase() }) }));
      expect(res.status).to.equal(409);
      expect(res.headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(res.body).to.include({ status: 409, code: "email_taken" });
    });

    it("when the password has fewer than 10 characters, then the contract refuses it (422 validation_failed at /body/password) and creates nothing", async () => {
      // the spec says minLength 10, so the rule is checked where every rule of the contract is
      const input = buildUser({ password: "short-pw1" });
      const res = await outcome(h.client().auth.registerUserRaw({ RegisterRequest: input }));
      expect(res.status).to.equal(422);
      expect(res.body).to.include({ code: "validation_failed" });
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.deep.equal(["/body/password"]);
      expect(await h.domain.users.findByEmail(input.email)).to.equal(null);
    });

    it("when the password equals the email (ignoring case), then it answers 422 weak_password", async () => {
      const input = buildUser();
      const res = await outcome(h.client().auth.registerUserRaw({ RegisterRequest: { ...input, password: input.email.toUpperCase() } }));
      expect(res.status).to.equal(422);
      expect(res.body).to.include({ code: "weak_password" });
    });

    it("when the email is not an email, then it answers 422 validation_failed naming the field", async () => {
      const res = await outcome(h.client().auth.registerUserRaw({ RegisterRequest: buildUser({ email: "not-an-email" }) }));
      expect(res.status).to.equal(422);
      expect(res.body).to.include({ status: 422, code: "validation_failed" });
      expect(res.body.errors).to.be.an("array").that.is.not.empty;
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/body/email");
    });

    it("when a required field is missing or an unknown one is sent, then it answers 422 validation_failed", async () => {
      const { first_name: _omitted, ...rest } = buildUser();
      const missing = await outcome(h.client().auth.registerUserRaw({ RegisterRequest: rest as never }));
      expect(missing.status).to.equal(422);
      expect(missing.body.errors.map((e: { path: string }) => e.path)).to.include("/body/first_name");

      const extra = await outcome(h.client().auth.registerUserRaw({ RegisterRequest: buildUser() }, rawBody({ ...buildUser(), role: "admin" })));
      expect(extra.status).to.equal(422);
      expect(extra.body.code).to.equal("validation_failed");
    });

    it("when the body is not valid JSON, then it answers 400 malformed_request", async () => {
      const res = await outcome(
        h.client().auth.registerUserRaw({ RegisterRequest: buildUser() }, malformedBody('{"email": "a@b.c", ')),
      );
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ status: 400, code: "malformed_request" });
    });

    it("when a registration is retried, then the retry is 409 email_taken and exactly one user exists", async () => {
      const input = buildUser();
      const first = await outcome(h.client().auth.registerUserRaw({ RegisterRequest: input }));
      const second = await outcome(h.client().auth.registerUserRaw({ RegisterRequest: input }));
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(409);
      expect(second.body.code).to.equal("email_taken");
      const login = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: input.email, password: input.password } }));
      expect(login.status).to.equal(200);
      expect(login.body.user.id).to.equal(first.body.user.id);
    });
  });
}
