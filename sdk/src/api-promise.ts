/**
 * What every non-list method of the facade returns: a Promise of the parsed body, which can
 * also give the HTTP response it came from (`.withResponse()`), for the request id, the
 * headers (rate limits, caching) or the raw body.
 */

/** A call's result together with the HTTP response that carried it. */
export interface WithResponse<T> {
  /** The parsed body, exactly what awaiting the call gives. */
  data: T;
  /**
   * The final response (after retries and a token refresh). Its body is unread: call
   * `response.json()` or `response.text()` for the raw bytes.
   */
  response: Response;
  /** `X-Request-Id` of that response: quote it to support, it is in the API's logs. */
  requestId: string | undefined;
}

/**
 * A Promise of a call's parsed body (`await shop.orders.get(id)`), with
 * `.withResponse()` for `{ data, response, requestId }`.
 *
 * The request is sent at once, as with any Promise; awaiting it, or calling `withResponse()`,
 * only reads its outcome, so both may be used on the same call.
 */
export class ApiPromise<T> extends Promise<T> {
  // `then`, `catch` and `finally` of a subclass would otherwise build further ApiPromises.
  static override get [Symbol.species]() {
    return Promise;
  }

  readonly #result: Promise<WithResponse<T>>;

  /** Wraps a call's outcome; the facade makes these, an app does not need to. */
  constructor(result: Promise<WithResponse<T>>) {
    // The Promise itself holds nothing: `then` reads `result`, so a failed call that is only
    // looked at through `withResponse()` leaves no unhandled rejection behind.
    super((resolve) => resolve(undefined as T));
    this.#result = result;
  }

  /** The parsed body with the response it came from and its request id. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#result;
  }

  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#result.then((r) => r.data).then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }

  /** The same call's response, with its body turned into something else (e.g. after storing tokens). */
  static map<T, U>(source: ApiPromise<T>, transform: (data: T) => U | Promise<U>): ApiPromise<U> {
    return new ApiPromise(source.#result.then(async (r) => ({ ...r, data: await transform(r.data) })));
  }
}
