import { expect } from "chai";
import { RemoteJwks, TokenVerifier } from "@disqo-commerce/kit";
import { testBackends } from "@disqo-commerce/kit/testing";
import { outcome, registerUser, startAuth, type AuthHarness } from "./support.js";

for (const backend of testBackends()) {
  describe(`jwks: the verification keys (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    it("when the key set is fetched, then it holds the signing key's public half only, cacheable", async () => {
      const res = await outcome(h.client().keys.getJwksRaw());
      expect(res.status).to.equal(200);
      expect(res.headers.get("cache-control")).to.match(/max-age=\d+/);
      expect(res.body.keys).to.have.length(1);
      const [key] = res.body.keys;
      expect(key).to.include({ kid: h.key.kid, kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
      expect(key).to.not.have.property("d");
    });

    it("when another service verifies a token from login with the published keys, then it gets the user and role", async () => {
      const { user, password } = await registerUser(h);
      const { tokens } = await h.client().auth.loginUser({ LoginRequest: { email: user.email, password } });
      const verifier = new TokenVerifier(new RemoteJwks(`${h.url}/.well-known/jwks.json`), "unused-service-secret-0123");
      expect(await verifier.verifyAccessToken(tokens.access_token)).to.deep.equal({ kind: "user", userId: user.id, role: "customer" });
      const header = JSON.parse(Buffer.from(tokens.access_token.split(".")[0], "base64url").toString("utf8"));
      expect(header).to.include({ alg: "ES256", kid: h.key.kid });
      const payload = JSON.parse(Buffer.from(tokens.access_token.split(".")[1], "base64url").toString("utf8"));
      expect(payload).to.include({ sub: String(user.id), role: "customer" });
      expect(payload.exp - payload.iat).to.equal(900);
    });
  });
}
