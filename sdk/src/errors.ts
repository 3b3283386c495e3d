/**
 * The SDK's errors. Every failure an integrator can see is one of these:
 *
 *   DisqoCommerceError
 *   ├── ApiError                  the API answered with a non-2xx status (problem+json parsed)
 *   │   ├── BadRequestError            400
 *   │   ├── AuthenticationError        401
 *   │   ├── PaymentRequiredError       402
 *   │   ├── PermissionDeniedError      403
 *   │   ├── NotFoundError              404
 *   │   ├── ConflictError              409
 *   │   ├── UnprocessableEntityError   422
 *   │   ├── RateLimitError             429
 *   │   └── InternalServerError        5xx
 *   ├── ConnectionError           no answer at all (DNS, refused, reset, ...)
 *   │   └── TimeoutError               no answer within `timeoutMs`
 *   └── AbortError                the caller aborted the call with its own AbortSignal
 */
import type { ErrorCode } from "./generated/auth/models/ErrorCode.js";
import type { FieldError } from "./generated/auth/models/FieldError.js";
import type { Problem } from "./generated/auth/models/Problem.js";
import type { PaymentProblem } from "./generated/order/models/PaymentProblem.js";

export type { ErrorCode, FieldError, Problem, PaymentProblem };

/** The base class of every error the SDK throws. */
export class DisqoCommerceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Keeps `instanceof` right when the code is down-levelled or bundled.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = new.target.name;
  }
}

/** The API could not be reached, or the connection broke before a response arrived. */
export class ConnectionError extends DisqoCommerceError {
  constructor(message = "Could not reach the DISQO Commerce API.", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No response within the request's timeout (`timeoutMs`). */
export class TimeoutError extends ConnectionError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(`The request timed out after ${timeoutMs} ms.`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller aborted the call through its own `signal` (also during a retry wait). `cause` is
 * the signal's reason: by default a DOMException named `AbortError`, or whatever was passed
 * to `controller.abort(reason)`. Its `name` is `"AbortError"` too, so code that checks
 * `error.name === "AbortError"`, as for a bare `fetch`, keeps working.
 */
export class AbortError extends DisqoCommerceError {
  constructor(reason?: unknown) {
    super(reason instanceof Error && reason.message ? `The call was aborted: ${reason.message}` : "The call was aborted.", { cause: reason });
  }
}

/** The fields every ApiError is built from. */
export interface ApiErrorInit {
  status: number;
  headers: Headers;
  /** The parsed JSON body, the raw text when it was not JSON, or undefined when empty. */
  body: unknown;
}

/**
 * The API answered with a non-2xx status. The problem+json body (RFC 9457) is parsed into
 * `type`, `title`, `detail`, `code` and `errors`; switch on `code`, never on the English text.
 */
export class ApiError extends DisqoCommerceError {
  /** The HTTP status code. */
  readonly status: number;
  /**
   * The stable, machine-readable error code (`not_found`, `payment_declined`, ...). Undefined only
   * when the body was not problem+json (e.g. an HTML 502 from a proxy in front of the API).
   */
  readonly code: ErrorCode | undefined;
  /** A URI naming the kind of problem. */
  readonly type: string | undefined;
  /** A short human-readable summary of the kind of problem. */
  readonly title: string | undefined;
  /** A human-readable explanation of this occurrence. */
  readonly detail: string | undefined;
  /** For `validation_failed`: the failing fields (`path` like `/body/email`). Empty otherwise. */
  readonly errors: FieldError[];
  /** The request id (`X-Request-Id`): quote it when asking for support; it is in the API's logs. */
  readonly requestId: string | undefined;
  /** Seconds to wait before trying again, from `Retry-After` (429, 503), when the API said. */
  readonly retryAfter: number | undefined;
  /**
   * The problem+json body, typed: extension members included, e.g. `products` for
   * `insufficient_stock`, `current_status` for `illegal_transition`, `decline_code` on a
   * PaymentRequiredError. Undefined when the body was not a problem (an HTML 502, say).
   */
  readonly problem: Problem | undefined;
  /** The body as it came: parsed JSON, the text when it was not JSON, undefined when empty. */
  readonly body: unknown;
  /** The response headers. */
  readonly headers: Headers;

  constructor(init: ApiErrorInit) {
    const problem = asProblem(init.body);
    const text = problem?.detail ?? problem?.title ?? (typeof init.body === "string" && init.body.length <= 200 ? init.body : undefined);
    super(`${init.status}${problem?.code ? ` ${problem.code}` : ""}: ${text || "The API answered with an error."}`);
    this.status = init.status;
    this.headers = init.headers;
    this.body = init.body;
    this.problem = isProblem(init.body, init.headers) ? (init.body as Problem) : undefined;
    this.code = problem?.code;
    this.type = problem?.type;
    this.title = problem?.title;
    this.detail = problem?.detail;
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
    this.requestId = init.headers.get("x-request-id") ?? problem?.request_id ?? undefined;
    this.retryAfter = parseRetryAfterSeconds(init.headers.get("retry-after"));
  }

  /** Builds the ApiError subclass for a response's status, reading its body. */
  static async fromResponse(response: Response): Promise<ApiError> {
    let text = "";
    try {
      text = await response.text();
    } catch {
      // A body that cannot be read (already consumed, connection cut) still leaves the status.
    }
    let body: unknown = text === "" ? undefined : text;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: keep the text (a proxy's HTML error page, for instance).
      }
    }
    return ApiError.create({ status: response.status, headers: response.headers, body });
  }

  /** The subclass for a status: 404 -> NotFoundError, 503 -> InternalServerError, ... */
  static create(init: ApiErrorInit): ApiError {
    const Class = classForStatus(init.status);
    return new Class(init);
  }
}

export class BadRequestError extends ApiError {}
export class AuthenticationError extends ApiError {}
/** 402: the card was declined (`payment_declined`); `problem.decline_code` says why. */
export class PaymentRequiredError extends ApiError {
  /** The declined payment's problem: `decline_code` (`card_declined`, ...) and `transaction_id`. */
  declare readonly problem: PaymentProblem | undefined;
}
export class PermissionDeniedError extends ApiError {}
export class NotFoundError extends ApiError {}
export class ConflictError extends ApiError {}
export class UnprocessableEntityError extends ApiError {}
export class RateLimitError extends ApiError {}
export class InternalServerError extends ApiError {}

function classForStatus(status: number): new (init: ApiErrorInit) => ApiError {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 402:
      return PaymentRequiredError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 422:
      return UnprocessableEntityError;
    case 429:
      return RateLimitError;
    default:
      return status >= 500 ? InternalServerError : ApiError;
  }
}

/** A JSON object sent as problem+json, or carrying the API's string `code`. */
function isProblem(body: unknown, headers: Headers): boolean {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  return (headers.get("content-type") ?? "").includes("problem+json") || typeof (body as { code?: unknown }).code === "string";
}

/** The problem members of a body, each kept only when it has the documented type. */
function asProblem(body: unknown): Partial<Problem> | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    type: str(b.type),
    title: str(b.title),
    detail: str(b.detail),
    code: str(b.code) as ErrorCode | undefined,
    request_id: str(b.request_id),
    errors: Array.isArray(b.errors) ? (b.errors as FieldError[]) : undefined,
  };
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now) / 1000);
}
