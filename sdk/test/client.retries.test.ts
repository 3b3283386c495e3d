import { expect } from "chai";
import { ConnectionError, DisqoCommerce, InternalServerError, RateLimitError, UnprocessableEntityError } from "@disqo-commerce/sdk";
import { DEFAULT_RETRY_POLICY, backoffDelay, createTransport, isRetriableStatus } from "../src/transport.js";
import { FAST_RETRY, cart, json, networkFailure, problem, product, sequence, stubFetch, USER } from "./helpers.js";

const BASE = "http://api.test";

function client(fetch: ReturnType<typeof stubFetch>, maxRetries = 2) {
  return new DisqoCommerce({ baseUrl: BASE, fetch, maxRetries, retry: FAST_RETRY, accessToken: "access-1" });
}

describe("sdk retries", () => {
  describe("when a GET fails with a retriable status", () => {
    for (const status of [408, 429, 500, 502, 503, 504]) {
      it(`then ${status} is retried and the later success is returned`, async () => {
        const fetch = stubFetch(sequence(() => problem(status), () => json(200, product(7))));
        const got = await client(fetch).products.get(7);
        expect(got.id).to.equal(7);
        expect(fetch.calls).to.have.length(2);
      });
    }
  });

  describe("when a request fails with a status that will not change", () => {
    for (const status of [400, 401, 402, 403, 404, 409, 422]) {
      it(`then ${status} is not retried`, async () => {
        const fetch = stubFetch(() => problem(status));
        const error = await client(fetch).products.get(7).catch((e: unknown) => e);
        expect(error).to.have.property("status", status);
        expect(fetch.calls).to.have.length(1);
      });
    }
  });

  it("when every attempt fails, then it gives up after maxRetries retries with the last error", async () => {
    const fetch = stubFetch(() => problem(503));
    const error = await client(fetch, 3).products.get(7).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(InternalServerError);
    expect(fetch.calls).to.have.length(4);
  });

  it("when maxRetries is 0, then a failure is answered at once", async () => {
    const fetch = stubFetch(() => problem(500));
    await client(fetch, 0).products.get(7).catch(() => undefined);
    expect(fetch.calls).to.have.length(1);
  });

  it("when one call sets maxRetries, then it overrides the client's", async () => {
    const fetch = stubFetch(() => problem(500));
    await client(fetch, 2).products.get(7, { maxRetries: 4 }).catch(() => undefined);
    expect(fetch.calls).to.have.length(5);
  });

  it("when the connection fails on a GET, then it is retried and a lasting failure is a ConnectionError", async () => {
    const recovering = stubFetch(sequence(networkFailure, () => json(200, USER)));
    expect((await client(recovering).users.me()).email).to.equal(USER.email);
    expect(recovering.calls).to.have.length(2);

    const down = stubFetch(networkFailure);
    const error = await client(down).users.me().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConnectionError);
    expect((error as Error).message).to.match(/api\.test/);
    expect(down.calls).to.have.length(3);
  });

  describe("when the request is a POST", () => {
    it("without an Idempotency-Key, then neither a 503 nor a connection failure is retried", async () => {
      const failing = stubFetch(() => problem(503));
      const error = await client(failing).auth.login({ email: "a@b.c", password: "x" }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(InternalServerError);
      expect(failing.calls).to.have.length(1);

      const down = stubFetch(networkFailure);
      await client(down).cart.addItem({ product_id: 1, quantity: 1 }).catch(() => undefined);
      expect(down.calls).to.have.length(1);
    });

    it("with an Idempotency-Key, then it is retried with the same key and body", async () => {
      const fetch = stubFetch(sequence(networkFailure, () => problem(502), () => json(201, cart([{ product_id: 3, quantity: 2 }]))));
      const got = await client(fetch).cart.addItem({ product_id: 3, quantity: 2 }, { idempotencyKey: "key-12345678" });
      expect(got.item_count).to.equal(2);
      expect(fetch.calls).to.have.length(3);
      for (const call of fetch.calls) {
        expect(call.headers.get("idempotency-key")).to.equal("key-12345678");
        expect(call.body).to.deep.equal({ product_id: 3, quantity: 2 });
      }
    });

    it("that is a PATCH, then it is not retried (PATCH is not idempotent)", async () => {
      const fetch = stubFetch(() => problem(503));
      await client(fetch).users.updateMe({ city: "Paris" }).catch(() => undefined);
      expect(fetch.calls).to.have.length(1);
    });
  });

  it("when a DELETE fails with a 5xx, then it is retried (DELETE is idempotent)", async () => {
    const fetch = stubFetch(sequence(() => problem(500), () => json(200, cart())));
    expect((await client(fetch).cart.clear()).items).to.deep.equal([]);
    expect(fetch.calls.map((c) => c.method)).to.deep.equal(["DELETE", "DELETE"]);
  });

  describe("backoff", () => {
    it("doubles from the initial delay, is capped, and its jitter stays within [half, full]", () => {
      const policy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 500, maxDelayMs: 8000 };
      expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 1))).to.deep.equal([500, 1000, 2000, 4000, 8000, 8000]);
      expect([0, 1, 2].map((n) => backoffDelay(n, policy, () => 0))).to.deep.equal([250, 500, 1000]);
      for (let i = 0; i < 100; i++) {
        const d = backoffDelay(2, policy);
        expect(d).to.be.within(1000, 2000);
      }
    });

    it("waits the backoff delays between attempts", async () => {
      const waits: number[] = [];
      const fetch = stubFetch(() => problem(500));
      const transport = createTransport({
        fetch,
        timeoutMs: 1000,
        maxRetries: 3,
        retry: DEFAULT_RETRY_POLICY,
        sleep: async (ms) => void waits.push(ms),
        random: () => 1,
      });
      const response = await transport(`${BASE}/v1/products/1`, { method: "GET" });
      expect(response.status).to.equal(500);
      expect(waits).to.deep.equal([500, 1000, 2000]);
    });

    it("classifies statuses: 408, 429 and 5xx are worth retrying, the rest are not", () => {
      expect([408, 429, 500, 501, 503, 599].every(isRetriableStatus)).to.equal(true);
      expect([200, 400, 401, 404, 409, 422].some(isRetriableStatus)).to.equal(false);
    });
  });

  describe("Retry-After", () => {
    function recordingTransport(fetch: ReturnType<typeof stubFetch>, waits: number[]) {
      return createTransport({ fetch, timeoutMs: 1000, maxRetries: 2, retry: DEFAULT_RETRY_POLICY, sleep: async (ms) => void waits.push(ms), random: () => 1 });
    }

    it("when a 429 says Retry-After: 3, then the retry waits 3 s (not the backoff)", async () => {
      const waits: number[] = [];
      const fetch = stubFetch(sequence(() => problem(429, "rate_limited", {}, { "Retry-After": "3" }), () => json(200, {})));
      const response = await recordingTransport(fetch, waits)(`${BASE}/v1/products`, { method: "GET" });
      expect(response.status).to.equal(200);
      expect(waits).to.deep.equal([3000]);
    });

    it("when Retry-After is an HTTP date, then the wait runs until that date", async () => {
      const waits: number[] = [];
      const at = new Date(Date.now() + 5000).toUTCString();
      const fetch = stubFetch(sequence(() => problem(503, "service_unavailable", {}, { "Retry-After": at }), () => json(200, {})));
      await recordingTransport(fetch, waits)(`${BASE}/v1/products`, { method: "GET" });
      expect(waits).to.have.length(1);
      expect(waits[0]).to.be.within(3000, 5000);
    });

    it("when Retry-After is longer than the client waits by itself, then the 429 is answered with retryAfter", async () => {
      const fetch = stubFetch(() => problem(429, "rate_limited", {}, { "Retry-After": "3600" }));
      const error = await client(fetch).products.get(1).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RateLimitError);
      expect((error as RateLimitError).retryAfter).to.equal(3600);
      expect(fetch.calls).to.have.length(1);
    });

    it("when Retry-After is 0 through the client, then it retries at once", async () => {
      const fetch = stubFetch(sequence(() => problem(429, "rate_limited", {}, { "Retry-After": "0" }), () => json(200, product(2))));
      expect((await client(fetch).products.get(2)).id).to.equal(2);
      expect(fetch.calls).to.have.length(2);
    });
  });

  it("when a 422 follows a retry, then the error is the 422 (no further retries)", async () => {
    const fetch = stubFetch(sequence(() => problem(503), () => problem(422)));
    const error = await client(fetch).products.get(1).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UnprocessableEntityError);
    expect(fetch.calls).to.have.length(2);
  });
});
