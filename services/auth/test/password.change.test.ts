import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { outcome, registerUser, startAuth, type AuthHarness, rawBody } from "./support.js";

for (const backend of testBackends()) {
  describe(`password: changing it (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    const login = (email: string, password: string) => outcome(h.client().auth.loginUserRaw({ LoginRequest: { email, password } }));

    it("when the current password is right, then it answers 204, the new password logs in, the old does not, and refresh tokens are revoked", async () => {
      const { user, password, tokens } = await registerUser(h);
      const otherSession = await h.client().auth.loginUser({ LoginRequest: { email: user.email, password } });
      const newPassword = "a-brand-new-passphrase";
      const res = await outcome(h.client({ token: tokens.access_token }).users.changePasswordRaw({ PasswordChange: { current_password: password, new_password: newPassword } }));
      expect(res.status).to.equal(204);

      for (const refreshToken of [tokens.refresh_token, otherSession.tokens.refresh_token]) {
        expect((await outcome(h.client().auth.refreshTokensRaw({ RefreshRequest: { refresh_token: refreshToken } }))).status).to.equal(401);
      }
      expect((await login(user.email, password)).status).to.equal(401);
      expect((await login(user.email, newPassword)).status).to.equal(200);
    });

    it("when the current password is wrong, then it answers 401 invalid_credentials and the password stays", async () => {
      const { user, password, tokens } = await registerUser(h);
      const res = await outcome(h.client({ token: tokens.access_token }).users.changePasswordRaw({ PasswordChange: { current_password: "not-my-password", new_password: "a-brand-new-passphrase" } }));
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal("invalid_credentials");
      expect((await login(user.email, password)).status).to.equal(200);
      expect((await outcome(h.client().auth.refreshTokensRaw({ RefreshRequest: { refresh_token: tokens.refresh_token } }))).status).to.equal(200);
    });

    it("when the new password is too short (contract: validation_failed) or equals the email (weak_password), then it answers 422 and the password stays", async () => {
      const { user, password, tokens } = await registerUser(h);
      const users = h.client({ token: tokens.access_token }).users;
      for (const [newPassword, code] of [["short", "validation_failed"], [user.email.toUpperCase(), "weak_password"]]) {
        const res = await outcome(users.changePasswordRaw({ PasswordChange: { current_password: password, new_password: newPassword } }));
        expect(res.status, newPassword).to.equal(422);
        expect(res.body.code).to.equal(code);
      }
      expect((await login(user.email, password)).status).to.equal(200);
    });

    it("when there is no token, then it answers 401 unauthenticated", async () => {
      const res = await outcome(h.client().users.changePasswordRaw({ PasswordChange: { current_password: "whatever-123", new_password: "whatever-456" } }));
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal("unauthenticated");
    });

    it("when a field is missing, then it answers 422 validation_failed", async () => {
      const { tokens } = await registerUser(h);
      const res = await outcome(
        h.client({ token: tokens.access_token }).users.changePasswordRaw({ PasswordChange: { current_password: "a", new_password: "b" } }, rawBody({ new_password: "a-brand-new-passphrase" })),
      );
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("validation_failed");
    });
  });
}
