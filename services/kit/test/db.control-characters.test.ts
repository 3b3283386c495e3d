import { expect } from "chai";
import { DataTypes, QueryTypes, type Sequelize } from "sequelize";
import { testBackends, type FreshDatabase } from "../src/testing.js";
import { kitDatabase } from "./support.js";

// Values Sequelize writes into the SQL text (finders, `replacements`) must stay data on both
// backends, whatever bytes they hold: a NUL once ended SQLite's statement mid-literal.
for (const backend of testBackends()) {
  describe(`kit: strings with control characters reach the database as data (${backend})`, () => {
    let sequelize: Sequelize;
    let db: FreshDatabase;
    before(async () => {
      ({ sequelize, db } = await kitDatabase(backend));
    });
    after(async () => {
      await sequelize.close();
      await db.drop();
    });

    const tricky = ["a\u0000b", "\u0000", "it's\u0000--", "\u0011\u007f\u001b[0m", "plain"];

    it("when a replacement holds a NUL or another control character, then the query runs and the value comes back unchanged", async () => {
      for (const value of tricky) {
        const [row] = await sequelize.query<{ v: string }>("SELECT ? AS v", { replacements: [value], type: QueryTypes.SELECT });
        expect(row.v, JSON.stringify(value)).to.equal(value);
      }
    });

    it("when a model finder filters on such a string, then it finds exactly the matching row", async () => {
      const Thing = sequelize.define("nul_thing", { label: { type: DataTypes.STRING(50), allowNull: false } }, { tableName: "nul_things", timestamps: false });
      await Thing.sync();
      await Thing.bulkCreate(tricky.map((label) => ({ label })));
      for (const label of tricky) {
        const found = await Thing.findAll({ where: { label } });
        expect(found.map((t) => t.get("label")), JSON.stringify(label)).to.deep.equal([label]);
      }
      expect(await Thing.count({ where: { label: "a" } })).to.equal(0);
    });
  });
}
