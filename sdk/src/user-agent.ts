/**
 * The User-Agent the SDK sends from a server runtime: `disqo-commerce-sdk/<version>
 * node/<version>`, so the API's logs can tell SDK versions apart. Browsers send their own, and
 * a page may not set it (a forbidden header in older engines, ignored or refused by others),
 * so there the SDK sends none.
 */
import { VERSION } from "./version.js";

export function defaultUserAgent(): string | undefined {
  const runtime = globalThis as { process?: { versions?: { node?: unknown } }; document?: unknown };
  const node = runtime.process?.versions?.node;
  // Electron renderers and test DOMs have both: they are browsers for this purpose.
  if (typeof node !== "string" || runtime.document !== undefined) return undefined;
  return `disqo-commerce-sdk/${VERSION} node/${node}`;
}
