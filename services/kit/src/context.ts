import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request facts carried through async calls, so every log line and outgoing call knows its request. */
export interface RequestContext {
  requestId: string;
  /** The anonymous visitor id the storefront sends (`X-Disqo-Visitor-Id`), for analytics events. */
  visitorId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

export function currentVisitorId(): string | undefined {
  return requestContext.getStore()?.visitorId;
}

/** What `X-Disqo-Visitor-Id` must look like to be carried into events (anything else is ignored). */
export const VISITOR_ID = /^[A-Za-z0-9_-]{8,64}$/;
