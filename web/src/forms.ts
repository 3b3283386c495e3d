/** Reading what a form or query string sent: always strings, never trusted. */
import { PageError } from "./errors.js";

/** A trimmed text field, or "" when missing or not a single string. */
export function text(source: unknown, name: string, maxLength = 500): string {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== "string") return "";
  return value.trim().slice(0, maxLength);
}

/** A field as typed (passwords keep their spaces). */
export function raw(source: unknown, name: string, maxLength = 500): string {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value.slice(0, maxLength) : "";
}

/** An integer within bounds, or null. */
export function integer(value: unknown, min: number, max: number): number | null {
  if (typeof value !== "string" || !/^-?\d{1,12}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return n >= min && n <= max ? n : null;
}

/** A resource id from the path; anything else is a page that does not exist. */
export function pathId(value: unknown): number {
  const id = integer(value, 1, Number.MAX_SAFE_INTEGER);
  if (id === null) throw new PageError(404, "Page not found");
  return id;
}

/** An opaque resource id from the path (orders, quotes, receipts); anything else does not exist. */
export function pathKey(value: unknown): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]{1,100}$/.test(value)) throw new PageError(404, "Page not found");
  return value;
}

/** Several values under one query name (`?prev=a&prev=b`), as Express gives them. */
export function list(source: unknown, name: string, maxItems = 50): string[] {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.filter((v): v is string => typeof v === "string" && v.length > 0 && v.length <= 300).slice(-maxItems);
}

/** A query string from the non-empty values, for links built in routes. */
export function query(params: Record<string, string | number | undefined | null | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => search.append(key, v));
    else if (value !== undefined && value !== null && value !== "") search.append(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : "";
}
