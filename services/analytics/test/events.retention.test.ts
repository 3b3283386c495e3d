import { randomUUID } from "node:crypto";
import { expect } from "chai";
import type { Sequelize } from "sequelize";
import { migrate, openDatabase } from "@disqo-commerce/kit";
import { freshDatabase, testBackends, type FreshDatabase } from "@disqo-commerce/kit/testing";
import { EventsStore, type StoredEvent } from "../src/data-access/events-store.js";
import { migrations } from "../src/migrations/index.js";

const event = (occurredAt: Date): StoredEvent => ({
  id: randomUUID(),
  type: "search",
  occurredAt,
  person: "v:retention",
  visitorId: "retention-visitor",
  userId: null,
  amount: null,
  currency: null,
  term: "lamp",
  resultCount: 3,
  properties: {},
});

for (const backend of testBackends()) {
  describe(`analytics: raw events past retention (${backend})`, () => {
    let sequelize: Sequelize;
    let db: FreshDatabase;
    let store: EventsStore;
    before(async () => {
      db = await freshDatabase("analytics", backend);
      sequelize = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "analytics" });
      await migrate(sequelize, migrations);
      store = new EventsStore(sequelize);
    });
    after(async () => {
      await sequelize.close();
      await db.drop();
    });

    it("when events were received before the cut, then the purge deletes exactly those and says how many; again, it deletes none", async () => {
      const old = new Date("2026-01-01T00:00:00.000Z");
      const recent = new Date("2026-11-30T12:00:00.000Z");
      await sequelize.transaction((t) => store.insertEvents([event(old), event(old)], old, t));
      await sequelize.transaction((t) => store.insertEvents([event(recent)], recent, t));
      const cut = new Date("2026-06-01T00:00:00.000Z");
      expect(await store.purgeBefore(cut)).to.equal(2);
      expect(await store.purgeBefore(cut)).to.equal(0);
      expect(await store.isEmpty()).to.equal(false);
      expect(await store.purgeBefore(new Date("2026-12-01T00:00:00.000Z"))).to.equal(1);
      expect(await store.isEmpty()).to.equal(true);
    });
  });
}
