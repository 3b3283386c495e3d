import { Core, type ClientOptions } from "./core.js";
import { AuthResource } from "./resources/auth.js";
import { UsersResource } from "./resources/users.js";
import { ProductsResource } from "./resources/products.js";
import { CartResource, QuotesResource } from "./resources/cart.js";
import { PromoCodesResource } from "./resources/promo-codes.js";
import { AnalyticsResource, KpisResource } from "./resources/analytics.js";
import { CheckoutResource, OrdersResource, ReceiptsResource, TransactionsResource } from "./resources/orders.js";

/**
 * The DISQO Commerce API client.
 *
 * ```ts
 * const shop = new DisqoCommerce({ baseUrl: "http://localhost:8080" });
 * await shop.auth.login({ email: "shopper@example.com", password: "shopper-demo-pass" });
 * for await (const product of shop.products.list({ q: "book" })) console.log(product.name);
 * ```
 *
 * JSON field names are exactly the API's (snake_case) in requests and responses; method and
 * option names are camelCase. One client holds one session's tokens: create one per user
 * (construction is cheap), not one per process, on a server that acts for many shoppers.
 */
export class DisqoCommerce {
  /** Register, log in, refresh, log out. */
  readonly auth: AuthResource;
  /** The caller's profile; user administration (admin). */
  readonly users: UsersResource;
  /** The catalog: search, browse, get; create, update, deactivate (admin). */
  readonly products: ProductsResource;
  /** The caller's cart. */
  readonly cart: CartResource;
  /** Quotes of the cart (priced, stock held until they expire). */
  readonly quotes: QuotesResource;
  /** Paying for a quote. */
  readonly checkout: CheckoutResource;
  /** The caller's orders; fulfilment (admin). */
  readonly orders: OrdersResource;
  /** Immutable receipts. */
  readonly receipts: ReceiptsResource;
  /** Payment transactions, declined ones included. */
  readonly transactions: TransactionsResource;
  /** Promo codes (admin). */
  readonly promoCodes: PromoCodesResource;
  /** Client-side events of the visitor (`visitorId` option): page and product views. */
  readonly analytics: AnalyticsResource;
  /** The shopping funnel and daily or weekly KPIs (admin). */
  readonly kpis: KpisResource;

  private readonly core: Core;

  constructor(options: ClientOptions) {
    this.core = new Core(options);
    this.auth = new AuthResource(this.core);
    this.users = new UsersResource(this.core);
    this.products = new ProductsResource(this.core);
    this.cart = new CartResource(this.core);
    this.quotes = new QuotesResource(this.core);
    this.checkout = new CheckoutResource(this.core);
    this.orders = new OrdersResource(this.core);
    this.receipts = new ReceiptsResource(this.core);
    this.transactions = new TransactionsResource(this.core);
    this.promoCodes = new PromoCodesResource(this.core);
    this.analytics = new AnalyticsResource(this.core);
    this.kpis = new KpisResource(this.core);
  }

  /** The access token the client sends, if any. */
  get accessToken(): string | undefined {
    return this.core.accessToken;
  }

  /** The refresh token the client holds, if any. */
  get refreshToken(): string | undefined {
    return this.core.refreshToken;
  }

  /** Holds a token pair you stored earlier (onTokens is not called for it). */
  setTokens(tokens: { access_token?: string | null; refresh_token?: string | null }): void {
    this.core.setTokens(tokens);
  }

  /** Forgets the tokens locally (revokes nothing: use `auth.logout()` for that). */
  clearTokens(): void {
    this.core.clearTokens();
  }
}
