import { unprocessable } from "./errors.js";

/** Opaque keyset cursors: base64url JSON, so clients cannot depend on their shape. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string | undefined, keys: (keyof T)[]): T | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (value && typeof value === "object" && keys.every((k) => ["string", "number"].includes(typeof value[k]))) return value as T;
  } catch {
    // fall through to the problem below
  }
  throw unprocessable("validation_failed", "The cursor is not one this API issued.", {
    errors: [{ path: "/query/cursor", message: "invalid cursor" }],
  });
}
