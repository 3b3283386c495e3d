/**
 * An in-memory stand-in for the platform behind the SDK, for the storefront's page tests: the
 * same method names, shapes and error classes as the real facade (the `Shop` type checks it),
 * with just enough behaviour (ownership, stock, promo codes, declines, idempotency, state
 * machine) for pages to be tested without a running platform.
 */
import { ApiError, ConnectionError, PagePromise, type Funnel, type KpiSummary, type TrackedEvent, type Cart, type Order, type Product, type Quote, type Receipt, type TokenPair, type User } from "@disqo-commerce/sdk";
import type { Shop, ShopOptions } from "../../src/shop.js";

type Role = "customer" | "admin";
interface StoredUser extends User {
  password: string;
}
interface StoredItem {
  id: number;
  product_id: number;
  quantity: number;
  unit_price: number;
  added_at: string;
}

const USD = (amount: number) => ({ amount, currency: "USD" });
const TAX_RATE: Record<string, number> = { CA: 0.0725, NY: 0.04 };
const FREE_SHIPPING_FROM = 5000;
const SHIPPING = 599;

export function apiError(status: number, code: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): ApiError {
  return ApiError.create({ status, headers: new Headers(headers), body: { type: `/problems/${code}`, title: code, status, code, detail, ...extra } });
}

function page<T, B extends { data: T[]; next_cursor: string | null }>(fetch: (cursor: string | undefined) => B): PagePromise<T, B> {
  return new PagePromise<T, B>(async (cursor) => fetch(cursor));
}

function paginate<T>(items: T[], cursor: string | undefined, limit = 20): { data: T[]; next_cursor: string | null } {
  const start = cursor ? Number(Buffer.from(cursor, "base64url").toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw apiError(422, "validation_failed", "The cursor is not valid.");
  const data = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString("base64url") : null;
  return { data, next_cursor: next };
}

export class FakePlatform {
  users: StoredUser[] = [];
  products: Product[] = [];
  carts = new Map<number, StoredItem[]>();
  quotes = new Map<string, Quote>();
  orders: Order[] = [];
  /** Every accepted checkout call, replays excluded: a double submit must not add one. */
  charges = 0;
  /** Every checkout request, replays included. */
  checkoutCalls = 0;
  /** Everything the storefront asked for, as "resource.method". */
  calls: string[] = [];
  /** When set, every call fails as if the API were down. */
  down = false;
  /** Calls that fail with a status and code a number of times (e.g. "cart.addItem" -> 503), then behave again. */
  failures = new Map<string, { status: number; code: string; times: number }>();
  failNext(call: string, status: number, code = "service_unavailable", times = 1): void {
    this.failures.set(call, { status, code, times });
  }

  /** Seconds from now at which new access tokens expire. */
  accessTtl = 900;
  /** Failed logins per email, for the rate limit. */
  loginFailures = new Map<string, number>();
  /** Registrations the API still allows (its per-client limit); then 429. */
  registrationsLeft = Number.POSITIVE_INFINITY;
  /** Holds checkouts until released, to test a double submit that overlaps. */
  checkoutGate: Promise<void> | null = null;

  /** Batches the storefront tracked, with the visitor and (when logged in) user they came from. */
  tracked: Array<{ visitorId: string | undefined; userId: number | null; events: TrackedEvent[] }> = [];
  /** When set, only the analytics service is unreachable. */
  analyticsDown = false;
  /** What the KPI endpoints answer; the window asked for is copied in. */
  funnel: Funnel = {
    from: "", to: "",
    steps: [
      { step: "visitors", people: 10, conversion_from_previous: 1, conversion_from_visitors: 1 },
      { step: "signups", people: 3, conversion_from_previous: 0.3, conversion_from_visitors: 0.3 },
      { step: "searchers", people: 6, conversion_from_previous: 2, conversion_from_visitors: 0.6 },
      { step: "product_viewers", people: 5, conversion_from_previous: 0.8333, conversion_from_visitors: 0.5 },
      { step: "cart_adders", people: 4, conversion_from_previous: 0.8, conversion_from_visitors: 0.4 },
      { step: "quote_creators", people: 3, conversion_from_previous: 0.75, conversion_from_visitors: 0.3 },
      { step: "buyers", people: 2, conversion_from_previous: 0.6667, conversion_from_visitors: 0.2 },
    ],
  };
  summary: KpiSummary = {
    from: "", to: "", interval: "day", abandon_after_hours: 24,
    intervals: [
      { start: "2026-11-01", end: "2026-11-01", orders: 2, revenue: USD(9000), average_order_value: USD(4500), orders_per_buyer: 1, buyers: 2, new_buyers: 2, returning_buyers: 0, declines: 1, cancellations: 0, abandoned_carts: 2 },
      { start: "2026-11-02", end: "2026-11-02", orders: 0, revenue: USD(0), average_order_value: null, orders_per_buyer: null, buyers: 0, new_buyers: 0, returning_buyers: 0, declines: 0, cancellations: 1, abandoned_carts: 0 },
    ],
    zero_result_searches: [{ term: "=HYPERLINK(\"http://evil\")", searches: 3 }, { term: "zeppelin", searches: 1 }],
  } as KpiSummary;

  private accessTokens = new Map<string, number>();
  private refreshTokens = new Map<string, number>();
  private idempotent = new Map<string, { body: string; result: Promise<unknown> }>();
  private seq = 1000;

  constructor() {
    this.addUser({ email: "shopper@example.com", password: "shopper-demo-pass", first_name: "Ada", last_name: "Lovelace" });
    this.addUser({ email: "admin@example.com", password: "admin-demo-pass", first_name: "Grace", last_name: "Hopper", role: "admin" });
    this.addProduct({ name: "The Book of Management", price: 1999, stock: 10 });
    this.addProduct({ name: "Cookbook for Engineers", price: 2599, stock: 5 });
    this.addProduct({ name: "Desk Lamp", price: 4500, stock: 0 });
  }

  addUser(u: { email: string; password: string; first_name: string; last_name: string; role?: Role }): StoredUser {
    const now = new Date().toISOString();
    const user: StoredUser = {
      id: this.users.length + 1,
      email: u.email,
      password: u.password,
      first_name: u.first_name,
      last_name: u.last_name,
      role: u.role ?? "customer",
      is_active: true,
      address_1: null,
      address_2: null,
      city: null,
      state: null,
      zip_code: null,
      phone: null,
      created_at: now,
      updated_at: now,
    };
    this.users.push(user);
    return user;
  }

  addProduct(p: { name: string; price: number; stock: number; description?: string; is_active?: boolean }): Product {
    const now = new Date(Date.now() + this.products.length).toISOString();
    const product: Product = {
      id: this.products.length + 1,
      name: p.name,
      description: p.description ?? `About ${p.name}.`,
      sku: `SKU-${this.products.length + 1}`,
      category: "other",
      price: USD(p.price) as Product["price"],
      images: [],
      is_active: p.is_active ?? true,
      stock: p.stock,
      available: p.stock,
      created_at: now,
      updated_at: now,
    };
    this.products.push(product);
    return product;
  }

  /** A token pair for a user, as a login would issue. */
  issueTokens(userId: number, ttl = this.accessTtl): TokenPair {
    const user = this.user(userId);
    const claims = { sub: String(userId), role: user.role, exp: Math.floor(Date.now() / 1000) + ttl };
    const access = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig${++this.seq}`;
    const refresh = `rt_${++this.seq}_${userId}`;
    this.accessTokens.set(access, userId);
    this.refreshTokens.set(refresh, userId);
    return { access_token: access, refresh_token: refresh, token_type: "Bearer", expires_in: ttl };
  }

  isRefreshTokenLive(token: string): boolean {
    return this.refreshTokens.has(token);
  }

  user(id: number): StoredUser {
    const user = this.users.find((u) => u.id === id);
    if (!user) throw new Error(`no user ${id}`);
    return user;
  }

  userByEmail(email: string): StoredUser | undefined {
    return this.users.find((u) => u.email === email.trim().toLowerCase());
  }

  cartOf(userId: number): StoredItem[] {
    let cart = this.carts.get(userId);
    if (!cart) {
      cart = [];
      this.carts.set(userId, cart);
    }
    return cart;
  }

  /** The SDK factory to hand createApp. */
  readonly factory = (options: ShopOptions): Shop => new FakeClient(this, options);

  // Used by FakeClient; kept here so the client stays a thin per-request holder of tokens.
  authenticate(token: string | undefined): StoredUser {
    if (!token) throw apiError(401, "unauthenticated", "A valid bearer token is required.");
    const userId = this.accessTokens.get(token);
    if (userId === undefined) throw apiError(401, "token_invalid", "The access token is invalid.");
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { exp: number };
    if (claims.exp <= Date.now() / 1000) throw apiError(401, "token_expired", "The access token has expired.");
    return this.user(userId);
  }

  rotate(refreshToken: string): TokenPair {
    const userId = this.refreshTokens.get(refreshToken);
    if (userId === undefined) throw apiError(401, "token_invalid", "The refresh token is not valid.");
    this.refreshTokens.delete(refreshToken);
    return this.issueTokens(userId);
  }

  revoke(refreshToken: string): void {
    this.refreshTokens.delete(refreshToken);
  }

  revokeAll(userId: number): void {
    for (const [token, owner] of this.refreshTokens) if (owner === userId) this.refreshTokens.delete(token);
  }

  nextNumber(): number {
    return ++this.seq;
  }

  nextId(prefix: string): string {
    return `${prefix}${(++this.seq).toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;
  }

  /** Same key and body replays the first result; same key and another body is a 422. */
  idempotently<T>(userId: number, key: string, body: unknown, run: () => Promise<T>): Promise<T> {
    const scoped = `${userId}:${key}`;
    const text = JSON.stringify(body);
    const seen = this.idempotent.get(scoped);
    if (seen) {
      if (seen.body !== text) return Promise.reject(apiError(422, "idempotency_key_reused", "This idempotency key was used with another request."));
      return seen.result as Promise<T>;
    }
    const result = run();
    this.idempotent.set(scoped, { body: text, result });
    return result;
  }
}

class FakeClient implements Shop {
  private access: string | undefined;
  private refreshToken: string | undefined;

  constructor(
    private readonly world: FakePlatform,
    private readonly options: ShopOptions,
  ) {
    this.access = options.accessToken;
    this.refreshToken = options.refreshToken;
  }

  private async enter(name: string): Promise<void> {
    this.world.calls.push(name);
    await Promise.resolve();
    if (this.world.down) throw new ConnectionError("Could not reach http://127.0.0.1:1: connect ECONNREFUSED");
    const failing = this.world.failures.get(name);
    if (failing !== undefined) {
      if (--failing.times <= 0) this.world.failures.delete(name);
      throw apiError(failing.status, failing.code, failing.code === "idempotency_key_in_flight" ? "A request with this key is still running." : "A service did not answer in time.", {}, failing.status === 409 ? { "Retry-After": "1" } : {});
    }
  }

  private me(): StoredUser {
    return this.world.authenticate(this.access);
  }

  private admin(): StoredUser {
    const user = this.me();
    if (user.role !== "admin") throw apiError(403, "forbidden", "This operation needs the admin role.");
    return user;
  }

  private hold(pair: TokenPair): void {
    this.access = pair.access_token;
    this.refreshToken = pair.refresh_token;
    this.options.onTokens?.(pair);
  }

  private publicUser(user: StoredUser): User {
    const { password: _password, ...rest } = user;
    return { ...rest };
  }

  private product(id: number, includeInactive = false): Product {
    const product = this.world.products.find((p) => p.id === id);
    if (!product || (!product.is_active && !includeInactive)) throw apiError(404, "not_found", "No such product.");
    return product;
  }

  private isAdmin(): boolean {
    try {
      return this.me().role === "admin";
    } catch {
      return false;
    }
  }

  private cartBody(userId: number): Cart {
    const items = this.world.cartOf(userId).map((item) => {
      const product = this.product(item.product_id, true);
      return {
        id: item.id,
        product_id: item.product_id,
        name: product.name,
        quantity: item.quantity,
        unit_price: USD(item.unit_price),
        line_total: USD(item.unit_price * item.quantity),
        added_at: item.added_at,
      };
    });
    const now = new Date().toISOString();
    return {
      id: userId,
      items,
      item_count: items.reduce((n, i) => n + i.quantity, 0),
      subtotal: USD(items.reduce((n, i) => n + i.line_total.amount, 0)),
      created_at: now,
      updated_at: now,
    };
  }

  auth: Shop["auth"] = {
    login: async (body) => {
      await this.enter("auth.login");
      const failures = this.world.loginFailures.get(body.email) ?? 0;
      if (failures >= 5) throw apiError(429, "rate_limited", "Too many failed attempts; try again later.", {}, { "Retry-After": "60" });
      const user = this.world.userByEmail(body.email);
      if (!user || user.password !== body.password) {
        this.world.loginFailures.set(body.email, failures + 1);
        throw apiError(401, "invalid_credentials", "The email or password is wrong.");
      }
      const tokens = this.world.issueTokens(user.id);
      this.hold(tokens);
      return { user: this.publicUser(user), tokens };
    },
    register: async (body) => {
      await this.enter("auth.register");
      if (this.world.registrationsLeft-- <= 0) throw apiError(429, "rate_limited", "Too many registrations from this address; try again later.", {}, { "Retry-After": "1800" });
      if (this.world.userByEmail(body.email)) throw apiError(409, "email_taken", "An account with this email exists.");
      if (body.password.length < 10) {
        throw apiError(422, "weak_password", "The password is too short.", { errors: [{ path: "/body/password", message: "must have at least 10 characters" }] });
      }
      const user = this.world.addUser({ ...body, email: body.email.trim().toLowerCase() });
      const tokens = this.world.issueTokens(user.id);
      this.hold(tokens);
      return { user: this.publicUser(user), tokens };
    },
    refresh: async (body) => {
      await this.enter("auth.refresh");
      const pair = this.world.rotate(body?.refresh_token ?? this.refreshToken ?? "");
      this.hold(pair);
      return pair;
    },
    logout: async (body) => {
      await this.enter("auth.logout");
      this.world.revoke(body?.refresh_token ?? this.refreshToken ?? "");
      this.access = undefined;
      this.refreshToken = undefined;
    },
  };

  users: Shop["users"] = {
    me: async () => {
      await this.enter("users.me");
      return this.publicUser(this.me());
    },
    updateMe: async (body) => {
      await this.enter("users.updateMe");
      const user = this.me();
      if (body.state !== undefined && body.state !== null && !/^[A-Z]{2}$/.test(body.state)) {
        throw apiError(422, "validation_failed", "The request does not match the API contract.", { errors: [{ path: "/body/state", message: "must match pattern" }] });
      }
      Object.assign(user, body, { updated_at: new Date().toISOString() });
      return this.publicUser(user);
    },
    changePassword: async (body) => {
      await this.enter("users.changePassword");
      const user = this.me();
      if (user.password !== body.current_password) throw apiError(401, "invalid_credentials", "The current password is wrong.");
      user.password = body.new_password;
      this.world.revokeAll(user.id);
    },
  };

  products: Shop["products"] = {
    list: (params = {}) =>
      page((cursor) => {
        this.world.calls.push("products.list");
        if (this.world.down) throw new ConnectionError("Could not reach the API.");
        const failing = this.world.failures.get("products.list");
        if (failing !== undefined) {
          if (--failing.times <= 0) this.world.failures.delete("products.list");
          throw apiError(failing.status, failing.code, "A service did not answer in time.");
        }
        const admin = this.isAdmin();
        const words = (params.q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
        const ids = params.ids ? new Set(params.ids.split(",").map(Number)) : undefined;
        let items = this.world.products.filter(
          (p) =>
            (admin || p.is_active) &&
            (!ids || ids.has(p.id)) &&
            words.every((w) => `${p.name} ${p.description} ${p.sku}`.toLowerCase().includes(w)) &&
            (params.category === undefined || p.category === params.category) &&
            (params.min_price === undefined || p.price.amount >= params.min_price) &&
            (params.max_price === undefined || p.price.amount <= params.max_price),
        );
        if (params.sort === "price_asc") items = [...items].sort((a, b) => a.price.amount - b.price.amount);
        else if (params.sort === "price_desc") items = [...items].sort((a, b) => b.price.amount - a.price.amount);
        else if (params.sort === "newest") items = [...items].sort((a, b) => b.id - a.id);
        const body = paginate(items, cursor ?? params.cursor, params.limit ?? 20);
        return { ...body, total_count: items.length, total_count_is_lower_bound: false };
      }),
    get: async (id) => {
      await this.enter("products.get");
      return this.product(id, this.isAdmin());
    },
    create: async (body) => {
      await this.enter("products.create");
      this.admin();
      if (this.world.products.some((p) => p.sku === body.sku)) throw apiError(409, "sku_taken", "Another product has this sku.");
      const product = this.world.addProduct({ name: body.name, description: body.description, price: body.price.amount, stock: body.stock ?? 0 });
      product.sku = body.sku;
      return product;
    },
    update: async (id, body) => {
      await this.enter("products.update");
      this.admin();
      const product = this.product(id, true);
      // the product service's stock rule: never below the units held and sold
      const promised = product.stock - product.available;
      if (body.stock !== undefined && body.stock < product.stock && body.stock < promised) {
        throw apiError(409, "stock_below_reserved", `Stock cannot go below ${promised} units: they are held by reservations or sold.`);
      }
      const { price, ...rest } = body;
      Object.assign(product, rest, price ? { price } : {}, { updated_at: new Date().toISOString() });
      if (body.stock !== undefined) product.available = Math.max(0, body.stock - promised);
      return product;
    },
    deactivate: async (id) => {
      await this.enter("products.deactivate");
      this.admin();
      const product = this.product(id, true);
      product.is_active = false;
      return product;
    },
    // images: the real service's rules are tested against it (storefront.real-platform.test.ts)
    uploadImage: async (id, _file, alt) => {
      await this.enter("products.uploadImage");
      this.admin();
      const product = this.product(id, true);
      const imageId = String(product.images.length + 1).padStart(20, "0");
      product.images.push({ id: imageId, alt, width: 320, height: 320, url: `/v1/product-images/${imageId}/320`, srcset: [160, 320].map((width) => ({ width, url: `/v1/product-images/${imageId}/${width}` })) });
      return product;
    },
    deleteImage: async (id, imageId) => {
      await this.enter("products.deleteImage");
      this.admin();
      const product = this.product(id, true);
      product.images = product.images.filter((i) => i.id !== imageId);
      return product;
    },
    image: async (imageId) => {
      await this.enter("products.image");
      if (!this.world.products.some((p) => p.images.some((i) => i.id === imageId))) throw apiError(404, "not_found", "No such image.");
      return new Blob([new Uint8Array([82, 73, 70, 70])], { type: "image/webp" });
    },
  };

  cart: Shop["cart"] = {
    get: async () => {
      await this.enter("cart.get");
      return this.cartBody(this.me().id);
    },
    addItem: async (body) => {
      await this.enter("cart.addItem");
      const user = this.me();
      const product = this.product(body.product_id);
      const items = this.world.cartOf(user.id);
      const line = items.find((i) => i.product_id === product.id);
      const quantity = (line?.quantity ?? 0) + body.quantity;
      if (quantity > product.available) {
        throw apiError(422, "insufficient_stock", "Not enough stock.", { products: [{ product_id: product.id, requested: quantity, available: product.available }] });
      }
      if (line) line.quantity = quantity;
      else items.push({ id: this.world.nextNumber(), product_id: product.id, quantity, unit_price: product.price.amount, added_at: new Date().toISOString() });
      return this.cartBody(user.id);
    },
    updateItem: async (itemId, body) => {
      await this.enter("cart.updateItem");
      const user = this.me();
      const line = this.world.cartOf(user.id).find((i) => i.id === itemId);
      if (!line) throw apiError(404, "not_found", "No such cart item.");
      line.quantity = body.quantity;
      return this.cartBody(user.id);
    },
    removeItem: async (itemId) => {
      await this.enter("cart.removeItem");
      const user = this.me();
      const items = this.world.cartOf(user.id);
      const index = items.findIndex((i) => i.id === itemId);
      if (index < 0) throw apiError(404, "not_found", "No such cart item.");
      items.splice(index, 1);
      return this.cartBody(user.id);
    },
    clear: async () => {
      await this.enter("cart.clear");
      const user = this.me();
      this.world.carts.set(user.id, []);
      return this.cartBody(user.id);
    },
  };

  quotes: Shop["quotes"] = {
    create: async (body = {}) => {
      await this.enter("quotes.create");
      const user = this.me();
      const items = this.world.cartOf(user.id);
      if (items.length === 0) throw apiError(422, "cart_empty", "The cart is empty.");
      const promo = body.promo_code?.toUpperCase() ?? null;
      if (promo && promo !== "WELCOME10") throw apiError(422, "invalid_promo_code", "That promo code does not exist or has expired.");
      const rate = TAX_RATE[body.shipping_address?.state ?? ""] ?? 0;
      const lines = items.map((item) => {
        const product = this.product(item.product_id, true);
        const subtotal = product.price.amount * item.quantity;
        const discount = promo ? Math.round(subtotal / 10) : 0;
        const tax = Math.round((subtotal - discount) * rate);
        return {
          cart_item_id: item.id,
          product_id: product.id,
          name: product.name,
          quantity: item.quantity,
          unit_price: USD(product.price.amount),
          subtotal: USD(subtotal),
          discount: USD(discount),
          tax: USD(tax),
          total: USD(subtotal - discount + tax),
          was: item.unit_price,
        };
      });
      const sum = (f: (l: (typeof lines)[number]) => number) => lines.reduce((n, l) => n + f(l), 0);
      const subtotal = sum((l) => l.subtotal.amount);
      const discount = sum((l) => l.discount.amount);
      const tax = sum((l) => l.tax.amount);
      const shipping = subtotal - discount >= FREE_SHIPPING_FROM ? 0 : SHIPPING;
      const quote: Quote = {
        id: `q_${this.world.nextId("").slice(0, 8)}`,
        cart_id: user.id,
        user_id: user.id,
        status: "open",
        items: lines.map(({ was: _was, ...l }) => l),
        subtotal: USD(subtotal),
        discount_total: USD(discount),
        shipping_total: USD(shipping),
        tax_total: USD(tax),
        total: USD(subtotal - discount + shipping + tax),
        promo_code: promo,
        shipping_address: body.shipping_address,
        price_changes: lines.filter((l) => l.was !== l.unit_price.amount).map((l) => ({ product_id: l.product_id, name: l.name, old_price: USD(l.was), new_price: l.unit_price })),
        expires_at: new Date(Date.now() + 15 * 60 * 1000).toISOString(),
        order_id: null,
        accepted_at: null,
        created_at: new Date().toISOString(),
      };
      this.world.quotes.set(quote.id, quote);
      return quote;
    },
    get: async (id) => {
      await this.enter("quotes.get");
      const user = this.me();
      const quote = this.world.quotes.get(id);
      if (!quote || quote.user_id !== user.id) throw apiError(404, "not_found", "No such quote.");
      return quote;
    },
  };

  checkout: Shop["checkout"] = {
    create: async (body, options) => {
      await this.enter("checkout.create");
      const user = this.me();
      this.world.checkoutCalls++;
      return this.world.idempotently(user.id, options?.idempotencyKey ?? crypto.randomUUID(), body, async () => {
        if (this.world.checkoutGate) await this.world.checkoutGate;
        const quote = this.world.quotes.get(body.quote_id);
        if (!quote || quote.user_id !== user.id) throw apiError(404, "not_found", "No such quote.");
        if (quote.status !== "open") throw apiError(409, "quote_not_open", "The quote is not open.");
        if (body.payment_method.token === "tok_chargeDeclined") throw apiError(402, "payment_declined", "Your card was declined.");
        if (body.payment_method.token === "tok_insufficientFunds") throw apiError(402, "payment_declined", "Your card has insufficient funds.");
        this.world.charges++;
        const now = new Date().toISOString();
        const orderId = this.world.nextId("");
        const items = quote.items.map((l) => ({ ...l, id: this.world.nextId(""), shipment_id: null, expected_arrival_date: null }));
        const receipt: Receipt = {
          id: this.world.nextId(""),
          order_id: orderId,
          kind: "sale",
          transaction_id: this.world.nextId(""),
          subtotal: quote.subtotal,
          discount_total: quote.discount_total,
          shipping_total: quote.shipping_total,
          tax_total: quote.tax_total,
          total: quote.total,
          items: quote.items.map(({ cart_item_id: _c, ...l }) => l),
          created_at: now,
        };
        const order: Order = {
          id: orderId,
          user_id: user.id,
          quote_id: quote.id,
          status: "paid",
          currency: "USD",
          subtotal: quote.subtotal,
          discount_total: quote.discount_total,
          shipping_total: quote.shipping_total,
          tax_total: quote.tax_total,
          total: quote.total,
          promo_code: quote.promo_code,
          shipping_address: quote.shipping_address ?? null,
          items: items.map(({ cart_item_id: _c, ...l }) => l),
          shipments: [],
          receipts: [receipt],
          transactions: [],
          created_at: now,
          updated_at: now,
        };
        quote.status = "accepted";
        quote.order_id = orderId;
        this.world.orders.unshift(order);
        this.world.carts.set(user.id, []);
        return { order, receipt, transaction: { id: receipt.transaction_id, order_id: orderId, quote_id: quote.id, type: "charge", status: "succeeded", amount: quote.total, payment_gateway_id: "test", gateway_transaction_id: "ch_1", response_code: "approved", created_at: now } as never };
      });
    },
  };

  private ownOrder(id: string | number): Order {
    const user = this.me();
    const order = this.world.orders.find((o) => o.id === String(id));
    if (!order || (order.user_id !== user.id && user.role !== "admin")) throw apiError(404, "not_found", "No such order.");
    return order;
  }

  orders: Shop["orders"] = {
    list: (params = {}) =>
      page((cursor) => {
        this.world.calls.push("orders.list");
        const user = this.me();
        return paginate(
          this.world.orders.filter((o) => o.user_id === user.id),
          cursor ?? params.cursor,
          params.limit ?? 20,
        );
      }),
    get: async (id) => {
      await this.enter("orders.get");
      return this.ownOrder(id);
    },
    cancel: async (id, body = {}, options) => {
      await this.enter("orders.cancel");
      const user = this.me();
      return this.world.idempotently(user.id, options?.idempotencyKey ?? crypto.randomUUID(), { id, body }, async () => {
        const order = this.ownOrder(id);
        if (order.status !== "paid") throw apiError(409, "illegal_transition", `The order is ${order.status}.`, { current_status: order.status });
        order.status = "cancelled";
        const sale = order.receipts[0];
        order.receipts.push({ ...sale, id: this.world.nextId(""), kind: "refund", created_at: new Date(Date.now() + 1).toISOString() });
        return order;
      });
    },
    adminList: (params = {}) =>
      page((cursor) => {
        this.world.calls.push("orders.adminList");
        this.admin();
        return paginate(
          this.world.orders.filter((o) => (!params.status || o.status === params.status) && (!params.user_id || o.user_id === params.user_id)),
          cursor ?? params.cursor,
          params.limit ?? 20,
        );
      }),
    ship: async (id, body) => {
      await this.enter("orders.ship");
      this.admin();
      const order = this.ownOrder(id);
      if (order.status !== "paid") throw apiError(409, "illegal_transition", `The order is ${order.status}.`, { current_status: order.status });
      const shipment = { id: this.world.nextId(""), order_id: order.id, carrier: body.carrier, tracking_number: body.tracking_number, expected_arrival_date: body.expected_arrival_date, item_ids: order.items.map((i) => i.id), created_at: new Date().toISOString() };
      order.shipments.push(shipment);
      for (const item of order.items) {
        item.shipment_id = shipment.id;
        item.expected_arrival_date = body.expected_arrival_date;
      }
      order.status = "shipped";
      return { shipment, order };
    },
    deliver: async (id) => {
      await this.enter("orders.deliver");
      this.admin();
      const order = this.ownOrder(id);
      if (order.status !== "shipped") throw apiError(409, "illegal_transition", `The order is ${order.status}.`, { current_status: order.status });
      order.status = "delivered";
      return order;
    },
  };

  analytics: Shop["analytics"] = {
    track: async (events) => {
      await this.enter("analytics.track");
      if (this.world.analyticsDown) throw new ConnectionError("Could not reach the analytics service: connect ECONNREFUSED");
      let userId: number | null = null;
      try {
        userId = this.access ? this.me().id : null;
      } catch {
        // The API ignores a token it cannot use on this public operation; so does the fake.
      }
      const list = Array.isArray(events) ? events : [events];
      this.world.tracked.push({ visitorId: this.options.visitorId, userId, events: list });
      return { accepted: list.length, duplicates: 0 };
    },
  };

  kpis: Shop["kpis"] = {
    funnel: async (params) => {
      await this.enter("kpis.funnel");
      this.admin();
      return { ...this.world.funnel, from: params.from, to: params.to };
    },
    summary: async (params) => {
      await this.enter("kpis.summary");
      this.admin();
      return { ...this.world.summary, from: params.from, to: params.to, interval: params.interval ?? "day" };
    },
  };

  receipts: Shop["receipts"] = {
    get: async (id) => {
      await this.enter("receipts.get");
      const user = this.me();
      for (const order of this.world.orders) {
        const receipt = order.receipts.find((r) => r.id === String(id));
        if (receipt && order.user_id === user.id) return receipt;
      }
      throw apiError(404, "not_found", "No such receipt.");
    },
  };
}
