import { expect } from "chai";
import { searchHits, searchPlan, type SearchResponse } from "../src/search/opensearch-query.js";
import { indexWords, toDocument } from "../src/search/opensearch-schema.js";
import type { SearchQuery } from "../src/search/search-index.js";

/* The OpenSearch requests and their reading, without an OpenSearch (the HTTP suites run them for real with TEST_OPENSEARCH_URL). */

const query = (overrides: Partial<SearchQuery> = {}): SearchQuery => ({ terms: ["book"], includeInactive: false, sort: "relevance", limit: 2, ...overrides });
const hit = (...sort: number[]) => ({ sort });
const count = (value: number): SearchResponse => ({ hits: { total: { value, relation: value > 10_000 ? "gte" : "eq" } } });

describe("OpenSearch search requests", () => {
  it("when words are indexed, then they are cut at non-alphanumerics and folded as the query is", () => {
    expect(indexWords("Zorblaçon ZQX-778899", "Ｆｕｌｌ width")).to.equal("zorblacon zqx 778899 full width");
    const doc = toDocument({ id: 7, name: "Quuxotic Xσ", description: "Glass.", sku: "QX-1", category: "toys", price_amount: 500, is_active: 0, change_seq: "3" });
    expect(doc).to.deep.equal({ id: 7, price: 500, active: false, category: "toys", all: "quuxotic xσ glass qx 1", title: "quuxotic xσ qx 1" });
  });

  it("when searching by relevance from the start, then both tiers are asked newest first, the second without the first", () => {
    const plan = searchPlan(query({ terms: ["Zorblaç", "zorblac"] }));
    expect(plan.pages.map((p) => p.tier)).to.deep.equal([0, 1]);
    const [tier0, tier1] = plan.pages.map((p) => p.body as { query: { bool: { filter: unknown[]; must_not?: unknown[] } }; sort: unknown; size: number });
    // folded and de-duplicated: one word
    expect(tier0.query.bool.filter).to.deep.include({ prefix: { all: "zorblac" } });
    expect(tier0.query.bool.filter).to.deep.include({ bool: { filter: [{ prefix: { title: "zorblac" } }] } });
    expect(tier1.query.bool.must_not).to.deep.equal([{ bool: { filter: [{ prefix: { title: "zorblac" } }] } }]);
    expect(tier0.sort).to.deep.equal([{ id: "desc" }]);
    expect(tier0.size).to.equal(3);
    expect(plan.count).to.deep.include({ size: 0, track_total_hits: 10_001 });
  });

  it("when a relevance cursor is in the second tier, then only the second tier is asked, after the cursor's id", () => {
    const plan = searchPlan(query({ after: { sort: "relevance", tier: 1, id: 40 } }));
    expect(plan.pages.map((p) => p.tier)).to.deep.equal([1]);
    expect(plan.pages[0].body.search_after).to.deep.equal([40]);
  });

  it("when a shopper filters by price, then inactive products and prices outside the range are excluded; an admin sees inactive ones", () => {
    const shopper = searchPlan(query({ minPrice: 100, maxPrice: 900, sort: "price_asc", after: { sort: "price_asc", price: 300, id: 9 } }));
    const body = shopper.pages[0].body as { query: { bool: { filter: unknown[] } }; sort: unknown; search_after: unknown };
    expect(body.query.bool.filter).to.deep.include({ term: { active: true } });
    expect(body.query.bool.filter).to.deep.include({ range: { price: { gte: 100, lte: 900 } } });
    expect(body.sort).to.deep.equal([{ price: "asc" }, { id: "asc" }]);
    expect(body.search_after).to.deep.equal([300, 9]);
    const admin = searchPlan(query({ includeInactive: true }));
    expect(JSON.stringify(admin)).to.not.include("active");
  });

  it("when more than 10,000 match, then the total is 10,000 as a lower bound and the cursor carries the last row's tier", () => {
    const q = query();
    const plan = searchPlan(q);
    const hits = searchHits(q, plan, [count(10_001), { hits: { hits: [hit(90)] } }, { hits: { hits: [hit(80), hit(70)] } }]);
    expect(hits).to.deep.equal({ ids: [90, 80], next: { sort: "relevance", tier: 1, id: 80 }, total: 10_000, totalIsLowerBound: true });
  });

  it("when the last page is reached, then there is no next cursor and the total is exact", () => {
    const q = query({ sort: "price_desc" });
    const hits = searchHits(q, searchPlan(q), [count(2), { hits: { hits: [hit(500, 3), hit(100, 1)] } }]);
    expect(hits).to.deep.equal({ ids: [3, 1], next: null, total: 2, totalIsLowerBound: false });
  });

  it("when one of the requests failed, then the search fails instead of answering a partial page", () => {
    const q = query({ sort: "newest" });
    expect(() => searchHits(q, searchPlan(q), [count(1), { error: { type: "search_phase_execution_exception" } }])).to.throw(/search_phase_execution_exception/);
  });

  it("when facets are asked for, then the count request aggregates per price band and category, and the buckets become facets", () => {
    const q = query({ facets: true, category: "books" });
    const plan = searchPlan(q);
    expect((plan.count as { query: { bool: { filter: unknown[] } } }).query.bool.filter).to.deep.include({ term: { category: "books" } });
    const ranges = (plan.count as { aggs: { bands: { range: { ranges: unknown[] } } } }).aggs.bands.range.ranges;
    expect(ranges).to.deep.equal([{ from: 0, to: 1000 }, { from: 1000, to: 2500 }, { from: 2500, to: 5000 }, { from: 5000, to: 10000 }, { from: 10000 }]);
    const bucket = (doc_count: number, categories: [string, number][]) => ({ doc_count, categories: { buckets: categories.map(([key, n]) => ({ key, doc_count: n })) } });
    const aggregations = { bands: { buckets: [bucket(3, [["books", 2], ["toys", 1]]), bucket(0, []), bucket(1, [["toys", 1]]), bucket(0, []), bucket(0, [])] } };
    const hits = searchHits(q, plan, [{ ...count(4), aggregations }, { hits: { hits: [] } }, { hits: { hits: [] } }]);
    expect(hits.facets).to.deep.equal({
      category: [
        { value: "books", count: 2 },
        { value: "toys", count: 2 },
      ],
      price: [
        { min: 0, max: 999, count: 3 },
        { min: 2500, max: 4999, count: 1 },
      ],
    });
    const capped = searchHits(q, plan, [{ ...count(10_001), aggregations }, { hits: { hits: [] } }, { hits: { hits: [] } }]);
    expect(capped.facets).to.equal(null);
    expect(searchPlan(query())).to.not.have.nested.property("count.aggs");
  });
});
