import { generateKeyPairSync, createHmac } from "node:crypto";
import { expect } from "chai";
import jwt from "jsonwebtoken";
import { signAccessToken, signServiceToken } from "@disqo-commerce/kit";
import { testBackends } from "@disqo-commerce/kit/testing";
import { accessToken, outcome, registerUser, startAuth, tamperedToken, unsignedToken, type AuthHarness } from "./support.js";

for (const backend of testBackends()) {
  describe(`tokens: access token verification on protected routes (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    const me = (token: string) => outcome(h.client({ token }).users.getCurrentUserRaw());
    const listUsers = (token: string) => outcome(h.client({ token }).users.listUsersRaw({}));

    function expectRejected(res: { status: number; body: { code: string }; headers: Headers }, code = "token_invalid") {
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal(code);
      expect(res.headers.get("www-authenticate")).to.match(/^Bearer/);
    }

    it("when the token is missing, then it answers 401 unauthenticated", async () => {
      expectRejected(await outcome(h.client().users.getCurrentUserRaw()), "unauthenticated");
    });

    it("when the token is not a JWT at all, then it answers 401 token_invalid", async () => {
      expectRejected(await me("not-a-jwt"));
    });

    it("when a token's payload was changed (customer made admin), then it answers 401 token_invalid", async () => {
      const { user, tokens } = await registerUser(h);
      const forged = tamperedToken(tokens.access_token, { role: "admin" });
      expectRejected(await listUsers(forged));
      expectRejected(await me(tamperedToken(tokens.access_token, { sub: String(user.id + 1) })));
    });

    it("when the token has expired, then it answers 401 token_expired", async () => {
      const { user } = await registerUser(h);
      expectRejected(await me(accessToken(h, user.id, "customer", -10)), "token_expired");
    });

    it("when the token has expired on an admin route, then it answers 401 token_expired, not 403", async () => {
      expectRejected(await listUsers(accessToken(h, 1, "admin", -10)), "token_expired");
    });

    it("when a token signed with the service's own key has no exp, or an iat in the future, then it answers 401 token_invalid", async () => {
      const { user } = await registerUser(h);
      const now = Math.floor(Date.now() / 1000);
      // Hand-signed: the right key, kid, issuer and audience; only the time claims are wrong.
      const sign = (claims: object) => jwt.sign({ sub: String(user.id), role: "customer", iss: "disqo-auth", aud: "disqo-api", ...claims }, h.key.privateKey, { algorithm: "ES256", keyid: h.key.kid });
      expectRejected(await me(sign({ iat: now })));
      expectRejected(await me(sign({ iat: now + 3600, exp: now + 4000 })));
      expect((await me(sign({ iat: now, exp: now + 600 }))).status).to.equal(200);
    });

    it("when the token says alg none (unsigned), then it answers 401 token_invalid", async () => {
      const { user } = await registerUser(h);
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: String(user.id), role: "admin", iss: "disqo-auth", aud: "disqo-api", iat: now, exp: now + 600 };
      expectRejected(await me(unsignedToken(claims, h.key.kid)));
      expectRejected(await listUsers(unsignedToken(claims, h.key.kid)));
    });

    it("when the token is HS256-signed with the public key as the secret, then it answers 401 token_invalid", async () => {
      const { user } = await registerUser(h);
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const now = Math.floor(Date.now() / 1000);
      const head = `${enc({ alg: "HS256", typ: "JWT", kid: h.key.kid })}.${enc({ sub: String(user.id), role: "admin", iss: "disqo-auth", aud: "disqo-api", iat: now, exp: now + 600 })}`;
      const publicPem = h.key.publicKey.export({ type: "spki", format: "pem" }).toString();
      const forged = `${head}.${createHmac("sha256", publicPem).update(head).digest("base64url")}`;
      expectRejected(await listUsers(forged));
    });

    it("when the token is signed by another key (same or unknown kid), then it answers 401 token_invalid", async () => {
      const { user } = await registerUser(h);
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      expectRejected(await me(signAccessToken(privateKey, h.key.kid, { userId: user.id, role: "customer" }, 600)));
      expectRejected(await me(signAccessToken(privateKey, "some-other-kid", { userId: user.id, role: "customer" }, 600)));
    });

    it("when a service credential is sent where a user token is required, then it answers 401", async () => {
      const res = await me(signServiceToken("cart", "auth-test-service-secret-0123456789"));
      expect(res.status).to.equal(401);
    });

    it("when a valid token is sent, then the same route answers 200 (the rejections above are about the token)", async () => {
      const { user, tokens } = await registerUser(h);
      expect((await me(tokens.access_token)).status).to.equal(200);
      expect((await me(accessToken(h, user.id))).status).to.equal(200);
    });
  });
}
