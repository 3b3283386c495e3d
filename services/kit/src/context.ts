import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request facts carried through async calls, so every log line and outgoing call knows its request. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
