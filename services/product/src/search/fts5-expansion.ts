import type { SqlRunner } from "./fts5-search.js";

/*
 * Prefix matching without FTS5's prefix merge.
 *
 * A prefix query such as `"book"*` that no prefix index covers makes FTS5 read the complete
 * doclist of every term starting with "book" and merge them in memory before the first row
 * comes out: at 1M products that is ~190,000 postings and 12-15 ms, paid again by every
 * statement of a search (count, name tier, description tier). An OR of the exact terms
 * instead is merged lazily in rowid order, so a page stops after a few dozen postings.
 *
 * So each search word becomes an FTS5 expression that FTS5 can walk lazily:
 * - 2 or 3 characters: `"bo"*`, answered by the prefix='2 3' indexes directly;
 * - 4 or more characters: the exact terms the vocabulary holds for that prefix,
 *   `("book" OR "bookcase" OR ...)`, or nothing at all when there are none;
 * - 1 character: the exact term, every 2-character prefix index entry that extends it
 *   (`"a0"*` ... `"az"*`) and any vocabulary term that continues it with a non-ASCII letter;
 * - anything that is not plain ASCII letters and digits keeps FTS5's own prefix query,
 *   because only for ASCII is the tokenizer's folding known to be the identity;
 * - a prefix with more than MAX_EXPANSION terms keeps FTS5's own prefix query too (such
 *   prefixes are mostly runs of sku numbers, each in one product, so the merge is small).
 *
 * Listing a prefix's terms (fts5vocab) reads their doclists, which for "book" costs as much
 * as one prefix merge (10-15 ms at 1M products), so expansions are cached. A product write
 * can add terms, so the cache follows the catalog change sequence that every write stamps on
 * its row (products.change_seq): before an expansion is used, rows changed since the cache
 * was last checked are read and their words added to the cached expansions (see apply()).
 */

const MAX_EXPANSION = 64;
const MAX_CACHED = 2_000;
/** More changed rows than this since the last check: drop the whole cache instead of reading them. */
const MAX_CHANGED_ROWS = 1_000;
const ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz";

/** One word as an FTS5 phrase: always quoted (quotes doubled), so it is a plain term, never syntax. */
export function quote(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** The text of a changed row as the tokenizer would fold it, or null if that is not certain. */
function foldForInvalidation(text: string): string | null {
  const folded = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  // a letter or digit left outside ASCII might fold to any ASCII letter in unicode61's tables
  return /[^\x00-\x7f]/.test(folded) && /[\p{L}\p{N}]/u.test(folded.replace(/[\x00-\x7f]/g, "")) ? null : folded;
}

/** The smallest string above every string that starts with `prefix` (ASCII prefixes only). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export class PrefixExpander {
  /** prefix -> its exact terms, or null when it has too many (use FTS5's prefix query) */
  private readonly cache = new Map<string, string[] | null>();
  private checkedSeq: number | undefined;
  private checking: Promise<void> | undefined;

  constructor(private readonly run: SqlRunner) {}

  /**
   * The FTS5 expression for every word, in order, or null when some word matches no term
   * at all (so nothing can match and no query needs to run).
   */
  async expand(words: string[]): Promise<string[] | null> {
    const out: string[] = [];
    let validated = false;
    for (const word of words) {
      if (!/^[0-9a-z]+$/.test(word)) {
        out.push(`${quote(word)}*`);
        continue;
      }
      if (word.length === 2 || word.length === 3) {
        out.push(`${quote(word)}*`);
        continue;
      }
      if (!validated) {
        await this.validate();
        validated = true;
      }
      if (word.length === 1) {
        const rest = await this.terms(`${word}\u0080`, prefixEnd(word), word);
        if (rest === null) out.push(`${quote(word)}*`);
        else out.push(`(${[quote(word), ...[...ALNUM].map((c) => `${quote(word + c)}*`), ...rest.map(quote)].join(" OR ")})`);
        continue;
      }
      const terms = await this.terms(word, prefixEnd(word), word);
      if (terms === null) out.push(`${quote(word)}*`);
      else if (terms.length === 0) return null;
      else out.push(terms.length === 1 ? quote(terms[0]) : `(${terms.map(quote).join(" OR ")})`);
    }
    return out;
  }

  /** Vocabulary terms in [from, to), cached under `key`; null when there are more than MAX_EXPANSION. */
  private async terms(from: string, to: string, key: string): Promise<string[] | null> {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const seq = this.checkedSeq;
    const rows = await this.run<{ term: string }>(`SELECT term FROM products_fts_vocab WHERE term >= ? AND term < ? LIMIT ${MAX_EXPANSION + 1}`, [from, to]);
    const terms = rows.length > MAX_EXPANSION ? null : rows.map((r) => r.term);
    // a check that ran meanwhile may already have dropped what this read missed: keep it only if none did
    if (seq === this.checkedSeq) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, terms);
    }
    return terms;
  }

  /** Brings the cache up to date with the writes since the last check; one check at a time. */
  private validate(): Promise<void> {
    this.checking ??= this.check().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async check(): Promise<void> {
    const [head] = await this.run<{ seq: number | string | null }>("SELECT MAX(change_seq) AS seq FROM products", []);
    const seq = Number(head?.seq ?? 0);
    if (this.checkedSeq === seq) return;
    if (this.checkedSeq === undefined || seq < this.checkedSeq || this.cache.size === 0) {
      this.cache.clear();
      this.checkedSeq = seq;
      return;
    }
    const rows = await this.run<{ name: string; description: string; sku: string }>(
      `SELECT name, description, sku FROM products WHERE change_seq > ? AND change_seq <= ? LIMIT ${MAX_CHANGED_ROWS + 1}`,
      [this.checkedSeq, seq],
    );
    if (rows.length > MAX_CHANGED_ROWS) this.cache.clear();
    else for (const r of rows) this.apply(`${r.name} ${r.description} ${r.sku}`);
    this.checkedSeq = seq;
  }

  /**
   * Brings the cache in line with one changed product's text. Plain ASCII text is tokenized
   * exactly as unicode61 does it (runs of letters and digits, lower-cased), so its words are
   * added to the expansions of the prefixes they extend and the cache stays warm. For other
   * text the tokenizer's folding is not known here: every cached prefix that occurs in it is
   * dropped (all of them when a letter might fold into ASCII in ways NFKD does not tell).
   */
  private apply(text: string): void {
    if (/^[\x00-\x7f]*$/.test(text)) {
      for (const word of text.toLowerCase().match(/[0-9a-z]+/g) ?? []) {
        for (let n = 4; n <= word.length; n++) {
          const terms = this.cache.get(word.slice(0, n));
          if (!terms || terms.includes(word)) continue;
          if (terms.length >= MAX_EXPANSION) this.cache.set(word.slice(0, n), null);
          else terms.push(word);
        }
      }
      return;
    }
    const folded = foldForInvalidation(text);
    for (const prefix of [...this.cache.keys()]) {
      if (folded === null || folded.includes(prefix)) this.cache.delete(prefix);
    }
  }
}
