/**
 * What an integrator gets beyond the parsed body: the response of a successful call
 * (`withResponse()`), the typed problem of a failed one, and the headers the SDK sends on its
 * own (User-Agent, X-Disqo-Retry-Count).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import {
  ApiError,
  ApiPromise,
  ConflictError,
  DisqoCommerce,
  PaymentRequiredError,
  RETRY_COUNT_HEADER,
  VERSION,
  type PaymentProblem,
} from "@disqo-commerce/sdk";
import { FAST_RETRY, ORDER_ID, QUOTE_ID, USER, json, order, problem, product, sequence, stubFetch, tokenPair } from "./helpers.js";

const BASE = "http://api.test";

describe("sdk responses and headers", () => {
  describe("withResponse()", () => {
    it("when a call succeeds, then withResponse gives the parsed data, the response with an unread body, and the request id", async () => {
      const fetch = stubFetch(() => json(200, product(7), { "x-request-id": "req-7", "x-ratelimit-remaining": "99" }));
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
      const call = shop.products.get(7);
      expect(call).to.be.instanceOf(ApiPromise);
      expect(call).to.be.instanceOf(Promise);
      const { data, response, requestId } = await call.withResponse();
      expect(data.id).to.equal(7);
      expect(requestId).to.equal("req-7");
      expect(response.status).to.equal(200);
      expect(response.headers.get("x-ratelimit-remaining")).to.equal("99");
      expect(response.url).to.equal(`${BASE}/v1/products/7`);
      expect(response.bodyUsed).to.equal(false);
      expect(((await response.json()) as { sku: string }).sku).to.equal("SKU-7");
      // Awaiting the same call too gives the same data, without a second request.
      expect((await call).id).to.equal(7);
      expect(fetch.calls).to.have.length(1);
    });

    it("when the call was retried, then the response is the final attempt's", async () => {
      const fetch = stubFetch(sequence(() => json(503, {}, { "x-request-id": "req-a" }), () => json(200, product(1), { "x-request-id": "req-b" })));
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch, retry: FAST_RETRY });
      const { response, requestId } = await shop.products.get(1).withResponse();
      expect(response.status).to.equal(200);
      expect(requestId).to.equal("req-b");
    });

    it("when the API sends no X-Request-Id, then requestId is undefined", async () => {
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch: stubFetch(() => json(200, order())) });
      const { data, requestId } = await shop.orders.get(ORDER_ID).withResponse();
      expect(data.id).to.equal(ORDER_ID);
      expect(requestId).to.equal(undefined);
    });

    it("when the call fails, then withResponse rejects with the same typed error", async () => {
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch: stubFetch(() => problem(404)), accessToken: "t" });
      const error = await shop.orders.get(ORDER_ID).withResponse().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ApiError);
      expect((error as ApiError).status).to.equal(404);
    });

    it("when login is called with withResponse, then the client holds the tokens before the result arrives", async () => {
      const fetch = stubFetch(() => json(200, { user: USER, tokens: tokenPair(1) }, { "x-request-id": "login-1" }));
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
      const { data, requestId } = await shop.auth.login({ email: USER.email, password: "pw" }).withResponse();
      expect(data.user.email).to.equal(USER.email);
      expect(requestId).to.equal("login-1");
      expect(shop.accessToken).to.equal("access-1");
    });

    it("when a list is asked withResponse, then it gives the first page with its response, and awaiting the list sends nothing more", async () => {
      const fetch = stubFetch(sequence(
        () => json(200, { data: [product(1)], next_cursor: "c2", total_count: 2, total_count_is_lower_bound: false }, { "x-request-id": "page-1" }),
        () => json(200, { data: [product(2)], next_cursor: null, total_count: 2, total_count_is_lower_bound: false }, { "x-request-id": "page-2" }),
      ));
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
      const list = shop.products.list({ q: "book", limit: 1 });
      const { data: page, requestId, response } = await list.withResponse();
      expect(requestId).to.equal("page-1");
      expect(response.status).to.equal(200);
      expect(page.data.map((p) => p.id)).to.deep.equal([1]);
      expect(page.total_count).to.equal(2);
      expect((await list).data[0]?.id).to.equal(1);
      const ids: number[] = [];
      for await (const p of list) ids.push(p.id);
      expect(ids).to.deep.equal([1, 2]);
      expect(fetch.calls).to.have.length(2);
    });

    it("when a then-chain is built on a call, then it is a plain Promise", async () => {
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch: stubFetch(() => json(200, product(2))) });
      const chained = shop.products.get(2).then((p) => p.name);
      expect(chained).not.to.be.instanceOf(ApiPromise);
      expect(await chained).to.equal("Book 2");
    });
  });

  describe("typed problems", () => {
    it("when a payment is declined, then the PaymentRequiredError's problem has the typed decline_code and transaction_id", async () => {
      const declined = () => problem(402, "payment_declined", { decline_code: "card_declined", transaction_id: "t9" });
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch: stubFetch(declined), accessToken: "t", maxRetries: 0 });
      const error = await shop.checkout.create({ quote_id: QUOTE_ID, payment_method: { type: "card", token: "tok_chargeDeclined" } }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PaymentRequiredError);
      const typed: PaymentProblem | undefined = (error as PaymentRequiredError).problem;
      expect(typed?.decline_code).to.equal("card_declined");
      expect(typed?.transaction_id).to.equal("t9");
      expect(typed?.code).to.equal("payment_declined");
    });

    it("when stock is short, then the ConflictError's problem lists the products", async () => {
      const short = () => problem(409, "insufficient_stock", { products: [{ product_id: 1, requested: 3, available: 1 }] });
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch: stubFetch(short), accessToken: "t" });
      const error = (await shop.quotes.create({}).catch((e: unknown) => e)) as ConflictError;
      expect(error.problem?.products?.[0]?.product_id).to.equal(1);
    });

    it("when the body is not a problem (a proxy's HTML page), then problem is undefined and body keeps the text", async () => {
      const html = () => new Response("<html>Bad gateway</html>", { status: 502, headers: { "content-type": "text/html" } });
      const shop = new DisqoCommerce({ baseUrl: BASE, fetch: stubFetch(html), maxRetries: 0 });
      const error = (await shop.products.get(1).catch((e: unknown) => e)) as ApiError;
      expect(error.problem).to.equal(undefined);
      expect(error.body).to.equal("<html>Bad gateway</html>");
    });
  });

  describe("headers the SDK sends", () => {
    it("when running in Node, then every request carries the SDK's User-Agent with its version and Node's", async () => {
      const fetch = stubFetch(() => json(200, product(1)));
      await new DisqoCommerce({ baseUrl: BASE, fetch }).products.get(1);
      expect(fetch.calls[0].headers.get("user-agent")).to.equal(`disqo-commerce-sdk/${VERSION} node/${process.versions.node}`);
    });

    it("when the app sets its own User-Agent, in any letter case, then it replaces the SDK's", async () => {
      const fetch = stubFetch(() => json(200, product(1)));
      await new DisqoCommerce({ baseUrl: BASE, fetch, headers: { "user-agent": "my-app/1.0" } }).products.get(1);
      expect(fetch.calls[0].headers.get("user-agent")).to.equal("my-app/1.0");
    });

    it("when a request is retried, then each attempt says its number in X-Disqo-Retry-Count", async () => {
      const fetch = stubFetch(sequence(() => json(503, {}), () => json(502, {}), () => json(200, product(1))));
      await new DisqoCommerce({ baseUrl: BASE, fetch, retry: FAST_RETRY }).products.get(1);
      expect(RETRY_COUNT_HEADER).to.equal("X-Disqo-Retry-Count");
      expect(fetch.calls.map((c) => c.headers.get("x-disqo-retry-count"))).to.deep.equal(["0", "1", "2"]);
    });

    it("VERSION is the package's version", () => {
      const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
      expect(VERSION).to.equal(pkg.version);
    });
  });
});
