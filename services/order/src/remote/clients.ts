import { currentRequestId } from "@disqo-commerce/kit";
import * as cart from "@disqo-commerce/sdk/generated/cart";
import * as product from "@disqo-commerce/sdk/generated/product";

/** The other services' operations this service calls, through their generated clients. */
export interface Remotes {
  quotes: cart.QuotesApi;
  inventory: product.InventoryApi;
}

export interface RemoteOptions {
  cartUrl: string;
  productUrl: string;
  /** Mints the order service's service credential (serviceTokenProvider("order", secret)). */
  serviceToken: () => string;
  timeoutMs: number;
  /** The transport (tests pass one that can fail like a peer that is down). */
  fetch?: typeof fetch;
}

/** fetch with a deadline and the current request id, so a slow peer cannot hold a checkout forever. */
function fetchWithDeadline(timeoutMs: number, transport: typeof fetch = fetch): typeof fetch {
  return (input, init = {}) => {
    const headers = new Headers(init.headers);
    const requestId = currentRequestId();
    if (requestId && !headers.has("X-Request-Id")) headers.set("X-Request-Id", requestId);
    const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    return transport(input, { ...init, headers, signal });
  };
}

export function createRemotes(options: RemoteOptions): Remotes {
  const common = { accessToken: async () => options.serviceToken(), fetchApi: fetchWithDeadline(options.timeoutMs, options.fetch) };
  return {
    quotes: new cart.QuotesApi(new cart.Configuration({ ...common, basePath: options.cartUrl.replace(/\/+$/, "") })),
    inventory: new product.InventoryApi(new product.Configuration({ ...common, basePath: options.productUrl.replace(/\/+$/, "") })),
  };
}

export type RemoteFailure =
  | { kind: "answer"; status: number; code: string | undefined; body: Record<string, unknown> }
  | { kind: "unreachable"; message: string };

/**
 * What a failed SDK call means: a definite answer from the peer (its status and problem
 * code), or no usable answer (network error, timeout, 5xx), after which the outcome of the
 * call is unknown and it must be treated as maybe done.
 */
export async function describeFailure(error: unknown): Promise<RemoteFailure> {
  const response = (error as { response?: Response })?.response;
  if (response && typeof response.status === "number") {
    if (response.status >= 500) return { kind: "unreachable", message: `answered ${response.status}` };
    let body: Record<string, unknown> = {};
    try {
      body = (await response.clone().json()) as Record<string, unknown>;
    } catch {
      // a body that is not JSON still has a status
    }
    return { kind: "answer", status: response.status, code: typeof body.code === "string" ? body.code : undefined, body };
  }
  const cause = (error as { cause?: Error })?.cause;
  return { kind: "unreachable", message: String(cause?.message ?? (error as Error)?.message ?? error) };
}
