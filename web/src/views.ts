/** The template engine: nunjucks with autoescape on, so every value a page prints is escaped. */
import type { Express } from "express";
import nunjucks from "nunjucks";
import { fileURLToPath } from "node:url";
import { formatMoney, toMajorUnits, type MoneyValue } from "./money.js";

export const VIEWS_DIR = fileURLToPath(new URL("../views", import.meta.url));
export const PUBLIC_DIR = fileURLToPath(new URL("../public", import.meta.url));

const dateFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === "string" || typeof value === "number") {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

/** A label for an API enum value: "partially_shipped" -> "Partially shipped". */
export function humanize(value: unknown): string {
  const text = String(value ?? "").replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How an opaque id is shown to people: its first block, upper-cased ("#1D2C3B4A"). */
export function shortId(value: unknown): string {
  const id = String(value ?? "");
  const head = id.split("-")[0] ?? id;
  return `#${(head.length >= 6 ? head : id).slice(0, 12).toUpperCase()}`;
}

export function configureViews(app: Express, options: { watch?: boolean } = {}): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { watch: options.watch ?? false, noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter("money", (value: MoneyValue | null | undefined) => formatMoney(value));
  env.addFilter("major", (value: MoneyValue | null | undefined) => (value ? toMajorUnits(value.amount, value.currency) : ""));
  env.addFilter("date", (value: unknown) => {
    const date = toDate(value);
    return date ? dateFormat.format(date) : "";
  });
  env.addFilter("datetime", (value: unknown) => {
    const date = toDate(value);
    return date ? dateTimeFormat.format(date) : "";
  });
  env.addFilter("isodate", (value: unknown) => toDate(value)?.toISOString() ?? "");
  env.addFilter("humanize", humanize);
  env.addFilter("shortid", shortId);
  env.express(app);
  app.set("view engine", "njk");
  return env;
}
