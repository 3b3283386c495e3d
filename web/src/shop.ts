/**
 * The storefront's one seam to the platform: the SDK facade, created per request with the
 * shopper's tokens. Routes see only the `Shop` type (the part of the facade they use), so the
 * page tests can hand createApp a fake factory and run without a platform.
 */
import {
  DisqoCommerce,
  type ApiPromise,
  type AnalyticsResource,
  type AuthResource,
  type CartResource,
  type CheckoutResource,
  type OrdersResource,
  type KpisResource,
  type ProductsResource,
  type QuotesResource,
  type ReceiptsResource,
  type TokenPair,
  type UsersResource,
} from "@disqo-commerce/sdk";

/**
 * The picked methods, as the storefront uses them: only awaited. The facade's methods return an
 * ApiPromise (a Promise with `withResponse()`); here a plain Promise is enough, so a fake may
 * return one.
 */
type AwaitedMethods<R, K extends keyof R> = {
  [M in K]: R[M] extends (...args: infer A) => ApiPromise<infer T> ? (...args: A) => Promise<T> : R[M];
};

/** The methods of the facade the storefront calls, and nothing else. */
export interface Shop {
  auth: AwaitedMethods<AuthResource, "login" | "register" | "refresh" | "logout">;
  users: AwaitedMethods<UsersResource, "me" | "updateMe" | "changePassword">;
  products: AwaitedMethods<ProductsResource, "list" | "get" | "create" | "update" | "deactivate" | "uploadImage" | "deleteImage" | "image">;
  cart: AwaitedMethods<CartResource, "get" | "addItem" | "updateItem" | "removeItem" | "clear">;
  quotes: AwaitedMethods<QuotesResource, "create" | "get">;
  checkout: AwaitedMethods<CheckoutResource, "create">;
  orders: AwaitedMethods<OrdersResource, "list" | "get" | "cancel" | "adminList" | "ship" | "deliver">;
  receipts: AwaitedMethods<ReceiptsResource, "get">;
  analytics: AwaitedMethods<AnalyticsResource, "track">;
  kpis: AwaitedMethods<KpisResource, "funnel" | "summary">;
}

export interface ShopOptions {
  accessToken?: string;
  refreshToken?: string;
  /** Called whenever the client holds a new pair (login, register, refresh), so the app stores it. */
  onTokens?: (tokens: TokenPair) => void;
  /** The shopper's address (req.ip behind the storefront's trusted proxies), for the API's per-client limits. */
  clientAddress?: string;
  /** The anonymous visitor (first-party cookie), so the API counts this browser's funnel steps as one person. */
  visitorId?: string;
}

export type SdkFactory = (options: ShopOptions) => Shop;

export function sdkFactory(baseUrl: string, timeoutMs: number): SdkFactory {
  return (options) =>
    new DisqoCommerce({
      baseUrl,
      timeoutMs,
      // A page waits for the answer, so one quick retry is all a shopper should sit through.
      maxRetries: 1,
      accessToken: options.accessToken,
      refreshToken: options.refreshToken,
      onTokens: options.onTokens,
      visitorId: options.visitorId,
      // The API sees the storefront's address as the last hop; the shopper's goes in front of it,
      // and the services believe it because the storefront is one of their TRUSTED_PROXIES.
      headers: { "User-Agent": "disqo-storefront/0.1", ...(options.clientAddress ? { "X-Forwarded-For": options.clientAddress } : {}) },
    });
}
