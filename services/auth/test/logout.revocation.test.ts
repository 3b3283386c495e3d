import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { outcome, registerUser, startAuth, type AuthHarness, rawBody } from "./support.js";

for (const backend of testBackends()) {
  describe(`logout: revocation (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    const logout = (token: string) => outcome(h.client().auth.logoutUserRaw({ RefreshRequest: { refresh_token: token } }));
    const refresh = (token: string) => outcome(h.client().auth.refreshTokensRaw({ RefreshRequest: { refresh_token: token } }));

    it("when a user logs out, then it answers 204 and the refresh token no longer works", async () => {
      const { tokens } = await registerUser(h);
      const res = await logout(tokens.refresh_token);
      expect(res.status).to.equal(204);
      expect(res.body).to.equal(undefined);
      const after = await refresh(tokens.refresh_token);
      expect(after.status).to.equal(401);
      expect(after.body.code).to.equal("token_invalid");
    });

    it("when a user logs out with a rotated token, then the current token of that session is revoked too", async () => {
      const { tokens } = await registerUser(h);
      const rotated = await refresh(tokens.refresh_token);
      expect((await logout(tokens.refresh_token)).status).to.equal(204);
      expect((await refresh(rotated.body.refresh_token)).status).to.equal(401);
    });

    it("when a user logs out of one session, then another session of theirs keeps working", async () => {
      const { user, password, tokens } = await registerUser(h);
      const other = await h.client().auth.loginUser({ LoginRequest: { email: user.email, password } });
      await logout(tokens.refresh_token);
      expect((await refresh(other.tokens.refresh_token)).status).to.equal(200);
    });

    it("when the token was already revoked or never existed, then logout still answers 204", async () => {
      const { tokens } = await registerUser(h);
      expect((await logout(tokens.refresh_token)).status).to.equal(204);
      expect((await logout(tokens.refresh_token)).status).to.equal(204);
      expect((await logout("rt_never-issued")).status).to.equal(204);
    });

    it("when the body has no refresh token, then it answers 422 validation_failed", async () => {
      const res = await outcome(h.client().auth.logoutUserRaw({ RefreshRequest: { refresh_token: "x" } }, rawBody({})));
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("validation_failed");
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/body/refresh_token");
    });
  });
}
