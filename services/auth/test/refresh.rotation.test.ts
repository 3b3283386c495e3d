import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { outcome, registerUser, startAuth, type AuthHarness } from "./support.js";

for (const backend of testBackends()) {
  describe(`refresh: rotation and reuse detection (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    const refresh = (token: string) => outcome(h.client().auth.refreshTokensRaw({ RefreshRequest: { refresh_token: token } }));

    it("when a refresh token is exchanged, then a new pair comes back and the new access token works", async () => {
      const { user, tokens } = await registerUser(h);
      const res = await refresh(tokens.refresh_token);
      expect(res.status).to.equal(200);
      expect(res.body.refresh_token).to.match(/^rt_/).and.not.equal(tokens.refresh_token);
      expect(res.body).to.include({ token_type: "Bearer", expires_in: 900 });
      const me = await h.client({ token: res.body.access_token }).users.getCurrentUser();
      expect(me.id).to.equal(user.id);
      expect((await refresh(res.body.refresh_token)).status).to.equal(200);
    });

    it("when a rotated refresh token is reused, then it answers 401 and the newer token of that family is revoked too", async () => {
      const { tokens } = await registerUser(h);
      const rotated = await refresh(tokens.refresh_token);
      expect(rotated.status).to.equal(200);

      const reuse = await refresh(tokens.refresh_token);
      expect(reuse.status).to.equal(401);
      expect(reuse.body.code).to.equal("token_invalid");

      const newer = await refresh(rotated.body.refresh_token);
      expect(newer.status).to.equal(401);
      expect(newer.body.code).to.equal("token_invalid");
    });

    it("when one family is revoked for reuse, then the same user's other sessions keep working", async () => {
      const { user, password, tokens } = await registerUser(h);
      const otherSession = await h.client().auth.loginUser({ LoginRequest: { email: user.email, password } });
      await refresh(tokens.refresh_token);
      await refresh(tokens.refresh_token);
      expect((await refresh(otherSession.tokens.refresh_token)).status).to.equal(200);
    });

    it("when the same token is refreshed several times at once, then exactly one succeeds", async () => {
      const { user, tokens } = await registerUser(h);
      const results = await Promise.all([refresh(tokens.refresh_token), refresh(tokens.refresh_token), refresh(tokens.refresh_token)]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).to.deep.equal([200, 401, 401]);
      // one token was issued by registration and exactly one by the rotation that won
      expect(await h.domain.models.RefreshToken.count({ where: { user_id: user.id } })).to.equal(2);
    });

    it("when the refresh token is unknown, then it answers 401 token_invalid", async () => {
      const res = await refresh("rt_this-token-was-never-issued");
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal("token_invalid");
    });

    it("when the user was deactivated, then the refresh token answers 401", async () => {
      const { user, tokens } = await registerUser(h);
      await h.domain.models.User.update({ is_active: false }, { where: { id: user.id } });
      expect((await refresh(tokens.refresh_token)).status).to.equal(401);
    });

    it("when the refresh token is missing or empty, then it answers 422 validation_failed", async () => {
      const res = await refresh("");
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("validation_failed");
    });
  });
}
