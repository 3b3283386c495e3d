import { expect } from "chai";
import { QueryTypes } from "sequelize";
import { createLogger, migrate, openDatabase } from "@disqo-commerce/kit";
import { freshDatabase } from "@disqo-commerce/kit/testing";
import { generateProduct, loadCatalog } from "../src/catalog/generator.js";
import { migrations } from "../src/migrations/index.js";
import { createSearchIndex } from "../src/search/index.js";
import { buildProduct, productTestBackends, startProductApp, type ProductTestApp } from "./support.js";

for (const backend of productTestBackends()) {
  describe(`product search (${backend})`, () => {
    let app: ProductTestApp;
    let admin: string;
    const create = async (overrides: Record<string, unknown>) => {
      const res = await app.call("POST", "/v1/products", { token: admin, body: buildProduct(overrides) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body;
    };
    const search = (qs: string, token?: string) => app.call("GET", `/v1/products?${qs}`, { token });

    before(async () => {
      app = await startProductApp(backend, "product_search");
      admin = app.tokens.admin();
    });
    after(async () => app?.close());

    it("when a word is in one product's name and another's description, then the name match comes first", async () => {
      const inDescription = await create({ name: "Plain Lamp", description: "Pairs well with a quokkaesque reading nook." });
      const inName = await create({ name: "Quokkaesque Reading Lamp", description: "A lamp." });
      const res = await search("q=quokkaesque");
      expect(res.status).to.equal(200);
      expect(res.body.data.map((p: { id: number }) => p.id)).to.deep.equal([inName.id, inDescription.id]);
      expect(res.body.total_count).to.equal(2);
      expect(res.body.total_count_is_lower_bound).to.equal(false);
      expect(inDescription.id).to.be.below(inName.id);
    });

    it("when the name match is older than the description match, then it still ranks first (tiers before recency)", async () => {
      const inName = await create({ name: "Wombatish Atlas", description: "Maps." });
      const inDescription = await create({ name: "Globe", description: "Goes with any wombatish atlas." });
      const res = await search("q=wombatish");
      expect(res.body.data.map((p: { id: number }) => p.id)).to.deep.equal([inName.id, inDescription.id]);
    });

    it("when searching with a prefix, in another case, then the word matches", async () => {
      const p = await create({ name: "Flibbertigibbet Management Guide" });
      const res = await search("q=FLIBBERTI%20manag");
      expect(res.body.data.map((x: { id: number }) => x.id)).to.deep.equal([p.id]);
    });

    it("when one of several words matches nowhere, then the product is not found (every word must match)", async () => {
      await create({ name: "Snorkelwise Mask" });
      const res = await search("q=snorkelwise%20trumpet");
      expect(res.body.data).to.deep.equal([]);
      expect(res.body.total_count).to.equal(0);
    });

    it("when searching by sku, then the product is found", async () => {
      const p = await create({ sku: "ZQX-778899" });
      const res = await search("q=zqx-778899");
      expect(res.body.data.map((x: { id: number }) => x.id)).to.deep.equal([p.id]);
    });

    it("when the query holds FTS syntax or quotes, then it is treated as plain words and never errors", async () => {
      const p = await create({ name: "Gobbledygook Cable" });
      for (const q of ['"gobbledygook', "gobbledygook*", "gobbledygook OR nothing", "NEAR(gobbledygook", "{name}: gobbledygook", "gobbledygook' OR 1=1 --", "-gobbledygook", "^gobbledygook"]) {
        const res = await search(`q=${encodeURIComponent(q)}`);
        expect(res.status, q).to.equal(200);
        if (!/OR|NEAR|name/.test(q)) expect(res.body.data.map((x: { id: number }) => x.id), q).to.deep.equal([p.id]);
      }
      const punctuation = await search(`q=${encodeURIComponent('"*:()')}`);
      expect(punctuation.status).to.equal(200);
      expect(punctuation.body.data).to.deep.equal([]);
    });

    it("when a product is deactivated, then shoppers no longer find it but admins do", async () => {
      const p = await create({ name: "Vanishingware Bowl" });
      await app.call("DELETE", `/v1/products/${p.id}`, { token: admin });
      expect((await search("q=vanishingware")).body.data).to.deep.equal([]);
      expect((await search("q=vanishingware", app.tokens.user(5))).body.data).to.deep.equal([]);
      const asAdmin = await search("q=vanishingware", admin);
      expect(asAdmin.body.data.map((x: { id: number; is_active: boolean }) => [x.id, x.is_active])).to.deep.equal([[p.id, false]]);
    });

    it("when a product's name changes, then search follows the new name", async () => {
      const p = await create({ name: "Oldnamium Kettle" });
      await app.call("PATCH", `/v1/products/${p.id}`, { token: admin, body: { name: "Newnamium Kettle" } });
      expect((await search("q=oldnamium")).body.data).to.deep.equal([]);
      expect((await search("q=newnamium")).body.data.map((x: { id: number }) => x.id)).to.deep.equal([p.id]);
    });

    it("when a prefix was searched before and a write adds a new word with that prefix, then the next search finds it", async () => {
      const first = await create({ name: "Zorblaxian Vase" });
      expect((await search("q=zorbla")).body.data.map((x: { id: number }) => x.id)).to.deep.equal([first.id]);
      const created = await create({ name: "Zorblatt Bowl" });
      const renamed = await create({ name: "Plain Jug" });
      await app.call("PATCH", `/v1/products/${renamed.id}`, { token: admin, body: { description: "Matches the zorblavian set." } });
      const res = await search("q=zorbla");
      expect(res.body.data.map((x: { id: number }) => x.id)).to.deep.equal([created.id, first.id, renamed.id]);
      expect(res.body.total_count).to.equal(3);
      // outside ASCII the index folds the word ("Zorblaçon" is indexed as "zorblacon")
      const accented = await create({ name: "Zorblaçon Chair" });
      expect((await search("q=zorbla")).body.data.map((x: { id: number }) => x.id)).to.deep.equal([accented.id, created.id, first.id, renamed.id]);
      expect((await search("q=zorblac")).body.data.map((x: { id: number }) => x.id)).to.deep.equal([accented.id]);
    });

    it("when a word has one character, then it matches every word it starts, also one that goes on outside ASCII", async () => {
      const ascii = await create({ name: "Quuxotic Xylophone", description: "Wood." });
      const exact = await create({ name: "Quuxotic X", description: "Steel." });
      const greek = await create({ name: "Quuxotic Xσ Lamp", description: "Glass." });
      await create({ name: "Quuxotic Mug", description: "Clay." });
      const res = await search("q=quuxotic%20X");
      expect(res.body.data.map((x: { id: number }) => x.id)).to.deep.equal([greek.id, exact.id, ascii.id]);
      expect(res.body.total_count).to.equal(3);
    });

    it("when a word is 0 or 1, then it matches only product text, never the indexed active flag", async () => {
      const plain = await create({ name: "Vexillic Flag", description: "Cloth.", sku: "VXL-AAA" });
      const numbered = await create({ name: "Vexillic Flag 1", description: "Cloth.", sku: "VXL-BBB" });
      await app.call("DELETE", `/v1/products/${plain.id}`, { token: admin });
      expect((await search("q=vexillic%201")).body.data.map((x: { id: number }) => x.id)).to.deep.equal([numbered.id]);
      expect((await search("q=vexillic%201", admin)).body.data.map((x: { id: number }) => x.id)).to.deep.equal([numbered.id]);
      expect((await search("q=vexillic%200", admin)).body.data).to.deep.equal([]);
      const shopper = await search("q=vexillic");
      expect(shopper.body.data.map((x: { id: number }) => x.id)).to.deep.equal([numbered.id]);
      expect(shopper.body.total_count).to.equal(1);
      expect((await search("q=vexillic", admin)).body.total_count).to.equal(2);
    });

    it("when filtering by price, then only products in the range are returned, in price order when asked", async () => {
      const cheap = await create({ name: "Pricetest Cheap", price: { amount: 500, currency: "USD" } });
      const mid = await create({ name: "Pricetest Mid", price: { amount: 1500, currency: "USD" } });
      const dear = await create({ name: "Pricetest Dear", price: { amount: 5000, currency: "USD" } });
      const range = await search("q=pricetest&min_price=1000&max_price=6000&sort=price_asc");
      expect(range.body.data.map((x: { id: number }) => x.id)).to.deep.equal([mid.id, dear.id]);
      const desc = await search("q=pricetest&sort=price_desc");
      expect(desc.body.data.map((x: { id: number }) => x.id)).to.deep.equal([dear.id, mid.id, cheap.id]);
    });

    it("when fetching by ids, then exactly those products come back", async () => {
      const a = await create({});
      const b = await create({});
      const res = await search(`ids=${a.id},${b.id},99999999`);
      expect(res.status).to.equal(200);
      expect(res.body.data.map((x: { id: number }) => x.id).sort()).to.deep.equal([a.id, b.id].sort());
    });

    it("when `ids` comes with `q`, then only the listed products that match the words come back", async () => {
      const listedMatch = await create({ name: "Capybaran Field Guide" });
      const listedOther = await create({ name: "Plain Notebook" });
      const unlisted = await create({ name: "Capybaran Atlas" });
      const res = await search(`q=capybaran&ids=${listedMatch.id},${listedOther.id}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.data.map((x: { id: number }) => x.id)).to.deep.equal([listedMatch.id]);
      expect(res.body.total_count).to.equal(1);
      const byPrice = await search(`q=capybaran&ids=${listedMatch.id},${unlisted.id}&sort=price_asc&min_price=0`);
      expect(byPrice.body.data.map((x: { id: number }) => x.id).sort()).to.deep.equal([listedMatch.id, unlisted.id].sort());
    });

    it("when min_price is above max_price, then the range is empty: 200 with no products (valid by the contract)", async () => {
      for (const qs of ["min_price=10&max_price=5", "q=capybaran&min_price=10&max_price=5"]) {
        const res = await search(qs);
        expect(res.status, qs).to.equal(200);
        expect(res.body).to.deep.equal({ data: [], next_cursor: null, total_count: 0, total_count_is_lower_bound: false });
      }
    });

    it("when the query is invalid, then it is a 422 naming the parameter", async () => {
      for (const qs of ["limit=0", "limit=101", "sort=cheapest", "min_price=-1", "ids=1,abc", "cursor=not-a-cursor", "cursor=", "unknown=1"]) {
        const res = await search(qs);
        expect(res.status, qs).to.equal(422);
        expect(res.headers.get("content-type")).to.match(/^application\/problem\+json/);
        expect(res.body.code, qs).to.equal("validation_failed");
      }
      const first = await search("q=pricetest&sort=price_asc&limit=1");
      const mismatched = await search(`q=pricetest&sort=newest&cursor=${first.body.next_cursor}`);
      expect(mismatched.status).to.equal(422);
    });

    describe("on a generated catalog", () => {
      before(async function () {
        this.timeout(120_000);
        await loadCatalog(app.sequelize, { count: 10_500, seed: 7 });
        await app.sync();
      });

      it("when more than 10,000 products match, then total_count is 10,000 and marked as a lower bound", async () => {
        for (const qs of ["limit=1", "q=a&limit=1"]) {
          const res = await search(qs);
          expect(res.body.total_count, qs).to.equal(10_000);
          expect(res.body.total_count_is_lower_bound, qs).to.equal(true);
        }
        const exact = await search("q=zeppelin&limit=1");
        expect(exact.body.total_count_is_lower_bound).to.equal(false);
      });

      it("when more than 10,000 match, then facets are null; narrowed to an exact count, they add up to it", async () => {
        for (const qs of ["limit=1&facets=true", "q=a&limit=1&facets=true"]) {
          const res = await search(qs);
          expect(res.status, qs).to.equal(200);
          expect(res.body.facets, qs).to.equal(null);
        }
        const narrowed = await search("category=books&max_price=2000&facets=true&limit=1");
        expect(narrowed.body.total_count_is_lower_bound).to.equal(false);
        expect(narrowed.body.facets.category).to.deep.equal([{ value: "books", count: narrowed.body.total_count }]);
        const inBands = narrowed.body.facets.price.reduce((sum: number, b: { count: number }) => sum + b.count, 0);
        expect(inBands).to.equal(narrowed.body.total_count);
        const unknownWord = await search("q=qqqqzzzzxxxx&facets=true");
        expect(unknownWord.body.facets).to.deep.equal({ category: [], price: [] });
      });

      it("when more than 10,000 products match and the order is by price, then pages are in price order and never repeat", async () => {
        const seen = new Set<number>();
        const prices: number[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 4; page++) {
          const res = await search(`q=a&sort=price_asc&limit=50${cursor ? `&cursor=${cursor}` : ""}`);
          expect(res.body.total_count_is_lower_bound).to.equal(true);
          for (const p of res.body.data) {
            expect(seen.has(p.id)).to.equal(false);
            seen.add(p.id);
            prices.push(p.price.amount);
          }
          cursor = res.body.next_cursor;
        }
        expect(seen.size).to.equal(200);
        expect(prices).to.deep.equal([...prices].sort((a, b) => a - b));
      });

      for (const [label, qs] of [
        ["relevance", "q=management"],
        ["newest", "q=book&sort=newest"],
        ["price_asc", "q=zeppelin%20edition&sort=price_asc"],
        ["price_desc", "q=book&sort=price_desc"],
      ] as const) {
        it(`when walking every page of ${label}, then each match appears exactly once and in order`, async function () {
          this.timeout(60_000);
          const first = await search(`${qs}&limit=100`);
          const expected = first.body.total_count;
          expect(first.body.total_count_is_lower_bound).to.equal(false);
          const seen: number[] = [];
          const prices: number[] = [];
          let cursor: string | null = null;
          let res = first;
          for (;;) {
            for (const p of res.body.data) {
              seen.push(p.id);
              prices.push(p.price.amount);
            }
            cursor = res.body.next_cursor;
            if (!cursor) break;
            res = await search(`${qs}&limit=100&cursor=${cursor}`);
            expect(res.status).to.equal(200);
          }
          expect(seen.length).to.equal(expected);
          expect(new Set(seen).size).to.equal(seen.length);
          if (qs.includes("price_desc")) expect(prices).to.deep.equal([...prices].sort((a, b) => b - a));
          if (qs.includes("price_asc")) expect(prices).to.deep.equal([...prices].sort((a, b) => a - b));
          if (qs.includes("newest")) expect(seen).to.deep.equal([...seen].sort((a, b) => b - a));
        });
      }

      it("when walking a relevance search, then every name match comes before every description-only match", async () => {
        const seen: { name: string }[] = [];
        let cursor: string | null = null;
        do {
          const res = await search(`q=management&limit=100${cursor ? `&cursor=${cursor}` : ""}`);
          seen.push(...res.body.data);
          cursor = res.body.next_cursor;
        } while (cursor);
        const inName = seen.map((p) => /\bmanagement/i.test(p.name));
        const firstDescriptionOnly = inName.indexOf(false);
        expect(firstDescriptionOnly).to.be.greaterThan(0);
        expect(inName.slice(firstDescriptionOnly)).to.not.include(true);
      });

      it("when using the legacy endpoint, then it answers in the write-up's shape, and an empty term gives an empty list", async () => {
        const res = await app.call("POST", "/api/v1/search", { form: { search_term: "zeppelin" } });
        expect(res.status).to.equal(200);
        expect(res.body.products.length).to.be.greaterThan(0);
        const [first] = res.body.products;
        expect(Object.keys(first).sort()).to.deep.equal(["id", "price", "product_description", "product_name", "product_sku"]);
        expect(first.price).to.be.a("number");
        const empty = await app.call("POST", "/api/v1/search", { form: { search_term: "" } });
        expect(empty.body).to.deep.equal({ products: [] });
      });
    });
  });
}

describe("product search index layout (sqlite)", () => {
  it("when a database was indexed with the first layout, then starting the search index re-indexes its products", async () => {
    const db = await freshDatabase("product_search_layout", "sqlite");
    const sequelize = openDatabase({ sqliteFile: db.sqliteFile, name: "product" });
    try {
      // migration 004 creates the first layout; these rows are indexed by its triggers
      await migrate(sequelize, migrations);
      await loadCatalog(sequelize, { count: 30, seed: 11 });
      const search = createSearchIndex(sequelize, { file: "", refreshMs: 60_000, logger: createLogger({ service: "product-test", level: "silent" }) });
      await search.ready;
      const [table] = await sequelize.query<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'products_fts'", { type: QueryTypes.SELECT });
      expect(table.sql).to.include("is_active");
      // every generated sku ends in a 7-digit number, "0000001" to "0000030" here
      expect(generateProduct(11, 29).sku).to.match(/-0000030$/);
      const hits = await search.search({ terms: ["00000"], includeInactive: false, sort: "relevance", limit: 50 });
      expect(hits.ids).to.have.length(30);
      expect(hits.total).to.equal(30);
      await search.close();
    } finally {
      await sequelize.close();
      await db.drop();
    }
  });
});
