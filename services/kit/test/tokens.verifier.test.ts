import { createHmac, generateKeyPairSync } from "node:crypto";
import { expect } from "chai";
import jwt from "jsonwebtoken";
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, AppError, signAccessToken, signServiceToken, StaticKeys, TokenVerifier } from "../src/index.js";
import { testTokens } from "../src/testing.js";

const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);
const claims = (over: Record<string, unknown> = {}) => ({ sub: "7", role: "customer", iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat: now(), exp: now() + 600, ...over });

async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a rejection");
}

describe("kit: TokenVerifier", () => {
  const t = testTokens();

  describe("verifyAccessToken", () => {
    it("when the token is a valid ES256 token of a known key, then it answers the user and role", async () => {
      expect(await t.verifier.verifyAccessToken(t.user(7))).to.deep.equal({ kind: "user", userId: 7, role: "customer" });
      expect(await t.verifier.verifyAccessToken(t.admin(8))).to.deep.equal({ kind: "user", userId: 8, role: "admin" });
    });

    it("when the token has expired, then it is 401 token_expired", async () => {
      const error = await rejection(t.verifier.verifyAccessToken(t.expired(7)));
      expect(error.status).to.equal(401);
      expect(error.code).to.equal("token_expired");
      expect(error.headers["WWW-Authenticate"]).to.match(/^Bearer/);
    });

    it("when the payload was changed after signing, then it is 401 token_invalid", async () => {
      const [header, , signature] = t.user(7).split(".");
      const error = await rejection(t.verifier.verifyAccessToken(`${header}.${enc(claims({ role: "admin" }))}.${signature}`));
      expect(error.status).to.equal(401);
      expect(error.code).to.equal("token_invalid");
    });

    it("when the token says alg none, then it is 401 token_invalid", async () => {
      const token = `${enc({ alg: "none", typ: "JWT", kid: t.kid })}.${enc(claims({ role: "admin" }))}.`;
      expect((await rejection(t.verifier.verifyAccessToken(token))).code).to.equal("token_invalid");
    });

    it("when the token is HS256-signed with the public key as the HMAC secret, then it is 401 token_invalid", async () => {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const verifier = new TokenVerifier(new StaticKeys(new Map([["k1", publicKey]])), "service-secret-0123456789");
      const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
      const head = `${enc({ alg: "HS256", typ: "JWT", kid: "k1" })}.${enc(claims({ role: "admin" }))}`;
      const forged = `${head}.${createHmac("sha256", pem).update(head).digest("base64url")}`;
      expect((await rejection(verifier.verifyAccessToken(forged))).code).to.equal("token_invalid");
      // the same claims properly signed pass, so the rejection above is about the algorithm
      expect(await verifier.verifyAccessToken(signAccessToken(privateKey, "k1", { userId: 7, role: "admin" }, 60))).to.include({ userId: 7 });
    });

    it("when the kid is unknown or missing, then it is 401 token_invalid", async () => {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      expect((await rejection(t.verifier.verifyAccessToken(signAccessToken(privateKey, "unknown-kid", { userId: 7, role: "customer" }, 60)))).code).to.equal("token_invalid");
      const noKid = jwt.sign({ role: "customer" }, t.privateKey, { algorithm: "ES256", issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE, subject: "7", expiresIn: 60 });
      expect((await rejection(t.verifier.verifyAccessToken(noKid))).code).to.equal("token_invalid");
    });

    it("when another key signed a token under a known kid, then it is 401 token_invalid", async () => {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      expect((await rejection(t.verifier.verifyAccessToken(signAccessToken(privateKey, t.kid, { userId: 7, role: "customer" }, 60)))).code).to.equal("token_invalid");
    });

    it("when a validly signed token has no exp, no iat, or an iat in the future beyond the clock skew, then it is 401 token_invalid", async () => {
      // Hand-signed with the right key, issuer and audience: only the time claims are wrong.
      // (jsonwebtoken keeps a given iat, adds one when missing, and drops it with noTimestamp)
      const sign = (payload: Record<string, unknown>, noTimestamp = false) => jwt.sign(payload, t.privateKey, { algorithm: "ES256", keyid: t.kid, noTimestamp });
      const { iat: _iat, exp: _exp, ...timeless } = claims();
      for (const [what, token] of [
        ["no exp", sign({ ...timeless, iat: now() })],
        ["no iat", sign({ ...timeless, exp: now() + 600 }, true)],
        ["iat 10 minutes ahead", sign({ ...timeless, iat: now() + 600, exp: now() + 1200 })],
      ] as const) {
        const error = await rejection(t.verifier.verifyAccessToken(token));
        expect(error.status, what).to.equal(401);
        expect(error.code, what).to.equal("token_invalid");
      }
      // Within the skew, and the well-formed original, still pass: the rejections above are about the claims.
      expect(await t.verifier.verifyAccessToken(sign({ ...timeless, iat: now() + 30, exp: now() + 600 }))).to.include({ userId: 7 });
      expect(await t.verifier.verifyAccessToken(sign(claims()))).to.include({ userId: 7 });
    });

    it("when the issuer, audience, subject or role is wrong, then it is 401 token_invalid", async () => {
      const sign = (payload: object, options: jwt.SignOptions) => jwt.sign(payload, t.privateKey, { algorithm: "ES256", keyid: t.kid, expiresIn: 60, ...options });
      const base = { issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE, subject: "7" };
      for (const token of [
        sign({ role: "customer" }, { ...base, issuer: "someone-else" }),
        sign({ role: "customer" }, { ...base, audience: "disqo-internal" }),
        sign({ role: "customer" }, { ...base, subject: "not-a-number" }),
        sign({ role: "superuser" }, base),
        "garbage",
      ]) {
        expect((await rejection(t.verifier.verifyAccessToken(token))).code).to.equal("token_invalid");
      }
    });

    it("when a verified token is presented again, then it is not re-checked until it expires, and a changed copy still fails", async () => {
      const token = t.user(7, "customer", 1);
      expect(await t.verifier.verifyAccessToken(token)).to.deep.equal({ kind: "user", userId: 7, role: "customer" });
      // a second verification is answered from the cache: the key source is not asked again
      const counted = new TokenVerifier({ getKey: async (kid) => (calls++, t.keys.getKey(kid)) }, t.serviceSecret);
      let calls = 0;
      await counted.verifyAccessToken(token);
      await counted.verifyAccessToken(token);
      expect(calls).to.equal(1);
      const [header, payload, signature] = token.split(".");
      expect((await rejection(counted.verifyAccessToken(`${header}.${payload}.${signature!.slice(0, -2)}AA`))).code).to.equal("token_invalid");
      // the cache entry lives no longer than the token (exp is in whole seconds: at most 2 s away)
      await new Promise((r) => setTimeout(r, 2_100));
      expect((await rejection(counted.verifyAccessToken(token))).code).to.equal("token_expired");
    }).timeout(5_000);

    it("when a service token is offered as an access token, then it is 401 token_invalid", async () => {
      expect((await rejection(t.verifier.verifyAccessToken(t.service("cart")))).code).to.equal("token_invalid");
    });
  });

  describe("verifyServiceToken", () => {
    it("when the token is a service credential signed with the shared secret, then it answers the service", () => {
      expect(t.verifier.verifyServiceToken(t.service("order"))).to.deep.equal({ kind: "service", service: "order" });
      expect(t.verifier.verifyServiceToken(signServiceToken("cart", t.serviceSecret))).to.deep.equal({ kind: "service", service: "cart" });
    });

    it("when a user's access token (even an admin's, even one verified before) is offered, then it is 403 forbidden", async () => {
      await t.verifier.verifyAccessToken(t.admin());
      for (const token of [t.user(7), t.admin()]) {
        const error = await rejection(() => t.verifier.verifyServiceToken(token));
        expect(error.status).to.equal(403);
        expect(error.code).to.equal("forbidden");
      }
    });

    it("when the service token is signed with another secret, is expired or lacks the service subject, then it is 403", async () => {
      for (const token of [
        signServiceToken("cart", "some-other-secret-0123456789"),
        signServiceToken("cart", t.serviceSecret, -10),
        jwt.sign({}, t.serviceSecret, { algorithm: "HS256", audience: "disqo-internal", subject: "user:7", expiresIn: 60 }),
        jwt.sign({}, t.serviceSecret, { algorithm: "HS256", audience: ACCESS_TOKEN_AUDIENCE, subject: "service:cart", expiresIn: 60 }),
      ]) {
        expect((await rejection(() => t.verifier.verifyServiceToken(token))).status).to.equal(403);
      }
    });
  });
});
