/**
 * The closed set of error codes (openapi/common.yaml#/components/schemas/ErrorCode).
 * SDK users switch on these, so a code, once published, never changes meaning.
 */
export const ERROR_CODES = [
  "validation_failed",
  "malformed_request",
  "unauthenticated",
  "invalid_credentials",
  "token_expired",
  "token_invalid",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "unsupported_media_type",
  "payload_too_large",
  "conflict",
  "email_taken",
  "weak_password",
  "sku_taken",
  "rate_limited",
  "insufficient_stock",
  "product_unavailable",
  "stock_below_reserved",
  "cart_empty",
  "invalid_promo_code",
  "promo_code_exhausted",
  "promo_code_already_used",
  "quote_expired",
  "quote_not_open",
  "price_changed",
  "payment_declined",
  "payment_failed",
  "idempotency_key_reused",
  "idempotency_key_in_flight",
  "illegal_transition",
  "service_unavailable",
  "headers_too_large",
  "internal_error",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  path: string;
  message: string;
}

/** Extra members a problem body may carry (RFC 9457 extension members). */
export type ProblemExtensions = Record<string, unknown> & { errors?: FieldError[] };

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthenticated",
  402: "Payment required",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Unprocessable entity",
  429: "Too many requests",
  431: "Request header fields too large",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
};

export function titleFor(status: number): string {
  return TITLES[status] ?? "Error";
}

/** The one error type the services throw; the error middleware turns it into problem+json. */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly extensions: ProblemExtensions;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: ErrorCode,
    detail: string,
    options: { extensions?: ProblemExtensions; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = "AppError";
    this.status = status;
    this.code = code;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export const unauthenticated = (detail = "A valid bearer token is required.", code: ErrorCode = "unauthenticated") =>
  new AppError(401, code, detail, { headers: { "WWW-Authenticate": 'Bearer realm="disqo-commerce"' } });
export const forbidden = (detail = "You may not do this.") => new AppError(403, "forbidden", detail);
export const notFound = (detail = "No such resource.") => new AppError(404, "not_found", detail);
export const conflict = (code: ErrorCode, detail: string, ext?: ProblemExtensions) =>
  new AppError(409, code, detail, { extensions: ext });
export const unprocessable = (code: ErrorCode, detail: string, ext?: ProblemExtensions) =>
  new AppError(422, code, detail, { extensions: ext });
export const serviceUnavailable = (detail: string) => new AppError(503, "service_unavailable", detail);
