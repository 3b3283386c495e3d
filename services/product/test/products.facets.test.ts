import { expect } from "chai";
import { buildProduct, productTestBackends, startProductApp, type ProductTestApp } from "./support.js";

type Page = { data: { id: number; category: string }[]; total_count: number; facets?: { category: { value: string; count: number }[]; price: { min: number; max: number | null; count: number }[] } | null };

for (const backend of productTestBackends()) {
  describe(`product categories and facets (${backend})`, () => {
    let app: ProductTestApp;
    let admin: string;
    const create = async (overrides: Record<string, unknown>) => {
      const res = await app.call("POST", "/v1/products", { token: admin, body: buildProduct(overrides) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body;
    };
    const search = async (qs: string, token?: string): Promise<Page> => {
      const res = await app.call("GET", `/v1/products?${qs}`, { token });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body;
    };

    before(async () => {
      app = await startProductApp(backend, "product_facets");
      admin = app.tokens.admin();
      // "gralloch" products: 3 books (two under $10, one $10-$24.99), 2 toys ($25-$49.99 and $100+), 1 inactive book
      await create({ name: "Gralloch Primer", category: "books", price: { amount: 899, currency: "USD" } });
      await create({ name: "Gralloch Atlas", category: "books", price: { amount: 999, currency: "USD" } });
      await create({ name: "Gralloch Companion", category: "books", price: { amount: 1000, currency: "USD" } });
      await create({ name: "Gralloch Puzzle", category: "toys", price: { amount: 4999, currency: "USD" } });
      await create({ name: "Gralloch Castle", category: "toys", price: { amount: 25000, currency: "USD" } });
      const hidden = await create({ name: "Gralloch Retired Book", category: "books", price: { amount: 500, currency: "USD" } });
      expect((await app.call("DELETE", `/v1/products/${hidden.id}`, { token: admin })).status).to.equal(200);
      await app.sync();
    });
    after(async () => app?.close());

    it("when a product is created without a category, then it is `other`; with one, it keeps it", async () => {
      const plain = await create({});
      expect(plain.category).to.equal("other");
      expect(plain.images).to.deep.equal([]);
      const read = await app.call("GET", `/v1/products/${plain.id}`);
      expect(read.body.category).to.equal("other");
    });

    it("when a shopper asks for facets, then matches are counted per category and per price band (inactive ones not counted)", async () => {
      const page = await search("q=gralloch&facets=true");
      expect(page.total_count).to.equal(5);
      expect(page.facets).to.deep.equal({
        category: [
          { value: "books", count: 3 },
          { value: "toys", count: 2 },
        ],
        price: [
          { min: 0, max: 999, count: 2 },
          { min: 1000, max: 2499, count: 1 },
          { min: 2500, max: 4999, count: 1 },
          { min: 10000, max: null, count: 1 },
        ],
      });
    });

    it("when an admin asks for facets, then inactive products count too", async () => {
      const page = await search("q=gralloch&facets=true", admin);
      expect(page.facets?.category).to.deep.include({ value: "books", count: 4 });
    });

    it("when a category's facet count is followed, then that filter gives exactly that many products (same for a price band)", async () => {
      const page = await search("q=gralloch&facets=true");
      for (const c of page.facets!.category) {
        const filtered = await search(`q=gralloch&category=${c.value}`);
        expect(filtered.total_count, c.value).to.equal(c.count);
        expect(filtered.data.every((p) => p.category === c.value)).to.equal(true);
      }
      for (const band of page.facets!.price) {
        const range = `min_price=${band.min}${band.max === null ? "" : `&max_price=${band.max}`}`;
        expect((await search(`q=gralloch&${range}`)).total_count, range).to.equal(band.count);
      }
    });

    it("when filters are combined, then the facets count only the matches of every filter", async () => {
      const page = await search("q=gralloch&category=books&max_price=999&facets=true");
      expect(page.total_count).to.equal(2);
      expect(page.facets).to.deep.equal({ category: [{ value: "books", count: 2 }], price: [{ min: 0, max: 999, count: 2 }] });
      const sorted = await search("q=gralloch&category=toys&sort=price_desc");
      expect(sorted.data.map((p) => p.category)).to.deep.equal(["toys", "toys"]);
    });

    it("when browsing a category without words, then only that category is listed and facets count it", async () => {
      const toy = await create({ name: "Plain Kite", category: "toys", price: { amount: 1500, currency: "USD" } });
      await app.sync();
      const page = await search("category=toys&facets=true&limit=100");
      expect(page.data.every((p) => p.category === "toys")).to.equal(true);
      expect(page.data.map((p) => p.id)).to.include(toy.id);
      expect(page.facets!.category).to.deep.equal([{ value: "toys", count: page.total_count }]);
    });

    it("when nothing matches or facets are not asked for, then facets are empty or absent", async () => {
      const none = await search("q=gralloch&category=kitchen&facets=true");
      expect(none.total_count).to.equal(0);
      expect(none.facets).to.deep.equal({ category: [], price: [] });
      expect(await search("q=gralloch")).to.not.have.property("facets");
      const emptyRange = await search("q=gralloch&min_price=500&max_price=100&facets=true");
      expect(emptyRange.facets).to.deep.equal({ category: [], price: [] });
    });

    it("when an admin moves a product to another category, then search and facets follow at once", async () => {
      const p = await create({ name: "Gralloch Migrant", category: "books" });
      const moved = await app.call("PATCH", `/v1/products/${p.id}`, { token: admin, body: { category: "kitchen" } });
      expect(moved.status).to.equal(200);
      expect(moved.body.category).to.equal("kitchen");
      const page = await search("q=gralloch%20migrant&facets=true");
      expect(page.facets!.category).to.deep.equal([{ value: "kitchen", count: 1 }]);
      expect((await search("q=gralloch&category=kitchen")).data.map((x) => x.id)).to.deep.equal([p.id]);
    });

    it("when the category is not one of the contract's, then the request is refused with 422", async () => {
      const res = await app.call("GET", "/v1/products?category=weapons");
      expect(res.status).to.equal(422);
      expect(res.body.code).to.equal("validation_failed");
      const created = await app.call("POST", "/v1/products", { token: admin, body: buildProduct({ category: "Books" }) });
      expect(created.status).to.equal(422);
      expect(created.body.errors[0].path).to.match(/category/);
    });
  });
}
