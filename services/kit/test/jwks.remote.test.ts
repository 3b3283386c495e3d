import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { expect } from "chai";
import { RemoteJwks, signAccessToken, TokenVerifier } from "../src/index.js";

function jwk(kid: string, publicKey: KeyObject) {
  return { ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" };
}

/** A fake JWKS endpoint: serves the current key set, counts fetches, can be made to fail. */
function fakeJwksServer(initial: Record<string, KeyObject>) {
  const state = { keys: { ...initial }, fetches: 0, fail: undefined as undefined | "network" | "status" };
  const fetchImpl = (async () => {
    state.fetches++;
    if (state.fail === "network") throw new TypeError("fetch failed");
    if (state.fail === "status") return new Response("nope", { status: 503 });
    return new Response(JSON.stringify({ keys: Object.entries(state.keys).map(([kid, key]) => jwk(kid, key)) }), { headers: { "content-type": "application/json" } });
  }) as unknown as typeof fetch;
  return { state, fetchImpl };
}

const newKey = () => generateKeyPairSync("ec", { namedCurve: "P-256" });

describe("kit: RemoteJwks", () => {
  it("when a known key is asked for repeatedly, then the key set is fetched once", async () => {
    const a = newKey();
    const server = fakeJwksServer({ a: a.publicKey });
    const jwks = new RemoteJwks("http://auth.test/jwks", { fetch: server.fetchImpl });
    for (let i = 0; i < 5; i++) expect((await jwks.getKey("a"))?.equals(a.publicKey)).to.equal(true);
    expect(server.state.fetches).to.equal(1);
  });

  it("when many requests ask at once on a cold cache, then they share one fetch", async () => {
    const a = newKey();
    const server = fakeJwksServer({ a: a.publicKey });
    const jwks = new RemoteJwks("http://auth.test/jwks", { fetch: server.fetchImpl });
    const keys = await Promise.all(Array.from({ length: 10 }, () => jwks.getKey("a")));
    expect(keys.every((k) => k?.equals(a.publicKey))).to.equal(true);
    expect(server.state.fetches).to.equal(1);
  });

  it("when a token names a kid the cache does not know (a rotated key), then exactly one refetch finds it", async () => {
    const a = newKey();
    const b = newKey();
    const server = fakeJwksServer({ a: a.publicKey });
    const jwks = new RemoteJwks("http://auth.test/jwks", { fetch: server.fetchImpl });
    await jwks.getKey("a");
    server.state.keys.b = b.publicKey;
    const verifier = new TokenVerifier(jwks, "service-secret-0123456789");
    expect(await verifier.verifyAccessToken(signAccessToken(b.privateKey, "b", { userId: 3, role: "customer" }, 60))).to.include({ userId: 3 });
    expect(server.state.fetches).to.equal(2);
    expect(await jwks.getKey("a")).to.not.equal(undefined);
    expect(server.state.fetches).to.equal(2);
  });

  it("when forged kids keep arriving, then refetches stop at the per-minute limit (no hammering the auth service)", async () => {
    const server = fakeJwksServer({ a: newKey().publicKey });
    const jwks = new RemoteJwks("http://auth.test/jwks", { fetch: server.fetchImpl, refetchesPerMinute: 3 });
    await jwks.getKey("a");
    for (let i = 0; i < 10; i++) expect(await jwks.getKey(`forged-${i}`)).to.equal(undefined);
    expect(server.state.fetches).to.equal(3);
    expect(await jwks.getKey("a")).to.not.equal(undefined);
    expect(server.state.fetches).to.equal(3);
  });

  it("when the JWKS cannot be fetched (network error or 5xx), then getKey answers undefined instead of throwing", async () => {
    for (const fail of ["network", "status"] as const) {
      const server = fakeJwksServer({ a: newKey().publicKey });
      server.state.fail = fail;
      const jwks = new RemoteJwks("http://auth.test/jwks", { fetch: server.fetchImpl });
      expect(await jwks.getKey("a")).to.equal(undefined);
    }
  });

  it("when a refresh fails after the cache went stale, then the keys already known keep working", async () => {
    const a = newKey();
    const server = fakeJwksServer({ a: a.publicKey });
    const jwks = new RemoteJwks("http://auth.test/jwks", { fetch: server.fetchImpl, ttlMs: 1 });
    await jwks.getKey("a");
    server.state.fail = "network";
    await new Promise((r) => setTimeout(r, 5));
    expect((await jwks.getKey("a"))?.equals(a.publicKey)).to.equal(true);
    expect(server.state.fetches).to.equal(2);
  });

  it("when the JWKS is unreachable, then a token is rejected as 401 token_invalid, not a crash", async () => {
    const a = newKey();
    const server = fakeJwksServer({ a: a.publicKey });
    server.state.fail = "network";
    const verifier = new TokenVerifier(new RemoteJwks("http://auth.test/jwks", { fetch: server.fetchImpl }), "service-secret-0123456789");
    let code: string | undefined;
    await verifier.verifyAccessToken(signAccessToken(a.privateKey, "a", { userId: 3, role: "customer" }, 60)).catch((e: { code: string }) => (code = e.code));
    expect(code).to.equal("token_invalid");
  });
});
