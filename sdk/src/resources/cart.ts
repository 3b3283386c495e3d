import { CartApi, Configuration, QuotesApi } from "../generated/cart/index.js";
import type { Cart, CartItemInput, CartItemUpdate, Quote, QuoteInput } from "../generated/cart/index.js";
import type { ApiPromise } from "../api-promise.js";
import type { AllowUndefined, Core, RequestOptions } from "../core.js";

/** The caller's cart (created on first use). Every method answers the whole cart. */
export class CartResource {
  private readonly api: CartApi;

  constructor(private readonly core: Core) {
    this.api = new CartApi(new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi, accessToken: core.tokenProvider }));
  }

  /** The caller's active cart: items, item count, subtotal. */
  get(options?: RequestOptions): ApiPromise<Cart> {
    return this.core.call(options, (o) => this.api.getCart(o));
  }

  /** Adds a product (adding one already in the cart adds to its quantity). */
  addItem(body: AllowUndefined<CartItemInput>, options?: RequestOptions): ApiPromise<Cart> {
    return this.core.call(options, (o) => this.api.addCartItem({ CartItemInput: body }, o));
  }

  /** Sets an item's quantity. */
  updateItem(itemId: number, body: AllowUndefined<CartItemUpdate>, options?: RequestOptions): ApiPromise<Cart> {
    return this.core.call(options, (o) => this.api.updateCartItem({ item_id: itemId, CartItemUpdate: body }, o));
  }

  /** Removes an item. */
  removeItem(itemId: number, options?: RequestOptions): ApiPromise<Cart> {
    return this.core.call(options, (o) => this.api.removeCartItem({ item_id: itemId }, o));
  }

  /** Empties the cart. */
  clear(options?: RequestOptions): ApiPromise<Cart> {
    return this.core.call(options, (o) => this.api.clearCart(o));
  }
}

/** Quotes: the cart priced now (promo code, tax, shipping), holding its stock until it expires. */
export class QuotesResource {
  private readonly api: QuotesApi;

  constructor(private readonly core: Core) {
    this.api = new QuotesApi(new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi, accessToken: core.tokenProvider }));
  }

  /**
   * Prices the cart at current prices and reserves its stock until `expires_at`; `price_changes`
   * lists items whose price moved since they were added. Pay it with `checkout.create()`.
   */
  create(body: AllowUndefined<QuoteInput> = {}, options?: RequestOptions): ApiPromise<Quote> {
    return this.core.call(options, (o) => this.api.createQuote({ QuoteInput: body }, o));
  }

  /** One of the caller's quotes. */
  get(id: string, options?: RequestOptions): ApiPromise<Quote> {
    return this.core.call(options, (o) => this.api.getQuote({ id }, o));
  }
}
