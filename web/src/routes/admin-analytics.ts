/**
 * The admin dashboard of the shopping funnel: the funnel as bars with conversion rates, and
 * revenue, orders and average order value over time as lines, for a date range; the same
 * numbers as tables and as a CSV download. Mounted inside the admin router (admins only).
 */
import { Router, type Response } from "express";
import type { Funnel, KpiSummary } from "@disqo-commerce/sdk";
import { apiMessage, apiStatus } from "../errors.js";
import { text } from "../forms.js";
import { formatMoney, toMajorUnits } from "../money.js";
import { csv } from "../csv.js";
import { funnelBars, lineChart, percent } from "../charts.js";
import { locals } from "../session.js";

const STEP_LABELS: Record<string, string> = {
  visitors: "Visitors",
  signups: "Signed up",
  searchers: "Searched",
  product_viewers: "Viewed a product",
  cart_adders: "Added to cart",
  quote_creators: "Got a quote",
  buyers: "Bought",
};
const DEFAULT_DAYS = 28;
const MAX_DAYS = 366;
const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface Window {
  from: string;
  to: string;
  interval: "day" | "week";
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function parseDay(value: string): number | null {
  if (!ISO_DATE.test(value)) return null;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) || isoDay(new Date(ms)) !== value ? null : ms;
}

/** The window asked for in the query, or the last four weeks; the problems in words. */
export function readWindow(source: unknown, now = new Date()): { window: Window; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const toText = text(source, "to", 10) || isoDay(now);
  const to = parseDay(toText);
  const fromText = text(source, "from", 10) || isoDay(new Date((to ?? now.getTime()) - (DEFAULT_DAYS - 1) * DAY_MS));
  const from = parseDay(fromText);
  const interval = text(source, "interval", 10) === "week" ? "week" : "day";
  if (from === null) errors.from = "Enter a date like 2026-11-01";
  if (to === null) errors.to = "Enter a date like 2026-11-30";
  if (from !== null && to !== null) {
    if (from > to) errors.to = "The end must not be before the start";
    else if ((to - from) / DAY_MS > MAX_DAYS) errors.to = `Choose at most ${MAX_DAYS} days`;
  }
  return { window: { from: fromText, to: toText, interval }, errors };
}

async function load(res: Response, window: Window): Promise<{ funnel: Funnel; summary: KpiSummary }> {
  const { kpis } = locals(res).shop;
  const [funnel, summary] = await Promise.all([kpis.funnel({ from: window.from, to: window.to }), kpis.summary({ from: window.from, to: window.to, interval: window.interval })]);
  return { funnel, summary };
}

function intervalLabel(i: { start: string; end: string }): string {
  return i.start === i.end ? i.start : `${i.start} – ${i.end}`;
}

export function dashboardView(funnel: Funnel, summary: KpiSummary) {
  const steps = funnel.steps.map((s) => ({ ...s, label: STEP_LABELS[s.step] ?? s.step }));
  const currency = summary.intervals[0]?.revenue.currency ?? "USD";
  const money = (amount: number) => formatMoney({ amount: Math.round(amount), currency });
  const series = (pick: (i: KpiSummary["intervals"][number]) => number | null) => summary.intervals.map((i) => ({ label: i.start.slice(5), value: pick(i) }));
  const totals = summary.intervals.reduce(
    (t, i) => ({ orders: t.orders + i.orders, revenue: t.revenue + i.revenue.amount, declines: t.declines + i.declines, cancellations: t.cancellations + i.cancellations, abandoned: t.abandoned + i.abandoned_carts }),
    { orders: 0, revenue: 0, declines: 0, cancellations: 0, abandoned: 0 },
  );
  return {
    steps,
    funnelBars: funnelBars(steps.map((s) => ({ label: s.label, people: s.people, conversion: s.conversion_from_previous }))),
    overallConversion: percent(steps[steps.length - 1]?.conversion_from_visitors),
    totals: { ...totals, revenue: money(totals.revenue), aov: totals.orders ? money(totals.revenue / totals.orders) : "–" },
    revenueChart: lineChart(series((i) => i.revenue.amount), money),
    ordersChart: lineChart(series((i) => i.orders), (n) => String(Math.round(n))),
    aovChart: lineChart(series((i) => i.average_order_value?.amount ?? null), money),
    intervals: summary.intervals.map((i) => ({ ...i, label: intervalLabel(i) })),
    zeroResultSearches: summary.zero_result_searches,
    abandonAfterHours: summary.abandon_after_hours,
  };
}

export function dashboardCsv(funnel: Funnel, summary: KpiSummary): string {
  const rows: Array<Array<string | number | null>> = [
    ["section", "step_or_start", "end", "people_or_orders", "conversion_from_previous", "conversion_from_visitors", "revenue", "average_order_value", "currency", "buyers", "new_buyers", "returning_buyers", "declines", "cancellations", "abandoned_carts"],
  ];
  for (const s of funnel.steps) rows.push(["funnel", s.step, null, s.people, s.conversion_from_previous, s.conversion_from_visitors, null, null, null, null, null, null, null, null, null]);
  for (const i of summary.intervals) {
    rows.push([
      summary.interval, i.start, i.end, i.orders, null, null, toMajorUnits(i.revenue.amount, i.revenue.currency),
      i.average_order_value ? toMajorUnits(i.average_order_value.amount, i.average_order_value.currency) : null, i.revenue.currency,
      i.buyers, i.new_buyers, i.returning_buyers, i.declines, i.cancellations, i.abandoned_carts,
    ]);
  }
  for (const z of summary.zero_result_searches) rows.push(["zero_result_search", z.term, null, z.searches, null, null, null, null, null, null, null, null, null, null, null]);
  return csv(rows);
}

export function analyticsDashboard(): Router {
  const router = Router();

  router.get("/analytics", async (req, res) => {
    const { window, errors } = readWindow(req.query);
    const render = (status: number, data: Record<string, unknown>) =>
      res.status(status).render("admin/analytics.njk", { title: "Analytics", window, errors, csvUrl: `/admin/analytics.csv?${new URLSearchParams({ ...window })}`, ...data });
    if (Object.keys(errors).length > 0) return render(422, { view: null });
    try {
      const { funnel, summary } = await load(res, window);
      render(200, { view: dashboardView(funnel, summary) });
    } catch (error) {
      if (apiStatus(error) !== 422 && apiStatus(error) !== 400) throw error;
      render(422, { view: null, problem: apiMessage(error, "Those dates could not be used. Check them and try again.") });
    }
  });

  router.get("/analytics.csv", async (req, res) => {
    const { window, errors } = readWindow(req.query);
    if (Object.keys(errors).length > 0) {
      res.status(422).type("text/plain").send(Object.values(errors).join("\n"));
      return;
    }
    const { funnel, summary } = await load(res, window);
    res.setHeader("Cache-Control", "no-store");
    res.attachment(`disqo-kpis-${window.from}-to-${window.to}-by-${window.interval}.csv`);
    res.type("text/csv; charset=utf-8").send(dashboardCsv(funnel, summary));
  });

  return router;
}
