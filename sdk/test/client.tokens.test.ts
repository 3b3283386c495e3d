import { expect } from "chai";
import { AuthenticationError, DisqoCommerce, type TokenPair } from "@disqo-commerce/sdk";
import { cart, json, problem, stubFetch, tokenPair, USER, type SentRequest } from "./helpers.js";

const BASE = "http://api.test";

/**
 * A tiny auth-aware API: `valid` is the access token it accepts; /v1/auth/refresh rotates
 * `refresh-N` into pair N+1 (or fails when `refreshWorks` is false).
 */
function api(options: { valid: () => string; refreshWorks?: boolean; refreshDelayMs?: number }) {
  return stubFetch(async (request: SentRequest) => {
    if (request.path === "/v1/auth/login") return json(200, { user: USER, tokens: tokenPair(1) });
    if (request.path === "/v1/auth/refresh") {
      if (options.refreshDelayMs) await new Promise((r) => setTimeout(r, options.refreshDelayMs));
      if (options.refreshWorks === false) return problem(401, "token_invalid");
      const n = Number(String((request.body as { refresh_token: string }).refresh_token).split("-")[1]);
      return json(200, tokenPair(n + 1));
    }
    if (request.path === "/v1/auth/logout") return new Response(null, { status: 204 });
    const auth = request.headers.get("authorization");
    if (!auth) return problem(401, "unauthenticated");
    if (auth !== `Bearer ${options.valid()}`) return problem(401, "token_expired");
    if (request.path === "/v1/cart/items") return json(201, cart([{ product_id: 1, quantity: 1 }]));
    if (request.path === "/v1/cart") return json(200, cart());
    return json(200, USER);
  });
}

describe("sdk tokens", () => {
  it("when the shopper logs in, then the client holds the tokens, sends the access token and tells onTokens", async () => {
    const fetch = api({ valid: () => "access-1" });
    const seen: TokenPair[] = [];
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, onTokens: (t) => void seen.push(t) });
    const result = await shop.auth.login({ email: "shopper@example.com", password: "shopper-demo-pass" });
    expect(result.user.email).to.equal(USER.email);
    expect(shop.accessToken).to.equal("access-1");
    expect(shop.refreshToken).to.equal("refresh-1");
    expect(seen.map((t) => t.access_token)).to.deep.equal(["access-1"]);
    expect(fetch.calls[0].headers.has("authorization")).to.equal(false);
    expect(fetch.calls[0].body).to.deep.equal({ email: "shopper@example.com", password: "shopper-demo-pass" });

    await shop.users.me();
    expect(fetch.calls[1].headers.get("authorization")).to.equal("Bearer access-1");
  });

  it("when the access token has expired, then the client refreshes once, retries, and hands the new pair to onTokens", async () => {
    const fetch = api({ valid: () => "access-2" });
    const seen: TokenPair[] = [];
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "access-1", refreshToken: "refresh-1", onTokens: async (t) => void seen.push(t) });
    const me = await shop.users.me();
    expect(me.id).to.equal(USER.id);
    expect(fetch.calls.map((c) => `${c.method} ${c.path}`)).to.deep.equal(["GET /v1/users/me", "POST /v1/auth/refresh", "GET /v1/users/me"]);
    expect(fetch.calls[1].body).to.deep.equal({ refresh_token: "refresh-1" });
    expect(fetch.calls[1].headers.has("authorization")).to.equal(false);
    expect(fetch.calls[2].headers.get("authorization")).to.equal("Bearer access-2");
    expect(seen).to.deep.equal([tokenPair(2)]);
    expect(shop.accessToken).to.equal("access-2");
    expect(shop.refreshToken).to.equal("refresh-2");
  });

  it("when a POST without an Idempotency-Key meets an expired token, then it is sent again after the refresh (a 401 did nothing)", async () => {
    const fetch = api({ valid: () => "access-2" });
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "access-1", refreshToken: "refresh-1" });
    await shop.cart.addItem({ product_id: 1, quantity: 1 });
    expect(fetch.calls.map((c) => c.path)).to.deep.equal(["/v1/cart/items", "/v1/auth/refresh", "/v1/cart/items"]);
  });

  it("when the refreshed token is refused too, then the client gives up after one refresh with the 401", async () => {
    const fetch = api({ valid: () => "never-valid" });
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "access-1", refreshToken: "refresh-1" });
    const error = await shop.users.me().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).to.equal("token_expired");
    expect(fetch.calls.map((c) => c.path)).to.deep.equal(["/v1/users/me", "/v1/auth/refresh", "/v1/users/me"]);
  });

  it("when the refresh itself fails, then the original 401 token_expired is the answer and the tokens stay", async () => {
    const fetch = api({ valid: () => "access-2", refreshWorks: false });
    let told = 0;
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "access-1", refreshToken: "refresh-1", onTokens: () => void told++ });
    const error = (await shop.users.me().catch((e: unknown) => e)) as AuthenticationError;
    expect(error).to.be.instanceOf(AuthenticationError);
    expect(error.code).to.equal("token_expired");
    expect(fetch.calls.map((c) => c.path)).to.deep.equal(["/v1/users/me", "/v1/auth/refresh"]);
    expect(told).to.equal(0);
  });

  it("when the 401 is not token_expired, or there is no refresh token, then nothing is refreshed", async () => {
    const invalid = stubFetch(() => problem(401, "token_invalid"));
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch: invalid, accessToken: "access-1", refreshToken: "refresh-1" });
    await shop.users.me().catch(() => undefined);
    expect(invalid.calls).to.have.length(1);

    const noRefresh = api({ valid: () => "access-2" });
    const bare = new DisqoCommerce({ baseUrl: BASE, fetch: noRefresh, accessToken: "access-1" });
    const error = await bare.users.me().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(AuthenticationError);
    expect(noRefresh.calls).to.have.length(1);
  });

  it("when several calls find the token expired at once, then one refresh serves them all (a refresh token is single-use)", async () => {
    let valid = "access-1-expired";
    const fetch = api({ valid: () => valid, refreshDelayMs: 20 });
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "access-1", refreshToken: "refresh-1" });
    valid = "access-2";
    const results = await Promise.all([shop.users.me(), shop.users.me(), shop.users.me(), shop.cart.get()]);
    expect(results).to.have.length(4);
    expect(fetch.calls.filter((c) => c.path === "/v1/auth/refresh")).to.have.length(1);
    expect(shop.accessToken).to.equal("access-2");
  });

  it("when a call was sent with a token that another call has since refreshed, then it retries with the new one without refreshing again", async () => {
    const fetch = api({ valid: () => "access-2" });
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "access-1", refreshToken: "refresh-1" });
    await shop.users.me(); // refreshes to pair 2
    const before = fetch.calls.length;
    // An old token, as a request in flight during that refresh would carry.
    await shop.users.me({ headers: { Authorization: "Bearer access-1" } });
    const later = fetch.calls.slice(before);
    expect(later.map((c) => c.path)).to.deep.equal(["/v1/users/me", "/v1/users/me"]);
    expect(later[1].headers.get("authorization")).to.equal("Bearer access-2");
  });

  it("when onTokens throws, then the app's error reaches the caller (the new pair is not silently lost)", async () => {
    const fetch = api({ valid: () => "access-2" });
    const boom = new Error("session store is down");
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "access-1", refreshToken: "refresh-1", onTokens: () => { throw boom; } });
    expect(await shop.users.me().catch((e: unknown) => e)).to.equal(boom);
  });

  it("when the shopper logs out, then the refresh token is revoked and the client forgets both tokens", async () => {
    const fetch = api({ valid: () => "access-1" });
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
    await shop.auth.login({ email: "shopper@example.com", password: "shopper-demo-pass" });
    await shop.auth.logout();
    expect(fetch.calls[1].path).to.equal("/v1/auth/logout");
    expect(fetch.calls[1].body).to.deep.equal({ refresh_token: "refresh-1" });
    expect(shop.accessToken).to.equal(undefined);
    expect(shop.refreshToken).to.equal(undefined);
    const error = await shop.users.me().catch((e: unknown) => e);
    expect((error as AuthenticationError).code).to.equal("unauthenticated");
    expect(fetch.calls[2].headers.has("authorization")).to.equal(false);
  });

  it("when the app refreshes explicitly or restores tokens, then the client holds them", async () => {
    const fetch = api({ valid: () => "access-8" });
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
    shop.setTokens({ access_token: "access-6", refresh_token: "refresh-7" });
    const pair = await shop.auth.refresh();
    expect(pair.access_token).to.equal("access-8");
    expect(shop.refreshToken).to.equal("refresh-8");
    shop.clearTokens();
    expect(shop.accessToken).to.equal(undefined);
  });
});
