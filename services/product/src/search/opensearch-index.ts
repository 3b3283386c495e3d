import { Client } from "@opensearch-project/opensearch";
import type { Sequelize } from "sequelize";
import { backoffDelay, serviceUnavailable, sleep, type Logger } from "@disqo-commerce/kit";
import { feedHead } from "./catalog-changes.js";
import { OpenSearchFeed } from "./opensearch-feed.js";
import { FILTER_PATH, searchHits, searchPlan, type SearchResponse } from "./opensearch-query.js";
import { ensureIndices, indexNames, isStatus, switchAlias, type IndexNames } from "./opensearch-schema.js";
import type { SearchHits, SearchIndex, SearchQuery } from "./search-index.js";

export interface OpenSearchOptions {
  url: string;
  /** Prepended to every index name (tests give each file its own). */
  indexPrefix: string;
  /** How often the feed looks for changes made by other replicas. */
  refreshMs: number;
  logger: Logger;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * OpenSearch backend (SEARCH_BACKEND=opensearch): the catalog's searchable columns are indexed
 * in OpenSearch through the change feed (opensearch-feed.ts); a search asks OpenSearch for one
 * page of ids, and the catalog reads those products from the database as with every backend.
 *
 * Start: the index of this mapping version is created if missing and filled from the feed
 * (from the beginning for a new index, from the stored position otherwise); then the alias is
 * moved to it and `ready` settles. If OpenSearch is unreachable, start retries with backoff.
 *
 * Freshness: the replica that commits a change applies it and refreshes the index before the
 * write returns (sync()), so a write made through the API is searchable once it has answered.
 * Every replica also polls the feed every `refreshMs` (backing off while OpenSearch is down,
 * catching up from its position when it is back); what a poll applies becomes searchable at
 * OpenSearch's next refresh (refresh_interval 1 s). So a change whose writer could not reach
 * OpenSearch, or a bulk load, shows up within refreshMs + 1 s of OpenSearch being reachable.
 */
export class OpenSearchIndex implements SearchIndex {
  readonly client: Client;
  readonly names: IndexNames;
  readonly ready: Promise<void>;
  private feed: OpenSearchFeed | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly source: Sequelize,
    private readonly options: OpenSearchOptions,
  ) {
    this.client = new Client({ node: options.url, requestTimeout: 10_000, maxRetries: 1 });
    this.names = indexNames(options.indexPrefix);
    this.ready = this.startWithRetry();
    this.ready.catch((err) => options.logger.error({ err }, "search index could not be built"));
  }

  private async startWithRetry(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error("search index closed");
      try {
        await this.start();
        this.schedule(this.options.refreshMs);
        return;
      } catch (err) {
        if (this.closed) throw err;
        const wait = backoffDelay(attempt, { baseMs: 500, maxMs: MAX_BACKOFF_MS });
        this.options.logger.warn({ err, retryInMs: wait }, "OpenSearch index not ready; retrying");
        await sleep(wait);
      }
    }
  }

  private async start(): Promise<void> {
    const { epoch } = await feedHead(this.source);
    await ensureIndices(this.client, this.names);
    const feed = new OpenSearchFeed(this.client, this.source, this.names, epoch);
    const stored = await feed.stored();
    if (stored && stored.epoch !== epoch) {
      // the index was built from another database: start it over
      this.options.logger.warn({ index: this.names.concrete }, "search index belongs to another database; rebuilding it");
      await this.client.indices.delete({ index: this.names.concrete });
      await this.client.delete({ index: this.names.feed, id: this.names.concrete }).catch((e) => (isStatus(e, 404) ? undefined : Promise.reject(e)));
      await ensureIndices(this.client, this.names);
    } else if (stored) {
      feed.position = { seq: stored.seq, id: stored.id };
    }
    const started = Date.now();
    const applied = await feed.pull();
    // searchable before this replica reports ready, not at the next periodic refresh
    await this.client.indices.refresh({ index: this.names.concrete });
    const alias = await switchAlias(this.client, this.names);
    this.options.logger.info({ index: this.names.concrete, applied, ms: Date.now() - started, alias }, "search index caught up");
    this.feed = feed;
  }

  /** The next poll of the feed: every refreshMs, or later after failures (exponential backoff). */
  private schedule(delay: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.poll(), delay);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      const applied = await this.pull();
      // what a poll applied is made searchable now rather than at the next periodic refresh
      if (applied > 0) await this.client.indices.refresh({ index: this.names.concrete });
      this.failures = 0;
      this.schedule(this.options.refreshMs);
    } catch (err) {
      this.failures += 1;
      const wait = backoffDelay(this.failures, { baseMs: this.options.refreshMs, maxMs: MAX_BACKOFF_MS });
      this.options.logger.warn({ err, retryInMs: wait }, "search feed could not be applied; retrying");
      this.schedule(wait);
    }
  }

  /** Applies every change committed before the call. Calls queue, so one feed pull runs at a time in this process. */
  private pull(): Promise<number> {
    const run = this.chain.then(async () => {
      // before the index is built there is nothing to bring up to date (start() catches up itself)
      if (!this.feed) throw new Error("search index not built yet");
      return this.feed.pull();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Read-your-writes, called after each catalog write: applies every change committed so far
   * and refreshes the index, so the change is searchable when the write's response is sent,
   * on every replica (they share the index). The refresh is unconditional because this
   * replica's own poll, or another replica, may have applied the change without one.
   */
  async sync(): Promise<void> {
    await this.pull();
    await this.client.indices.refresh({ index: this.names.concrete });
  }

  /** Tests: the same as sync(), named for what a test wants from it. */
  flush(): Promise<void> {
    return this.sync();
  }

  /** Readiness: the index is built and OpenSearch answers. */
  async check(): Promise<void> {
    if (!this.feed) throw new Error("search index not built yet");
    await this.client.cluster.health({ index: this.names.concrete, timeout: "1s" }, { requestTimeout: 2_000 });
  }

  async search(query: SearchQuery): Promise<SearchHits> {
    // not ready yet (building, or OpenSearch down since start): answer at once rather than hang
    if (!this.feed) throw serviceUnavailable("Search is starting; try again shortly.");
    const plan = searchPlan(query);
    try {
      const header = { index: this.names.concrete };
      const body = [header, plan.count, ...plan.pages.flatMap((p) => [header, p.body])];
      const res = await this.client.msearch({ body: body as never, filter_path: FILTER_PATH });
      return searchHits(query, plan, (res.body as { responses: SearchResponse[] }).responses);
    } catch (err) {
      this.options.logger.error({ err }, "OpenSearch search failed");
      throw serviceUnavailable("Search is unavailable right now; try again shortly.");
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.chain;
    await this.client.close();
  }
}
