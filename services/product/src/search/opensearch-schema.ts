import type { Client } from "@opensearch-project/opensearch";
import type { ChangedProduct } from "./catalog-changes.js";

/*
 * The OpenSearch index of the catalog: its mapping, its versioned name and the alias.
 *
 * Words are cut and folded here, in the service, not by an OpenSearch analyzer: the query side
 * (searchTerms) already defines what a word is, and doing both sides with the same code makes
 * the two agree by construction (the runnable integ-test distribution also ships without the
 * analysis-common module, so there is no pattern tokenizer or ascii folding to configure).
 * The index then only splits on the spaces this module puts between words (`whitespace`).
 *
 * Prefix matching: `index_prefixes` makes OpenSearch index every 1-5 character prefix of each
 * word in a hidden field, so a short prefix query, which would otherwise walk the thousands of
 * words starting with it, is one term lookup. A longer prefix is a walk over the few words that
 * start with it (still exact). Version 1 indexed prefixes up to 19 characters, which made
 * indexing slower (see docs/PERFORMANCE-SEARCH.md) for no gain on long prefixes.
 *
 * `all` holds name, description and sku (every word must match there); `title` holds name and
 * sku (a match of every word there is the first relevance tier, as in the FTS5 backend).
 */

/** Bump when the mapping or the document shape changes: a new index is built and the alias moves to it. */
export const MAPPING_VERSION = 3;

const WORDS = {
  type: "text",
  analyzer: "whitespace",
  index_options: "docs",
  norms: false,
  index_prefixes: { min_chars: 1, max_chars: 5 },
} as const;

export const MAPPING = {
  dynamic: "strict",
  _source: { enabled: false },
  properties: {
    id: { type: "long" },
    price: { type: "long" },
    active: { type: "boolean" },
    // version 3: the category filter and facet
    category: { type: "keyword" },
    all: WORDS,
    title: WORDS,
  },
} as const;

export const INDEX_SETTINGS = {
  number_of_shards: 1,
  // newest first is the order of every relevance tier and of `newest`: with the segments sorted
  // that way a page stops after limit + 1 matches (early termination) instead of visiting all
  "sort.field": "id",
  "sort.order": "desc",
  // one copy per extra node: green on a single development node, redundant in a cluster
  auto_expand_replicas: "0-1",
  refresh_interval: "1s",
};

/** Lower-cases, applies compatibility forms (NFKC) and removes diacritics, like FTS5's unicode61 remove_diacritics. */
export function foldText(text: string): string {
  return text.normalize("NFKC").toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").normalize("NFC");
}

/** The words of a text as the index stores them, space-separated. */
export function indexWords(...texts: string[]): string {
  return texts.flatMap((t) => foldText(t).match(/[\p{L}\p{N}]+/gu) ?? []).join(" ");
}

export type ProductDocument = { id: number; price: number; active: boolean; category: string; all: string; title: string };

export function toDocument(row: ChangedProduct): ProductDocument {
  return {
    id: Number(row.id),
    price: Number(row.price_amount),
    active: Boolean(Number(row.is_active)),
    category: row.category,
    all: indexWords(row.name, row.description, row.sku),
    title: indexWords(row.name, row.sku),
  };
}

export interface IndexNames {
  /** The index of this mapping version, e.g. products_v1: this service writes and searches it. */
  concrete: string;
  /** Always names the newest complete version, for tools and operators; moved atomically. */
  alias: string;
  /** Where the feed keeps its position per concrete index. */
  feed: string;
}

export function indexNames(prefix: string): IndexNames {
  return { concrete: `${prefix}products_v${MAPPING_VERSION}`, alias: `${prefix}products`, feed: `${prefix}products_feed` };
}

const isStatus = (error: unknown, status: number) => (error as { meta?: { statusCode?: number } })?.meta?.statusCode === status;
const isAlreadyThere = (error: unknown) => isStatus(error, 400) && /resource_already_exists/.test(JSON.stringify((error as { meta?: { body?: unknown } }).meta?.body ?? ""));

/** Creates an index unless it exists (two replicas may race: one wins, the other sees it). */
export async function createIndexIfMissing(client: Client, index: string, body: Record<string, unknown>): Promise<boolean> {
  const exists = await client.indices.exists({ index });
  if (exists.body) return false;
  try {
    await client.indices.create({ index, body: body as never });
    return true;
  } catch (error) {
    if (isAlreadyThere(error)) return false;
    throw error;
  }
}

export async function ensureIndices(client: Client, names: IndexNames): Promise<void> {
  await createIndexIfMissing(client, names.feed, {
    settings: { number_of_shards: 1, auto_expand_replicas: "0-1" },
    mappings: { dynamic: false, properties: {} },
  });
  await createIndexIfMissing(client, names.concrete, { settings: INDEX_SETTINGS, mappings: MAPPING });
}

const versionOf = (index: string) => Number(/_v(\d+)$/.exec(index)?.[1] ?? 0);

/**
 * Points the alias at this version's index once it has caught up, in one atomic _aliases call
 * that also removes it from older versions. A newer version's index keeps the alias (during a
 * rolling deploy old replicas must not take it back).
 */
export async function switchAlias(client: Client, names: IndexNames): Promise<"switched" | "current" | "newer"> {
  let holders: string[] = [];
  try {
    const res = await client.indices.getAlias({ name: names.alias });
    holders = Object.keys(res.body as Record<string, unknown>);
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
  }
  if (holders.length === 1 && holders[0] === names.concrete) return "current";
  if (holders.some((h) => versionOf(h) > MAPPING_VERSION)) return "newer";
  const actions: Record<string, unknown>[] = holders.map((index) => ({ remove: { index, alias: names.alias } }));
  actions.push({ add: { index: names.concrete, alias: names.alias } });
  await client.indices.updateAliases({ body: { actions } as never });
  return "switched";
}

export { isStatus };
