import { expect } from "chai";
import type { Sequelize } from "sequelize";
import { pino } from "pino";
import { QueryTypes } from "sequelize";
import { AppError, IdempotencyStore, buildApp, listen, requestHash } from "../src/index.js";
import { testBackends, testTokens, type FreshDatabase } from "../src/testing.js";
import { kitDatabase, miniSpec, stubHandlers } from "./support.js";

let keyCounter = 0;
const newKey = () => `key-${Date.now()}-${keyCounter++}`;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a rejection");
}

describe("kit: requestHash", () => {
  it("when the method, path or body differ, then the hash differs; the same request hashes the same", () => {
    const base = requestHash("POST", "/v1/orders", { a: 1 });
    expect(requestHash("POST", "/v1/orders", { a: 1 })).to.equal(base);
    expect(requestHash("PUT", "/v1/orders", { a: 1 })).to.not.equal(base);
    expect(requestHash("POST", "/v1/carts", { a: 1 })).to.not.equal(base);
    expect(requestHash("POST", "/v1/orders", { a: 2 })).to.not.equal(base);
  });

  it("when the same body comes with its keys in another order, at any depth, then the hash is the same", () => {
    const a = requestHash("POST", "/v1/cart/items", { product_id: 42, quantity: 2, address: { city: "LA", zip_code: "90001" } });
    const b = requestHash("POST", "/v1/cart/items", { address: { zip_code: "90001", city: "LA" }, quantity: 2, product_id: 42 });
    expect(b).to.equal(a);
    // array order is meaning, not form
    expect(requestHash("POST", "/x", { items: [1, 2] })).to.not.equal(requestHash("POST", "/x", { items: [2, 1] }));
  });
});

for (const backend of testBackends()) {
  describe(`kit: IdempotencyStore (${backend})`, () => {
    let sequelize: Sequelize;
    let db: FreshDatabase;
    let store: IdempotencyStore;
    before(async () => {
      ({ sequelize, db } = await kitDatabase(backend));
      store = new IdempotencyStore(sequelize);
    });
    after(async () => {
      await sequelize.close();
      await db.drop();
    });

    const hash = requestHash("POST", "/things", { name: "a" });

    it("when a key is new, then begin answers new", async () => {
      expect((await store.begin("user:1", newKey(), hash)).kind).to.equal("new");
    });

    it("when a completed key comes again with the same request, then the stored response is replayed", async () => {
      const key = newKey();
      await store.begin("user:1", key, hash);
      await store.complete("user:1", key, 201, { id: 9, name: "a" });
      expect(await store.begin("user:1", key, hash)).to.deep.equal({ kind: "replay", status: 201, body: { id: 9, name: "a" } });
    });

    it("when a completed key had no body (204), then the replay has none either", async () => {
      const key = newKey();
      await store.begin("user:1", key, hash);
      await store.complete("user:1", key, 204, undefined);
      expect(await store.begin("user:1", key, hash)).to.deep.equal({ kind: "replay", status: 204, body: undefined });
    });

    it("when the key comes again with a different request, then it is 422 idempotency_key_reused", async () => {
      const key = newKey();
      await store.begin("user:1", key, hash);
      await store.complete("user:1", key, 201, { id: 1 });
      const error = await rejection(store.begin("user:1", key, requestHash("POST", "/things", { name: "b" })));
      expect(error.status).to.equal(422);
      expect(error.code).to.equal("idempotency_key_reused");
    });

    it("when the key is still in flight, then it is 409 idempotency_key_in_flight", async () => {
      const key = newKey();
      await store.begin("user:1", key, hash);
      const error = await rejection(store.begin("user:1", key, hash));
      expect(error.status).to.equal(409);
      expect(error.code).to.equal("idempotency_key_in_flight");
    });

    it("when two requests begin the same new key at once, then exactly one runs", async () => {
      const key = newKey();
      const results = await Promise.allSettled([store.begin("user:1", key, hash), store.begin("user:1", key, hash)]);
      expect(results.filter((r) => r.status === "fulfilled")).to.have.length(1);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect((rejected.reason as AppError).code).to.equal("idempotency_key_in_flight");
    });

    it("when another scope (another user) uses the same key, then it is new for them", async () => {
      const key = newKey();
      await store.begin("user:1", key, hash);
      expect((await store.begin("user:2", key, hash)).kind).to.equal("new");
    });

    it("when a failed request forgot its key, then a retry runs anew", async () => {
      const key = newKey();
      await store.begin("user:1", key, hash);
      await store.forget("user:1", key);
      expect((await store.begin("user:1", key, hash)).kind).to.equal("new");
    });

    it("when an in-flight key was abandoned by a dead process, then a retry takes it over", async () => {
      const key = newKey();
      await store.begin("user:1", key, hash);
      const longAgo = new Date(Date.now() - 5 * 60_000);
      await sequelize.query("UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [longAgo, "user:1", key] });
      expect((await store.begin("user:1", key, hash)).kind).to.equal("new");
    });

    it("when the abandon time is configured shorter, then a key that old is taken over and a younger one is still 409", async () => {
      const quick = new IdempotencyStore(sequelize, { abandonedMs: 10_000 });
      const [old, young] = [newKey(), newKey()];
      await quick.begin("user:1", old, hash);
      await quick.begin("user:1", young, hash);
      await sequelize.query("UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [new Date(Date.now() - 11_000), "user:1", old] });
      await sequelize.query("UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [new Date(Date.now() - 5_000), "user:1", young] });
      expect((await quick.begin("user:1", old, hash)).kind).to.equal("new");
      const still = await quick.begin("user:1", young, hash).catch((e: AppError) => e);
      expect((still as AppError).code).to.equal("idempotency_key_in_flight");
      // the default (2 minutes) would not have taken the old one over
      const other = newKey();
      await store.begin("user:1", other, hash);
      await sequelize.query("UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [new Date(Date.now() - 11_000), "user:1", other] });
      expect(((await store.begin("user:1", other, hash).catch((e: AppError) => e)) as AppError).code).to.equal("idempotency_key_in_flight");
    });

    it("when two retries take over the same abandoned key at once, then exactly one wins", async () => {
      const key = newKey();
      await store.begin("user:1", key, hash);
      const longAgo = new Date(Date.now() - 5 * 60_000);
      await sequelize.query("UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [longAgo, "user:1", key] });
      const results = await Promise.allSettled([store.begin("user:1", key, hash), store.begin("user:1", key, hash)]);
      expect(results.filter((r) => r.status === "fulfilled")).to.have.length(1);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect((rejected.reason as AppError).code).to.equal("idempotency_key_in_flight");
    });

    it("when the answer is stored in the effect's transaction and it commits, then a retry gets it replayed", async () => {
      const key = newKey();
      const begun = await store.begin("user:1", key, hash);
      if (begun.kind !== "new") throw new Error("expected a new key");
      await sequelize.transaction((t) => store.completeWith(t, "user:1", key, begun.lease, 201, { id: 9 }));
      expect(await store.begin("user:1", key, hash)).to.deep.equal({ kind: "replay", status: 201, body: { id: 9 } });
    });

    it("when the effect's transaction rolls back after storing the answer, then the key is still in flight, not answered", async () => {
      const key = newKey();
      const begun = await store.begin("user:1", key, hash);
      if (begun.kind !== "new") throw new Error("expected a new key");
      const failed = await sequelize
        .transaction(async (t) => {
          await store.completeWith(t, "user:1", key, begun.lease, 201, { id: 9 });
          throw new Error("the effect failed after the answer");
        })
        .catch((e: Error) => e);
      expect((failed as Error).message).to.equal("the effect failed after the answer");
      expect((await rejection(store.begin("user:1", key, hash))).code).to.equal("idempotency_key_in_flight");
    });

    it("when a retry took the key over, then the first run can neither store its answer with its effect nor overwrite or free the key", async () => {
      const key = newKey();
      const first = await store.begin("user:1", key, hash);
      if (first.kind !== "new") throw new Error("expected a new key");
      await sequelize.query("UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [new Date(Date.now() - 5 * 60_000), "user:1", key] });
      const retry = await store.begin("user:1", key, hash);
      if (retry.kind !== "new") throw new Error("expected the retry to take over");
      expect(retry.lease).to.not.equal(first.lease);
      // the first run's effect rolls back with the refused answer
      const refused = await rejection(sequelize.transaction((t) => store.completeWith(t, "user:1", key, first.lease, 201, { id: 1 })));
      expect(refused.code).to.equal("idempotency_key_in_flight");
      await store.complete("user:1", key, 201, { id: 1 }, first.lease);
      await store.forget("user:1", key, first.lease);
      await store.complete("user:1", key, 201, { id: 2 }, retry.lease);
      expect(await store.begin("user:1", key, hash)).to.deep.equal({ kind: "replay", status: 201, body: { id: 2 } });
    });

    /** A key begun by a run and handed to `holder`; its lease. */
    async function heldKey(key: string, holder: string): Promise<string> {
      const begun = await store.begin("user:1", key, hash);
      if (begun.kind !== "new") throw new Error("expected a new key");
      await store.hold("user:1", key, begun.lease, holder);
      return begun.lease;
    }
    const abandon = (key: string) => sequelize.query("UPDATE idempotency_keys SET updated_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [new Date(Date.now() - 5 * 60_000), "user:1", key] });

    it("when a held key's request fails (a 5xx) and its process is long gone, then the key is neither freed nor taken over: a retry is 409 until the holder settles it", async () => {
      const key = newKey();
      const lease = await heldKey(key, `saga:${key}`);
      await store.forget("user:1", key, lease);
      await abandon(key);
      expect((await rejection(store.begin("user:1", key, hash))).code).to.equal("idempotency_key_in_flight");

      expect(await store.settleHeld(`saga:${key}`, 201, { order: 1 })).to.equal(1);
      expect(await store.begin("user:1", key, hash)).to.deep.equal({ kind: "replay", status: 201, body: { order: 1 } });
      // settled once: the holder's name no longer finds it
      expect(await store.settleHeld(`saga:${key}`, 201, { order: 2 })).to.equal(0);
    });

    it("when the holder ends with nothing to keep, then forgetHeld frees the key and a retry runs anew", async () => {
      const key = newKey();
      await heldKey(key, `saga:${key}`);
      expect(await store.forgetHeld(`saga:${key}`)).to.equal(1);
      expect((await store.begin("user:1", key, hash)).kind).to.equal("new");
    });

    it("when the run takes its key back from the holder, then its own answer or failure decides again, and the holder's name finds nothing", async () => {
      const [answered, failed] = [newKey(), newKey()];
      const lease = await heldKey(answered, `saga:${answered}`);
      await store.release("user:1", answered, lease);
      await store.complete("user:1", answered, 409, { code: "quote_not_open" }, lease);
      expect(await store.begin("user:1", answered, hash)).to.deep.equal({ kind: "replay", status: 409, body: { code: "quote_not_open" } });

      const failedLease = await heldKey(failed, `saga:${failed}`);
      await store.release("user:1", failed, failedLease);
      expect(await store.settleHeld(`saga:${failed}`, 201, {})).to.equal(0);
      await store.forget("user:1", failed, failedLease);
      expect((await store.begin("user:1", failed, hash)).kind).to.equal("new");
    });

    it("when the run answers a held key itself, then the answer is kept and the holder can no longer change it", async () => {
      const key = newKey();
      const lease = await heldKey(key, `saga:${key}`);
      await store.complete("user:1", key, 201, { order: 7 }, lease);
      expect(await store.forgetHeld(`saga:${key}`)).to.equal(0);
      expect(await store.begin("user:1", key, hash)).to.deep.equal({ kind: "replay", status: 201, body: { order: 7 } });
    });

    it("when a retry took the key over before the run could hand it to its holder, then hold is a 409 and the key stays the retry's", async () => {
      const key = newKey();
      const first = await store.begin("user:1", key, hash);
      if (first.kind !== "new") throw new Error("expected a new key");
      await abandon(key);
      const retry = await store.begin("user:1", key, hash);
      if (retry.kind !== "new") throw new Error("expected the retry to take over");
      expect((await rejection(store.hold("user:1", key, first.lease, `saga:${key}`))).code).to.equal("idempotency_key_in_flight");
      expect(await store.settleHeld(`saga:${key}`, 201, {})).to.equal(0);
    });

    it("when held keys are listed for a sweep, then only the prefix's in-flight keys untouched since the cut-off come back", async () => {
      const [stale, fresh, other, near] = [newKey(), newKey(), newKey(), newKey()];
      await heldKey(stale, `sweep-test:${stale}`);
      await heldKey(fresh, `sweep-test:${fresh}`);
      await heldKey(other, `elsewhere:${other}`);
      // a name that only shares the prefix's first letters, or sorts right after it, is not the prefix's
      await heldKey(near, `sweep-test;${near}`);
      await abandon(stale);
      await abandon(other);
      await abandon(near);
      const holders = await store.holders("sweep-test:", new Date(Date.now() - 60_000));
      expect(holders).to.deep.equal([`sweep-test:${stale}`]);
      // to the millisecond: a key held a moment before the cut-off is in, one held after it is not
      const [before, after] = [newKey(), newKey()];
      await heldKey(before, `ms-test:${before}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const cutOff = new Date();
      await new Promise((resolve) => setTimeout(resolve, 30));
      await heldKey(after, `ms-test:${after}`);
      expect(await store.holders("ms-test:", cutOff)).to.deep.equal([`ms-test:${before}`]);
    });

    it("when a key is older than the retention, then it is forgotten and may be used for another request", async () => {
      const key = newKey();
      await store.begin("user:1", key, hash);
      await store.complete("user:1", key, 201, { id: 1 });
      const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
      await sequelize.query("UPDATE idempotency_keys SET created_at = ?, updated_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [twoDaysAgo, twoDaysAgo, "user:1", key] });
      expect((await store.begin("user:1", key, requestHash("POST", "/things", { name: "other" }))).kind).to.equal("new");

      const old = newKey();
      await store.begin("user:1", old, hash);
      await sequelize.query("UPDATE idempotency_keys SET created_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [twoDaysAgo, "user:1", old] });
      await store.purgeExpired();
      const [rows] = await sequelize.query("SELECT idem_key FROM idempotency_keys WHERE idem_key = ?", { replacements: [old] });
      expect(rows).to.deep.equal([]);
    });

    it("when keys are purged, then only those past the retention go", async () => {
      const [stale, fresh] = [newKey(), newKey()];
      await store.begin("user:7", stale, hash);
      await store.begin("user:7", fresh, hash);
      await sequelize.query("UPDATE idempotency_keys SET created_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [new Date(Date.now() - 25 * 3600_000), "user:7", stale] });
      await store.purgeExpired();
      const rows = await sequelize.query<{ idem_key: string }>("SELECT idem_key FROM idempotency_keys WHERE scope = 'user:7'", { type: QueryTypes.SELECT });
      expect(rows.map((r) => r.idem_key)).to.deep.equal([fresh]);
    });

    it("when an app built by buildApp listens, then expired keys are purged on a schedule without a request, and close stops it", async () => {
      const stale = newKey();
      await store.begin("user:8", stale, hash);
      await sequelize.query("UPDATE idempotency_keys SET created_at = ? WHERE scope = ? AND idem_key = ?", { replacements: [new Date(Date.now() - 25 * 3600_000), "user:8", stale] });
      const tokens = testTokens();
      const app = buildApp({ spec: miniSpec, handlers: stubHandlers(), logger: pino({ level: "silent" }), verifier: tokens.verifier, sequelize, validateResponses: false });
      const running = await listen(app, 0);
      try {
        const deadline = Date.now() + 5_000;
        let left = 1;
        while (left > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          left = (await sequelize.query("SELECT idem_key FROM idempotency_keys WHERE scope = 'user:8'", { type: QueryTypes.SELECT })).length;
        }
        expect(left, "the stale key was purged").to.equal(0);
      } finally {
        await running.close();
      }
    });
  });
}
