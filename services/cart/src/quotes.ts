/*
 * Quotes: the cart priced at the current prices, holding its stock at the product service
 * until it expires. Creating one is a short saga over two services:
 *
 *   1. price the cart (product service read, pure pricing)          -- nothing held yet
 *   2. release the holds of this cart's earlier open quotes         -- they are being replaced
 *   3. hold the new quote's stock (reservation id = quote id)       -- compensation: release it
 *   4. one DB transaction: insert the quote, supersede the others   -- on failure, step 3 is compensated
 *
 * A hold that is never released lapses by itself at `expires_at`, so a crash between the
 * steps leaks no stock for longer than the quote would have held it.
 */
import { randomBytes } from "node:crypto";
import type { Sequelize } from "sequelize";
import { conflict, notFound, sqlDate, sqlDateOrNull, unprocessable, type EventRecorder, type Logger, type Principal } from "@disqo-commerce/kit";
import type { components } from "./generated/openapi.js";
import type { Carts } from "./carts.js";
import type { CartReads, QuoteItemRow, QuoteRow } from "./data-access/cart-reads.js";
import { createQuoteStore } from "./data-access/quote-store.js";
import { CURRENCY, money } from "./money.js";
import { priceQuote, type Discount, type PricingRules } from "./pricing.js";
import type { ProductClient } from "./products.js";
import { applicableDiscount, type PromoCodes } from "./promo-codes.js";
import type { PromoRedemptions } from "./promo-redemptions.js";

type QuoteView = components["schemas"]["Quote"];
type QuoteInput = components["schemas"]["QuoteInput"];
type PriceChange = components["schemas"]["PriceChange"];

export interface QuoteDeps {
  sequelize: Sequelize;
  products: ProductClient;
  carts: Carts;
  promoCodes: PromoCodes;
  redemptions: PromoRedemptions;
  rules: PricingRules;
  ttlMs: number;
  now: () => Date;
  logger: Logger;
  events: EventRecorder;
  reads: CartReads;
}

/** Opaque and unguessable; also a valid reservation id at the product service (`^[A-Za-z0-9_-]{1,64}$`). */
export function newQuoteId(): string {
  return `q_${randomBytes(16).toString("base64url")}`;
}

export function createQuotes(deps: QuoteDeps) {
  const { sequelize, products, carts, promoCodes, redemptions, rules, now, logger, reads } = deps;
  const store = createQuoteStore(sequelize);

  function toView(quote: QuoteRow, items: QuoteItemRow[]): QuoteView {
    const c = quote.currency;
    const expiresAt = sqlDate(quote.expires_at);
    const acceptedAt = sqlDateOrNull(quote.accepted_at);
    const expired = quote.status === "open" && expiresAt.getTime() <= now().getTime();
    const view: QuoteView = {
      id: quote.id,
      cart_id: Number(quote.cart_id),
      user_id: Number(quote.user_id),
      status: expired ? "expired" : quote.status,
      items: items.map((i) => ({
        cart_item_id: Number(i.cart_item_id),
        product_id: Number(i.product_id),
        name: i.name,
        quantity: Number(i.quantity),
        unit_price: money(i.unit_price, c),
        subtotal: money(i.subtotal, c),
        discount: money(i.discount, c),
        tax: money(i.tax, c),
        total: money(i.total, c),
      })),
      subtotal: money(quote.subtotal, c),
      discount_total: money(quote.discount_total, c),
      shipping_total: money(quote.shipping_total, c),
      tax_total: money(quote.tax_total, c),
      total: money(quote.total, c),
      promo_code: quote.promo_code,
      price_changes: JSON.parse(quote.price_changes) as PriceChange[],
      expires_at: expiresAt.toISOString(),
      order_id: quote.order_id ?? null,
      accepted_at: acceptedAt ? acceptedAt.toISOString() : null,
      created_at: sqlDate(quote.created_at).toISOString(),
    };
    if (quote.shipping_address) {
      // one shape whatever the request left out: optional lines are null, never missing
      const a = JSON.parse(quote.shipping_address) as components["schemas"]["ShippingAddress"];
      view.shipping_address = { name: a.name ?? null, address_1: a.address_1, address_2: a.address_2 ?? null, city: a.city, state: a.state, zip_code: a.zip_code };
    }
    return view;
  }

  async function load(id: string): Promise<QuoteView | null> {
    const quote = await reads.quote(id);
    if (!quote) return null;
    return toView(quote, await reads.quoteItems(id));
  }

  /** Best effort: a hold we fail to release lapses at its `expires_at` anyway. */
  async function releaseQuietly(quoteId: string): Promise<void> {
    await products.release(quoteId).catch((err) => logger.warn({ err, quote_id: quoteId }, "could not release a quote's reservation; it lapses at its expiry"));
  }

  return {
    async create(userId: number, input: QuoteInput): Promise<QuoteView> {
      const cart = await carts.ensureActiveCart(userId);
      const cartItems = (await reads.cartItems(cart.id)).map((i) => ({ ...i, id: Number(i.id), product_id: Number(i.product_id), quantity: Number(i.quantity) }));
      if (cartItems.length === 0) throw unprocessable("cart_empty", "The cart is empty; add products before asking for a quote.");

      // The cart's earlier open quotes: superseded by this one (their stock and promo holds go).
      const previous = await reads.openQuoteIds(cart.id);

      // An unknown, expired, used-up or already-used code fails before the product service is asked anything.
      const promo = input.promo_code === undefined ? null : await promoCodes.find(input.promo_code);
      if (input.promo_code !== undefined) applicableDiscount(promo, Number.MAX_SAFE_INTEGER, now());
      if (promo) await redemptions.assertAvailable(promo, userId, now(), { except: previous });

      // 1. price at the current prices
      const catalog = await products.getProducts(cartItems.map((i) => i.product_id));
      const gone = cartItems.filter((i) => {
        const p = catalog.get(i.product_id);
        return !p || !p.isActive || p.currency !== CURRENCY;
      });
      if (gone.length) {
        throw conflict("product_unavailable", "Some products in the cart are no longer for sale; remove them and ask again.", {
          products: gone.map((i) => ({ product_id: i.product_id, requested: i.quantity, available: 0 })),
        });
      }
      const current = cartItems.map((i) => catalog.get(i.product_id)!);
      const lines = cartItems.map((i, n) => ({ unitPrice: current[n].price, quantity: i.quantity }));
      const subtotal = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
      const discount: Discount | null = promo ? applicableDiscount(promo, subtotal, now()) : null;
      const priced = priceQuote(lines, { discount, state: input.shipping_address?.state, rules });
      const priceChanges: PriceChange[] = cartItems
        .map((i, n) => ({ item: i, product: current[n] }))
        .filter(({ item, product }) => Number(item.unit_price) !== product.price)
        .map(({ item, product }) => ({ product_id: item.product_id, name: product.name, old_price: money(item.unit_price, item.currency), new_price: money(product.price, product.currency) }));

      const id = newQuoteId();
      const expiresAt = new Date(now().getTime() + deps.ttlMs);

      // 2. the cart's earlier quotes give their stock back first, or it would count against this one
      for (const q of previous) await products.release(q);

      // 3. hold the stock
      const held = await products.reserve(
        id,
        cartItems.map((i) => ({ product_id: i.product_id, quantity: i.quantity })),
        expiresAt,
      );
      if (!held.ok) throw conflict(held.code, held.detail, { products: held.products });

      // 4. record it, superseding whatever else is open for this cart
      let superseded: string[];
      try {
        superseded = await sequelize.transaction(async (t) => {
          await store.insert(
            {
              id,
              cart_id: cart.id,
              user_id: userId,
              status: "open",
              currency: CURRENCY,
              subtotal: priced.subtotal,
              discount_total: priced.discountTotal,
              shipping_total: priced.shippingTotal,
              tax_total: priced.taxTotal,
              total: priced.total,
              tax_rate: priced.taxRate,
              promo_code: promo ? promo.code : null,
              shipping_address: input.shipping_address ? JSON.stringify(input.shipping_address) : null,
              price_changes: JSON.stringify(priceChanges),
              expires_at: expiresAt,
            },
            cartItems.map((item, n) => ({
              quote_id: id,
              cart_item_id: item.id,
              product_id: item.product_id,
              name: current[n].name,
              quantity: item.quantity,
              unit_price: priced.lines[n].unitPrice,
              subtotal: priced.lines[n].subtotal,
              discount: priced.lines[n].discount,
              tax: priced.lines[n].tax,
              total: priced.lines[n].total,
            })),
            t,
          );
          const others = await store.supersedeOthers(cart.id, id, t);
          await redemptions.releaseHolds(others, t);
          // The authoritative check of the code's limits, one quote at a time; a 409 here undoes the stock hold below.
          if (promo) await redemptions.hold(promo, userId, id, expiresAt, now(), t);
          await deps.events.record("quote_created", { userId }, { quote_id: id, total: { amount: priced.total, currency: CURRENCY } }, t);
          return others;
        });
      } catch (error) {
        await releaseQuietly(id);
        throw error;
      }
      // A quote made concurrently for the same cart was superseded above; its hold goes too.
      const released = new Set(previous);
      for (const other of superseded) if (!released.has(other)) await releaseQuietly(other);

      return (await load(id))!;
    },

    /** The owner's quote; services may read any. Everyone else gets the same 404 as for a quote that does not exist. */
    async get(principal: Principal, id: string): Promise<QuoteView> {
      const quote = await load(id);
      if (!quote || (principal.kind === "user" && quote.user_id !== principal.userId)) throw notFound("No such quote.");
      return quote;
    },

    /**
     * Marks the quote accepted for an order and retires its cart, idempotently per order.
     * `paidAt` lets the order service's retries accept a quote that was paid before it
     * expired even when the acceptance itself arrives later.
     */
    async accept(id: string, orderId: string, paidAt?: Date): Promise<QuoteView> {
      await sequelize.transaction(async (t) => {
        const quote = await store.lockForAcceptance(id, t);
        if (!quote) throw notFound("No such quote.");
        if (quote.status === "accepted") {
          if (quote.order_id === orderId) return;
          throw conflict("conflict", "This quote was accepted for another order.");
        }
        if (quote.status === "superseded") throw conflict("quote_not_open", "This quote was replaced by a newer quote of the same cart.");
        const at = now();
        const paid = paidAt && paidAt.getTime() < at.getTime() ? paidAt : at;
        if (quote.expires_at.getTime() <= paid.getTime()) throw conflict("quote_expired", "The quote expired before the order was paid.");
        await store.accept(quote, orderId, at, t);
        await redemptions.redeem(quote, orderId, t);
      });
      return (await load(id))!;
    },
  };
}

export type Quotes = ReturnType<typeof createQuotes>;
