import { expect } from "chai";
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  DisqoCommerce,
  DisqoCommerceError,
  ErrorCode,
  InternalServerError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from "@disqo-commerce/sdk";
import { problem, stubFetch } from "./helpers.js";

const BASE = "http://api.test";

function failingWith(response: () => Response) {
  const fetch = stubFetch(response);
  return new DisqoCommerce({ baseUrl: BASE, fetch, maxRetries: 0, accessToken: "t" });
}

describe("sdk errors", () => {
  const cases: Array<[number, new (...args: never[]) => ApiError]> = [
    [400, BadRequestError],
    [401, AuthenticationError],
    [402, PaymentRequiredError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [502, InternalServerError],
    [503, InternalServerError],
  ];
  for (const [status, ErrorClass] of cases) {
    it(`when the API answers ${status}, then the call rejects with ${ErrorClass.name}`, async () => {
      const error = await failingWith(() => problem(status)).orders.get("3b241101-e2bb-4255-8caf-4136c566a962").catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ErrorClass);
      expect(error).to.be.instanceOf(ApiError);
      expect(error).to.be.instanceOf(DisqoCommerceError);
      expect(error).to.be.instanceOf(Error);
      expect((error as ApiError).status).to.equal(status);
      expect((error as Error).name).to.equal(ErrorClass.name);
    });
  }

  it("when the body is problem+json, then every member is on the error and nothing is a bare Response", async () => {
    const response = () =>
      problem(422, "validation_failed", { errors: [{ path: "/body/email", message: 'must match format "email"' }] }, { "X-Request-Id": "req-123" });
    const error = (await failingWith(response).auth.register({ email: "x", password: "p", first_name: "A", last_name: "B" }).catch((e: unknown) => e)) as ApiError;
    expect(error).to.be.instanceOf(UnprocessableEntityError);
    expect(error.code).to.equal(ErrorCode.ValidationFailed);
    expect(error.type).to.equal("/problems/validation_failed");
    expect(error.title).to.equal("Title 422");
    expect(error.detail).to.equal("Detail of validation_failed");
    expect(error.errors).to.deep.equal([{ path: "/body/email", message: 'must match format "email"' }]);
    expect(error.requestId).to.equal("req-123");
    expect(error.message).to.equal("422 validation_failed: Detail of validation_failed");
    expect(error.body).to.include({ status: 422, code: "validation_failed" });
    expect(error.headers.get("content-type")).to.equal("application/problem+json");
    expect(error).not.to.be.instanceOf(Response);
  });

  it("when there is no X-Request-Id header, then requestId comes from the body's request_id", async () => {
    const error = (await failingWith(() => problem(404)).products.get(1).catch((e: unknown) => e)) as ApiError;
    expect(error.requestId).to.equal("req-from-body");
  });

  it("when a 409 names the short products, then the extension members are in body", async () => {
    const products = [{ product_id: 42, requested: 3, available: 1 }];
    const error = (await failingWith(() => problem(409, "insufficient_stock", { products })).quotes.create({}).catch((e: unknown) => e)) as ConflictError;
    expect(error.code).to.equal("insufficient_stock");
    expect((error.body as { products: unknown }).products).to.deep.equal(products);
  });

  it("when a proxy answers an HTML 502, then it is still an InternalServerError, with no code and the text as body", async () => {
    const html = "<html><body>Bad gateway</body></html>";
    const error = (await failingWith(() => new Response(html, { status: 502, headers: { "content-type": "text/html" } }))
      .products.get(1)
      .catch((e: unknown) => e)) as ApiError;
    expect(error).to.be.instanceOf(InternalServerError);
    expect(error.code).to.equal(undefined);
    expect(error.errors).to.deep.equal([]);
    expect(error.body).to.equal(html);
    expect(error.message).to.contain("502");
  });

  it("when the status has no subclass (405), then it is a plain ApiError", async () => {
    const error = (await failingWith(() => problem(405, "method_not_allowed")).products.get(1).catch((e: unknown) => e)) as ApiError;
    expect(error.constructor).to.equal(ApiError);
    expect(error.code).to.equal("method_not_allowed");
  });

  it("when the body is empty, then the error still has its status", async () => {
    const error = (await failingWith(() => new Response(null, { status: 404 })).products.get(1).catch((e: unknown) => e)) as ApiError;
    expect(error).to.be.instanceOf(NotFoundError);
    expect(error.body).to.equal(undefined);
  });

  it("when a 402 payment_declined comes back from checkout, then it is a PaymentRequiredError with the code", async () => {
    const error = (await failingWith(() => problem(402, "payment_declined", { transaction_id: "t1" }))
      .checkout.create({ quote_id: "q1", payment_method: { type: "card", token: "tok_chargeDeclined" } })
      .catch((e: unknown) => e)) as PaymentRequiredError;
    expect(error).to.be.instanceOf(PaymentRequiredError);
    expect(error.code).to.equal("payment_declined");
  });

  it("when the options are wrong, then the constructor says which", () => {
    expect(() => new DisqoCommerce({} as never)).to.throw(TypeError, /baseUrl/);
    expect(() => new DisqoCommerce({ baseUrl: BASE, timeoutMs: 0 })).to.throw(RangeError, /timeoutMs/);
    expect(() => new DisqoCommerce({ baseUrl: BASE, maxRetries: -1 })).to.throw(RangeError, /maxRetries/);
  });
});
