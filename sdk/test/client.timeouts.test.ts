import { expect } from "chai";
import { AbortError, ConnectionError, DisqoCommerce, DisqoCommerceError, TimeoutError } from "@disqo-commerce/sdk";
import { FAST_RETRY, json, product, sequence, stubFetch, type SentRequest } from "./helpers.js";

const BASE = "http://api.test";

/** An API that never answers: the promise settles only when the request is aborted. */
function hang(request: SentRequest): Promise<Response> {
  return new Promise((_resolve, reject) => {
    request.signal?.addEventListener("abort", () => reject(new DOMException("This operation was aborted", "AbortError")));
  });
}

/** An API that sends headers at once and then stalls in the middle of the body. */
function stallBody(request: SentRequest): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"id":'));
      request.signal?.addEventListener("abort", () => controller.error(new DOMException("This operation was aborted", "AbortError")));
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": "application/json" } });
}

describe("sdk timeouts and cancellation", () => {
  it("when the API does not answer within timeoutMs, then the call rejects with a TimeoutError", async () => {
    const fetch = stubFetch(hang);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, timeoutMs: 30, maxRetries: 0 });
    const started = Date.now();
    const error = await shop.products.get(1).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TimeoutError);
    expect(error).to.be.instanceOf(ConnectionError);
    expect((error as TimeoutError).timeoutMs).to.equal(30);
    expect(Date.now() - started).to.be.lessThan(1000);
  });

  it("when the body stalls after the headers, then the timeout still applies", async () => {
    const fetch = stubFetch(stallBody);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, timeoutMs: 30, maxRetries: 0 });
    const error = await shop.products.get(1).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TimeoutError);
  });

  it("when a GET times out, then it is retried like a connection failure, each attempt with its own timeout", async () => {
    const fetch = stubFetch(sequence(() => hang(fetch.calls[0]), () => json(200, product(4))));
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, timeoutMs: 30, maxRetries: 1, retry: FAST_RETRY });
    expect((await shop.products.get(4)).id).to.equal(4);
    expect(fetch.calls).to.have.length(2);
  });

  it("when a POST without an Idempotency-Key times out, then it is not retried (it may have been done)", async () => {
    const fetch = stubFetch(hang);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, timeoutMs: 20, maxRetries: 3, retry: FAST_RETRY, accessToken: "t" });
    const error = await shop.quotes.create({}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TimeoutError);
    expect(fetch.calls).to.have.length(1);
  });

  it("when one call sets timeoutMs, then it overrides the client's", async () => {
    const fetch = stubFetch(hang);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, timeoutMs: 60_000, maxRetries: 0 });
    const error = await shop.products.get(1, { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TimeoutError);
  });

  it("when the caller aborts its signal, then the call rejects with an AbortError keeping the signal's reason, and is not retried", async () => {
    const fetch = stubFetch(hang);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, maxRetries: 3, retry: FAST_RETRY });
    const controller = new AbortController();
    const pending = shop.products.get(1, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 10);
    const error = await pending;
    expect(error).to.be.instanceOf(AbortError);
    expect(error).to.be.instanceOf(DisqoCommerceError);
    expect(error).not.to.be.instanceOf(ConnectionError);
    // Code written for a bare fetch (`e.name === "AbortError"`) keeps working.
    expect((error as AbortError).name).to.equal("AbortError");
    expect((error as AbortError).cause).to.be.instanceOf(DOMException);
    expect(((error as AbortError).cause as DOMException).name).to.equal("AbortError");
    expect(fetch.calls).to.have.length(1);
  });

  it("when the caller's signal is already aborted, then nothing is sent and the reason is the AbortError's cause", async () => {
    const fetch = stubFetch(() => json(200, product(1)));
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
    const reason = new Error("user left the page");
    const error = await shop.products.get(1, { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(AbortError);
    expect((error as AbortError).cause).to.equal(reason);
    expect((error as AbortError).message).to.contain("user left the page");
    expect(fetch.calls).to.have.length(0);
  });

  it("when the caller aborts during the wait before a retry, then the call stops at once", async () => {
    const fetch = stubFetch(() => new Response("", { status: 503 }));
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, maxRetries: 5, retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    const controller = new AbortController();
    const pending = shop.products.get(1, { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const error = await pending;
    expect(error).to.be.instanceOf(AbortError);
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(fetch.calls).to.have.length(1);
  });
});
