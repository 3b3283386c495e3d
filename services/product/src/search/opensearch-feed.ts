import type { Client } from "@opensearch-project/opensearch";
import type { Sequelize } from "sequelize";
import { FEED_START, positionAfter, readChanges, type ChangedProduct, type FeedPosition } from "./catalog-changes.js";
import { isStatus, toDocument, type IndexNames } from "./opensearch-schema.js";

const BATCH = 2000;

/** Where the feed stands for one concrete index, and which database that position belongs to. */
export type StoredPosition = FeedPosition & { epoch: string };

/**
 * Applies the catalog change feed (catalog-changes.ts) to this mapping version's index.
 *
 * Every product is written with `version_type=external` and its change sequence as the
 * version, so OpenSearch keeps a document only if it is newer than the one it has: two
 * replicas pulling the same changes, a retry of a bulk that half-succeeded, or an old change
 * arriving after a new one are all harmless (the stale write is refused with 409, which is
 * success here). No claim or leader is needed.
 *
 * The position is stored in OpenSearch next to the index it describes (the `feed` index,
 * one document per concrete index), versioned by sequence too so that it only moves forward.
 * It is written after the batch it covers, so after a crash of either side the feed resumes
 * at or before the last applied change, never after it.
 */
export class OpenSearchFeed {
  position: FeedPosition = FEED_START;

  constructor(
    private readonly client: Client,
    private readonly source: Sequelize,
    private readonly names: IndexNames,
    private readonly epoch: string,
  ) {}

  /** The stored position, or null when there is none (a new index). */
  async stored(): Promise<StoredPosition | null> {
    try {
      const res = await this.client.get({ index: this.names.feed, id: this.names.concrete });
      return (res.body as { _source?: StoredPosition })._source ?? null;
    } catch (error) {
      if (isStatus(error, 404)) return null;
      throw error;
    }
  }

  /** Applies every change committed so far; returns how many products it wrote. */
  async pull(): Promise<number> {
    let applied = 0;
    let rows = await readChanges(this.source, this.position, BATCH);
    while (rows.length > 0) {
      const after = positionAfter(rows);
      // read the next batch from the database while this one is indexed
      const [, next] = await Promise.all([this.apply(rows), rows.length === BATCH ? readChanges(this.source, after, BATCH) : Promise.resolve([])]);
      this.position = after;
      applied += rows.length;
      if (next.length === 0 || applied % (BATCH * 10) === 0) await this.savePosition();
      rows = next;
    }
    return applied;
  }

  private async apply(rows: ChangedProduct[]): Promise<void> {
    const body = rows.flatMap((row) => [
      { index: { _index: this.names.concrete, _id: String(row.id), version: Number(row.change_seq), version_type: "external" } },
      toDocument(row),
    ]);
    const res = await this.client.bulk({ body: body as never });
    const result = res.body as { errors: boolean; items: Record<string, { status: number; error?: { type: string; reason?: string } }>[] };
    if (!result.errors) return;
    const failed = result.items.map((item) => Object.values(item)[0]).filter((r) => r.status !== 409 && r.status >= 300);
    if (failed.length > 0) throw new Error(`OpenSearch refused ${failed.length} of ${rows.length} products: ${failed[0].error?.type} ${failed[0].error?.reason ?? ""}`);
  }

  private async savePosition(): Promise<void> {
    const body: StoredPosition = { ...this.position, epoch: this.epoch };
    try {
      await this.client.index({ index: this.names.feed, id: this.names.concrete, body, version: this.position.seq, version_type: "external_gte" } as never);
    } catch (error) {
      // another replica stored a later position: keep it
      if (!isStatus(error, 409)) throw error;
    }
  }
}
