/**
 * How the storefront reads the SDK's errors: one place that turns an ApiError (or a
 * connection failure) into what a page shows.
 */
import { ApiError, ConnectionError, TimeoutError } from "@disqo-commerce/sdk";

export interface FieldErrors {
  [field: string]: string;
}

/** The API could not be reached or did not answer: the "we'll be right back" page. */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  return error instanceof ApiError && (error.status === 502 || error.status === 503 || error.status === 504);
}

export function apiStatus(error: unknown): number | undefined {
  return error instanceof ApiError ? error.status : undefined;
}

export function apiCode(error: unknown): string | undefined {
  return error instanceof ApiError ? (error.code as string | undefined) : undefined;
}

export function isApiError(error: unknown, status: number, code?: string): error is ApiError {
  return error instanceof ApiError && error.status === status && (code === undefined || error.code === code);
}

/** The human sentence of an API error, for a message above a form. */
export function apiMessage(error: unknown, fallback = "Something went wrong. Please try again."): string {
  if (error instanceof ApiError) return error.detail || error.title || fallback;
  return fallback;
}

/**
 * Validation errors by form field: the API's `errors[].path` ("/body/email") names the
 * field the form posted under the same snake_case name.
 */
export function fieldErrors(error: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(error instanceof ApiError) || !Array.isArray(error.errors)) return out;
  for (const item of error.errors) {
    const field = String(item.path ?? "").split("/").filter(Boolean).pop();
    if (field && !(field in out)) out[field] = String(item.message ?? "is invalid");
  }
  return out;
}

/** Seconds to wait after a 429, when the API said. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const value = (error as ApiError & { retryAfter?: number }).retryAfter;
  return typeof value === "number" && Number.isFinite(value) ? Math.max(1, Math.ceil(value)) : undefined;
}

/** An error the storefront raises itself (unknown route, forbidden page), rendered by status. */
export class PageError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "PageError";
  }
}
