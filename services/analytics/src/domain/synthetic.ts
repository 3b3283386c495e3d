import { createHash } from "node:crypto";
import type { IncomingEvent } from "./ingest.js";

/** A small seeded PRNG (mulberry32): the same seed gives the same activity on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic UUID-shaped id from a label, so re-seeding the same days is idempotent. */
export function idOf(label: string): string {
  const h = createHash("sha1").update(label).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const TERMS = ["book", "garden", "lamp", "chair", "coffee", "headphones", "desk", "backpack", "kettle", "blanket"];
const ZERO_TERMS = ["zeppelin", "hoverboard", "unicorn lamp", "time machine"];
const PAGES = ["/", "/search", "/cart", "/orders", "/account"];

export interface SyntheticOptions {
  /** Days of activity, ending with `until`'s day. */
  days: number;
  until: Date;
  seed?: number;
  /** Visitors on a weekday; weekends get about two thirds. */
  visitorsPerDay?: number;
  productCount?: number;
  /** The first signup's user id (later ones count up from it). */
  firstUserId?: number;
}

/**
 * A few weeks of plausible shopping activity for the dashboard of a development platform:
 * visits with page and product views, searches (some finding nothing), carts, quotes, orders,
 * declines and cancellations, signups, and returning buyers; fewer visitors at weekends.
 */
export function syntheticActivity(options: SyntheticOptions): IncomingEvent[] {
  const random = prng(options.seed ?? 20261203);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const products = options.productCount ?? 40;
  const events: IncomingEvent[] = [];
  const returning: { visitor: string; user: number }[] = [];
  let nextUser = options.firstUserId ?? 1000;
  const endDay = Date.UTC(options.until.getUTCFullYear(), options.until.getUTCMonth(), options.until.getUTCDate());
  for (let d = options.days - 1; d >= 0; d--) {
    const dayStart = endDay - d * 86_400_000;
    const weekday = new Date(dayStart).getUTCDay();
    const visitors = Math.round((options.visitorsPerDay ?? 60) * (weekday === 0 || weekday === 6 ? 0.65 : 1) * (0.85 + random() * 0.3));
    for (let v = 0; v < visitors; v++) {
      const back = returning.length > 0 && chance(0.15) ? pick(returning) : undefined;
      const visitor = back?.visitor ?? `v_${idOf(`visitor ${dayStart} ${v}`).replace(/-/g, "").slice(0, 16)}`;
      let user: number | null = back?.user ?? null;
      let at = dayStart + Math.floor(random() * 80_000_000);
      const add = (type: IncomingEvent["type"], properties: Record<string, unknown>, withUser = true) => {
        at = Math.min(at + 20_000 + Math.floor(random() * 120_000), dayStart + 86_399_000);
        events.push({ id: idOf(`${visitor} ${events.length} ${type}`), type, occurredAt: new Date(at), visitorId: visitor, userId: withUser ? user : null, properties });
      };
      add("page_view", { path: "/" });
      if (chance(0.6)) {
        const zero = chance(0.12);
        add("search", { term: zero ? pick(ZERO_TERMS) : pick(TERMS), result_count: zero ? 0 : 1 + Math.floor(random() * 40) });
        add("page_view", { path: "/search" });
      }
      if (!chance(0.5)) {
        add("page_view", { path: pick(PAGES) });
        continue;
      }
      const product = 1 + Math.floor(random() * products);
      add("product_view", { product_id: product });
      if (!chance(0.45)) continue;
      if (user === null && chance(0.5)) {
        user = nextUser++;
        add("signup", {});
      }
      const quantity = 1 + Math.floor(random() * 3);
      add("cart_item_added", { product_id: product, quantity });
      if (user === null || !chance(0.7)) continue;
      const quoteId = idOf(`quote ${visitor} ${at}`);
      const total = { amount: quantity * (999 + Math.floor(random() * 9000)), currency: "USD" };
      add("quote_created", { quote_id: quoteId, total });
      if (chance(0.12)) {
        add("checkout_declined", { quote_id: quoteId, code: "payment_declined" });
        continue;
      }
      const orderId = idOf(`order ${quoteId}`);
      add("checkout_succeeded", { order_id: orderId, quote_id: quoteId, total });
      if (!back) returning.push({ visitor, user });
      if (chance(0.06)) add("order_cancelled", { order_id: orderId, total });
    }
  }
  return events.filter((e) => e.occurredAt.getTime() <= options.until.getTime());
}
