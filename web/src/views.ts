/** The template engine: nunjucks with autoescape on, so every value a page prints is escaped. */
import type { Express } from "express";
import { ProductCategory } from "@disqo-commerce/sdk";
import nunjucks from "nunjucks";
import { fileURLToPath } from "node:url";
import { formatMoney, toMajorUnits, type MoneyValue } from "./money.js";
import { percent } from "./charts.js";

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

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * A moment as `<time>`: rendered in UTC and labelled so (the server does not know the shopper's
 * zone), with the exact instant in `datetime`; site.js rewrites the text into the browser's own
 * time zone when scripts run. A calendar date (YYYY-MM-DD, e.g. an expected arrival) has no zone
 * and is printed as is.
 */
export function timeElement(value: unknown, kind: "date" | "datetime"): string {
  const date = toDate(value);
  if (!date) return "";
  if (typeof value === "string" && CALENDAR_DATE.test(value)) return `<time datetime="${value}">${escapeHtml(dateFormat.format(date))}</time>`;
  const text = kind === "date" ? `${dateFormat.format(date)}` : dateTimeFormat.format(date);
  return `<time datetime="${date.toISOString()}" data-local="${kind}">${escapeHtml(text)}</time>`;
}

/** The API's image path as the storefront serves it (routes/images.ts): same origin, same id and width. */
export function imageUrl(apiPath: string | undefined): string {
  return (apiPath ?? "").replace(/^\/v1\/product-images\//, "/images/");
}

// every category of the contract must have a label: a new one in the spec fails the typecheck here
const CATEGORY_LABELS: Record<ProductCategory, string> = {
  apparel: "Apparel",
  books: "Books",
  electronics: "Electronics",
  home: "Home",
  kitchen: "Kitchen",
  office: "Office",
  outdoors: "Outdoors",
  toys: "Toys",
  other: "Other",
};

export const CATEGORIES: readonly ProductCategory[] = Object.values(ProductCategory);

export function categoryLabel(value: string | undefined): string {
  return CATEGORY_LABELS[value as ProductCategory] ?? humanize(value ?? "");
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
  env.addFilter("date", (value: unknown) => new nunjucks.runtime.SafeString(timeElement(value, "date")));
  env.addFilter("datetime", (value: unknown) => new nunjucks.runtime.SafeString(timeElement(value, "datetime")));
  env.addFilter("isodate", (value: unknown) => toDate(value)?.toISOString() ?? "");
  env.addFilter("humanize", humanize);
  env.addFilter("percent", percent);
  env.addFilter("shortid", shortId);
  env.addFilter("imageUrl", imageUrl);
  env.addFilter("srcset", (image: { srcset?: { width: number; url: string }[] } | undefined) => (image?.srcset ?? []).map((r) => `${imageUrl(r.url)} ${r.width}w`).join(", "));
  env.addFilter("categoryLabel", categoryLabel);
  env.express(app);
  app.set("view engine", "njk");
  return env;
}
