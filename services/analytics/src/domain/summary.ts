import type { EventsStore } from "../data-access/events-store.js";
import { dayOf } from "../data-access/events-store.js";
import { instantsOf, intervalsOf, type DayWindow, type Interval } from "./window.js";

const HOUR_MS = 3_600_000;
const ZERO_RESULT_TERMS = 10;

type Money = { amount: number; currency: string };

export interface SummaryInterval extends Interval {
  orders: number;
  revenue: Money;
  average_order_value: Money | null;
  orders_per_buyer: number | null;
  buyers: number;
  new_buyers: number;
  returning_buyers: number;
  declines: number;
  cancellations: number;
  abandoned_carts: number;
}

export interface SummaryOptions {
  interval: "day" | "week";
  abandonAfterHours: number;
  currency: string;
  now: Date;
}

/** Which interval a day falls in (intervals are sorted and contiguous). */
function bucketOf(intervals: Interval[], day: string): number {
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (day < intervals[mid]!.start) hi = mid - 1;
    else if (day > intervals[mid]!.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Abandoned carts of one interval: people who added to a cart in it and completed no checkout
 * between their first add there and `abandonAfter` after their last; counted only once that
 * time has passed (before, the cart is still open).
 */
function abandoned(adds: { person: string; at: Date }[], checkouts: Map<string, Date[]>, abandonAfterMs: number, now: Date): number {
  const spans = new Map<string, { first: Date; last: Date }>();
  for (const add of adds) {
    const span = spans.get(add.person);
    if (!span) spans.set(add.person, { first: add.at, last: add.at });
    else {
      if (add.at < span.first) span.first = add.at;
      if (add.at > span.last) span.last = add.at;
    }
  }
  let count = 0;
  for (const [person, span] of spans) {
    const deadline = span.last.getTime() + abandonAfterMs;
    if (deadline > now.getTime()) continue;
    const bought = (checkouts.get(person) ?? []).some((at) => at >= span.first && at.getTime() <= deadline);
    if (!bought) count++;
  }
  return count;
}

/** The per-interval sales summary and the top zero-result searches of a window (definitions in the spec). */
export async function summary(store: EventsStore, window: DayWindow, options: SummaryOptions) {
  const intervals = intervalsOf(window, options.interval);
  const { start, end } = instantsOf(window);
  const abandonAfterMs = options.abandonAfterHours * HOUR_MS;
  const money = (amount: number): Money => ({ amount, currency: options.currency });

  const [orders, declines, cancellations, laterCheckouts, adds, zero] = await Promise.all([
    store.dailyTotals("checkout_succeeded", window.from, window.to),
    store.dailyTotals("checkout_declined", window.from, window.to),
    store.dailyTotals("order_cancelled", window.from, window.to),
    // a cart added to late in the window may be bought after it
    store.personEvents("checkout_succeeded", start, new Date(end.getTime() + abandonAfterMs)),
    store.personEvents("cart_item_added", start, end),
    store.zeroResultSearches(window.from, window.to, ZERO_RESULT_TERMS),
  ]);
  const purchases = laterCheckouts.filter((c) => c.at < end);
  const firstOrderDay = await store.firstDays("checkout_succeeded", purchases.map((p) => p.person));

  const rows = intervals.map((i) => ({ ...i, orders: 0, revenue: 0, declines: 0, cancellations: 0, buyers: new Set<string>(), adds: [] as { person: string; at: Date }[] }));
  for (const o of orders) {
    const row = rows[bucketOf(intervals, o.day)];
    if (!row) continue;
    row.orders += o.events;
    if (o.currency === options.currency) row.revenue += o.amount;
  }
  for (const d of declines) if (rows[bucketOf(intervals, d.day)]) rows[bucketOf(intervals, d.day)]!.declines += d.events;
  for (const c of cancellations) if (rows[bucketOf(intervals, c.day)]) rows[bucketOf(intervals, c.day)]!.cancellations += c.events;
  for (const p of purchases) rows[bucketOf(intervals, dayOf(p.at))]?.buyers.add(p.person);
  for (const a of adds) rows[bucketOf(intervals, dayOf(a.at))]?.adds.push(a);
  const checkoutsByPerson = new Map<string, Date[]>();
  for (const c of laterCheckouts) checkoutsByPerson.set(c.person, [...(checkoutsByPerson.get(c.person) ?? []), c.at]);

  const result: SummaryInterval[] = rows.map((row) => {
    const newBuyers = [...row.buyers].filter((person) => (firstOrderDay.get(person) ?? row.start) >= row.start).length;
    return {
      start: row.start,
      end: row.end,
      orders: row.orders,
      revenue: money(row.revenue),
      average_order_value: row.orders ? money(Math.round(row.revenue / row.orders)) : null,
      orders_per_buyer: row.buyers.size ? Math.round((row.orders / row.buyers.size) * 100) / 100 : null,
      buyers: row.buyers.size,
      new_buyers: newBuyers,
      returning_buyers: row.buyers.size - newBuyers,
      declines: row.declines,
      cancellations: row.cancellations,
      abandoned_carts: abandoned(row.adds, checkoutsByPerson, abandonAfterMs, options.now),
    };
  });
  return { from: window.from, to: window.to, interval: options.interval, abandon_after_hours: options.abandonAfterHours, intervals: result, zero_result_searches: zero };
}

