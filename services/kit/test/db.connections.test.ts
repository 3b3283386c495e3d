import { expect } from "chai";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { assignments, createSqlReader, insertRows, isUniqueViolation, placeholders, selectInTransaction, sqlDate, writeOutsideTransaction, writeStatement } from "../src/index.js";
import { testBackends, type FreshDatabase } from "../src/testing.js";
import { kitDatabase } from "./support.js";

const connectionOf = (t: Transaction) => (t as unknown as { connection: object }).connection;

describe("kit: SQLite connections", () => {
  let sequelize: Sequelize;
  let db: FreshDatabase;
  before(async () => {
    ({ sequelize, db } = await kitDatabase("sqlite"));
    await sequelize.query("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  });
  after(async () => {
    await sequelize.close();
    await db.drop();
  });

  it("when transactions run one after another, then they share one writer connection, apart from other named connections", async () => {
    const first = await sequelize.transaction(async (t) => connectionOf(t));
    const second = await sequelize.transaction(async (t) => connectionOf(t));
    expect(second).to.equal(first);
    const manager = sequelize.connectionManager as unknown as { getConnection(o: object): Promise<object> };
    expect(await manager.getConnection({ uuid: "search-reader" })).to.not.equal(first);
    expect(await manager.getConnection({})).to.not.equal(first);
  });

  it("when a lone write runs outside any transaction, then on SQLite it gets the writer connection's transaction and commits", async () => {
    const seen = await writeOutsideTransaction(sequelize, async (t) => {
      expect(t, "a managed transaction").to.not.equal(undefined);
      await sequelize.query("INSERT INTO things (id, name) VALUES (7, 'lone')", { transaction: t });
      return connectionOf(t!);
    });
    expect(seen).to.equal(await sequelize.transaction(async (t) => connectionOf(t)));
    const reader = createSqlReader(sequelize);
    expect(await reader.all("SELECT name FROM things WHERE id = 7", [])).to.deep.equal([{ name: "lone" }]);
    await sequelize.query("DELETE FROM things WHERE id = 7");
    const failed = await writeOutsideTransaction(sequelize, async (t) => {
      await sequelize.query("INSERT INTO things (id, name) VALUES (8, 'gone')", { transaction: t });
      throw new Error("refused");
    }).catch((e: Error) => e.message);
    expect(failed).to.equal("refused");
    expect(await reader.all("SELECT name FROM things WHERE id = 8", [])).to.deep.equal([]);
  });

  it("when a transaction on the shared connection fails, then its writes are gone and the next transaction works", async () => {
    const failed = await sequelize
      .transaction(async (t) => {
        await sequelize.query("INSERT INTO things (id, name) VALUES (1, 'lost')", { transaction: t });
        throw new Error("boom");
      })
      .catch((e: Error) => e.message);
    expect(failed).to.equal("boom");
    await sequelize.transaction(async (t) => sequelize.query("INSERT INTO things (id, name) VALUES (2, 'kept')", { transaction: t }));
    const reader = createSqlReader(sequelize);
    expect(await reader.all("SELECT id, name FROM things ORDER BY id", [])).to.deep.equal([{ id: 2, name: "kept" }]);
  });

  it("when reads through the reader, writes outside transactions and transactions run at once, then none is held up by a lock another left", async () => {
    const reader = createSqlReader(sequelize);
    await sequelize.query("CREATE TABLE IF NOT EXISTS busy (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    let timer: NodeJS.Timeout | undefined;
    const heldUp = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("held up"), 5_000);
    });
    const rounds = async () => {
      for (let i = 0; i < 30; i++) {
        await Promise.all([
          reader.all("SELECT id FROM busy WHERE id >= ? ORDER BY id", [0]),
          reader.all("SELECT name FROM busy WHERE id IN (?, ?)", [i, i + 1]),
          // autocommit writes on the shared connection (profile updates, failed-login counters ...)
          sequelize.query("INSERT INTO busy (id, name) VALUES (?, 'lone')", { replacements: [1000 + i] }),
          sequelize.transaction(async (t) => sequelize.query("INSERT INTO busy (id, name) VALUES (?, 'txn')", { replacements: [i], transaction: t })),
        ]);
      }
      return "done";
    };
    // the busy timeout is 10 s: a statement waiting on a lock left behind would still be waiting
    expect(await Promise.race([rounds(), heldUp])).to.equal("done");
    clearTimeout(timer);
    expect(await reader.all("SELECT COUNT(*) AS n FROM busy", [])).to.deep.equal([{ n: 60 }]);
  });
});

for (const backend of testBackends()) {
  describe(`kit: SqlReader (${backend})`, () => {
    let sequelize: Sequelize;
    let db: FreshDatabase;
    before(async () => {
      ({ sequelize, db } = await kitDatabase(backend));
      await sequelize.query("CREATE TABLE gadgets (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, made_at DATETIME(3) NOT NULL)");
    });
    after(async () => {
      await sequelize.close();
      await db.drop();
    });

    it("when rows are committed by a transaction, then the reader sees them at once, with bound parameters and dates read back", async () => {
      const reader = createSqlReader(sequelize);
      const madeAt = new Date("2026-01-02T03:04:05.678Z");
      expect(await reader.all("SELECT id FROM gadgets WHERE id = ?", [1])).to.deep.equal([]);
      // (the date as text: Sequelize's replacement escaping drops the milliseconds on MariaDB)
      await sequelize.transaction(async (t) =>
        sequelize.query("INSERT INTO gadgets (id, name, made_at) VALUES (?, ?, '2026-01-02 03:04:05.678')", { replacements: [1, "o'clock; DROP TABLE gadgets"], transaction: t }),
      );
      const rows = await reader.all<{ id: number; name: string; made_at: Date | string }>("SELECT id, name, made_at FROM gadgets WHERE id = ? AND name = ?", [1, "o'clock; DROP TABLE gadgets"]);
      expect(rows.map((r) => ({ id: Number(r.id), name: r.name, made_at: sqlDate(r.made_at).toISOString() }))).to.deep.equal([
        { id: 1, name: "o'clock; DROP TABLE gadgets", made_at: madeAt.toISOString() },
      ]);
    });

    it("when a statement is wrong, then the read fails with the driver's error and the reader keeps working", async () => {
      const reader = createSqlReader(sequelize);
      const error = await reader.all("SELECT nope FROM gadgets", []).catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
      expect(await reader.all("SELECT COUNT(*) AS n FROM gadgets", [])).to.have.length(1);
    });
  });

  describe(`kit: writeStatement (${backend})`, () => {
    let sequelize: Sequelize;
    let db: FreshDatabase;
    before(async () => {
      ({ sequelize, db } = await kitDatabase(backend));
      await sequelize.query("CREATE TABLE widgets (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, made_at DATETIME(3) NOT NULL, fine BOOLEAN NOT NULL)");
    });
    after(async () => {
      await sequelize.close();
      await db.drop();
    });

    it("when it writes, then it answers the rows changed, and its dates and booleans compare with what Sequelize writes and reads", async () => {
      const madeAt = new Date("2026-01-02T03:04:05.678Z");
      expect(await writeStatement(sequelize, "INSERT INTO widgets (id, name, made_at, fine) VALUES (?, ?, ?, ?)", [1, "one", madeAt, true])).to.equal(1);
      await sequelize.transaction((t) => sequelize.query("INSERT INTO widgets (id, name, made_at, fine) VALUES (?, ?, ?, ?)", { replacements: [2, "two", madeAt, false], transaction: t }));
      // a bound Date against both rows, one written here and one by Sequelize
      const exclaimed = backend === "sqlite" ? "name || '!'" : "CONCAT(name, '!')";
      expect(await writeStatement(sequelize, `UPDATE widgets SET name = ${exclaimed} WHERE made_at < ?`, [new Date(madeAt.getTime() + 1000)])).to.equal(2);
      expect(await writeStatement(sequelize, "UPDATE widgets SET name = 'never' WHERE made_at > ?", [new Date(madeAt.getTime() + 1000)])).to.equal(0);
      const rows = await sequelize.query<{ id: number; name: string; fine: number | boolean }>("SELECT id, name, fine FROM widgets WHERE fine = ? ORDER BY id", { replacements: [true], type: QueryTypes.SELECT });
      expect(rows.map((r) => [Number(r.id), r.name])).to.deep.equal([[1, "one!"]]);
    });

    it("when the key already exists, then it fails with an error isUniqueViolation knows, and the next write works", async () => {
      const error = await writeStatement(sequelize, "INSERT INTO widgets (id, name, made_at, fine) VALUES (?, ?, ?, ?)", [1, "again", new Date(), true]).catch((e: unknown) => e);
      expect(isUniqueViolation(error), String(error)).to.equal(true);
      expect(await writeStatement(sequelize, "DELETE FROM widgets WHERE id = ?", [1])).to.equal(1);
    });

    it("when it runs in a transaction, then it is part of it: kept on commit, gone on rollback", async () => {
      await sequelize.transaction((t) => writeStatement(sequelize, "INSERT INTO widgets (id, name, made_at, fine) VALUES (?, ?, ?, ?)", [50, "kept", new Date(), true], t));
      const failed = await sequelize
        .transaction(async (t) => {
          await writeStatement(sequelize, "INSERT INTO widgets (id, name, made_at, fine) VALUES (?, ?, ?, ?)", [51, "lost", new Date(), true], t);
          throw new Error("rolled back");
        })
        .catch((e: Error) => e.message);
      expect(failed).to.equal("rolled back");
      const rows = await sequelize.query<{ id: number }>("SELECT id FROM widgets WHERE id IN (50, 51)", { type: QueryTypes.SELECT });
      expect(rows.map((r) => Number(r.id))).to.deep.equal([50]);
    });

    it("when it reads in a transaction, then it sees that transaction's own writes, with IN lists bound value by value", async () => {
      const seen = await sequelize.transaction(async (t) => {
        await writeStatement(sequelize, "INSERT INTO widgets (id, name, made_at, fine) VALUES (?, ?, ?, ?), (?, ?, ?, ?)", [60, "x", new Date(), true, 61, "y", new Date(), false], t);
        return selectInTransaction<{ id: number; name: string }>(sequelize, t, `SELECT id, name FROM widgets WHERE id IN (${placeholders(3)}) ORDER BY id`, [60, 61, 62]);
      });
      expect(seen.map((r) => [Number(r.id), r.name])).to.deep.equal([
        [60, "x"],
        [61, "y"],
      ]);
    });

    it("when rows are inserted together, then one statement writes them all with NULL for a missing value, and assignments update the named columns", async () => {
      const at = new Date("2026-02-03T04:05:06.789Z");
      expect(await insertRows(sequelize, "widgets", [], undefined)).to.equal(0);
      expect(await insertRows(sequelize, "widgets", [{ id: 70, name: "p", made_at: at, fine: true }, { id: 71, name: "q", made_at: at, fine: false }])).to.equal(2);
      const [set, values] = assignments({ name: "renamed", fine: false });
      expect(set).to.equal("name = ?, fine = ?");
      expect(await writeStatement(sequelize, `UPDATE widgets SET ${set} WHERE id = ?`, [...values, 70])).to.equal(1);
      const rows = await sequelize.query<{ id: number; name: string; fine: number | boolean }>("SELECT id, name, fine FROM widgets WHERE id IN (70, 71) ORDER BY id", { type: QueryTypes.SELECT });
      expect(rows.map((r) => [Number(r.id), r.name, Boolean(Number(r.fine))])).to.deep.equal([
        [70, "renamed", false],
        [71, "q", false],
      ]);
      const missing = await insertRows(sequelize, "widgets", [{ id: 72, name: "r", made_at: at, fine: true }, { id: 73, made_at: at, fine: true }]).catch((e: Error) => e);
      expect(missing, "a missing NOT NULL value is bound as NULL and refused").to.be.instanceOf(Error);
    });

    it("when transactions write at the same time, then every write lands", async () => {
      const writes = Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? writeStatement(sequelize, "INSERT INTO widgets (id, name, made_at, fine) VALUES (?, ?, ?, ?)", [100 + i, "lone", new Date(), true])
          : sequelize.transaction((t) => sequelize.query("INSERT INTO widgets (id, name, made_at, fine) VALUES (?, 'txn', ?, ?)", { replacements: [100 + i, new Date(), true], transaction: t })),
      );
      await Promise.all(writes);
      const [row] = await sequelize.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM widgets WHERE id >= 100", { type: QueryTypes.SELECT });
      expect(Number(row!.n)).to.equal(20);
    });
  });
}
