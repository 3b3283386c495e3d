/**
 * A random (v4) UUID for idempotency keys, from the Web Crypto API that Node 20 and every
 * browser expose as `globalThis.crypto`. `randomUUID` exists only in secure contexts of a
 * browser (https, localhost), so plain-http pages fall back to `getRandomValues`.
 */
export function randomUuid(): string {
  const webCrypto = (globalThis as { crypto?: Crypto }).crypto;
  if (typeof webCrypto?.randomUUID === "function") return webCrypto.randomUUID();
  if (typeof webCrypto?.getRandomValues !== "function") {
    throw new Error("No Web Crypto API here (globalThis.crypto); pass an idempotencyKey yourself.");
  }
  const bytes = webCrypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
