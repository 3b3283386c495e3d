import { expect } from "chai";
import { DisqoCommerce, NotFoundError, type Product } from "@disqo-commerce/sdk";
import { json, problem, product, stubFetch, USER, type SentRequest } from "./helpers.js";

const BASE = "http://api.test";

/** A catalog of `total` products served `limit` at a time; the cursor is the next offset. */
function catalog(total: number, options: { failAtCursor?: string } = {}) {
  return stubFetch((request: SentRequest) => {
    const cursor = request.url.searchParams.get("cursor");
    if (options.failAtCursor !== undefined && cursor === options.failAtCursor) return problem(404);
    const limit = Number(request.url.searchParams.get("limit") ?? 20);
    const offset = cursor === null ? 0 : Number(cursor);
    const ids = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => offset + i + 1);
    const next = offset + limit < total ? String(offset + limit) : null;
    return json(200, { data: ids.map(product), next_cursor: next, total_count: total, total_count_is_lower_bound: false });
  });
}

describe("sdk pagination", () => {
  it("when a list is iterated with for await, then every item of every page comes once, in order", async () => {
    const fetch = catalog(7);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
    const seen: number[] = [];
    for await (const p of shop.products.list({ q: "book", limit: 3 })) seen.push(p.id);
    expect(seen).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(fetch.calls).to.have.length(3);
    expect(fetch.calls.map((c) => c.url.searchParams.get("cursor"))).to.deep.equal([null, "3", "6"]);
    for (const call of fetch.calls) {
      expect(call.url.searchParams.get("q")).to.equal("book");
      expect(call.url.searchParams.get("limit")).to.equal("3");
    }
  });

  it("when a list is awaited, then it is the first page with the body's members and a way to the next", async () => {
    const fetch = catalog(5);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
    const page = await shop.products.list({ limit: 2 });
    expect(page.data.map((p: Product) => p.id)).to.deep.equal([1, 2]);
    expect(page.next_cursor).to.equal("2");
    expect(page.total_count).to.equal(5);
    expect(page.total_count_is_lower_bound).to.equal(false);
    expect(page.hasNextPage()).to.equal(true);
    const second = await page.getNextPage();
    expect(second.data.map((p) => p.id)).to.deep.equal([3, 4]);
    const last = await second.getNextPage();
    expect(last.hasNextPage()).to.equal(false);
    expect(last.next_cursor).to.equal(null);
    await last.getNextPage().then(
      () => expect.fail("there is no page after the last"),
      (e: Error) => expect(e.message).to.match(/last page/),
    );
  });

  it("when iterPages is used, then it yields each page once", async () => {
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch: catalog(5) });
    const first = await shop.products.list({ limit: 2 });
    const sizes: number[] = [];
    for await (const page of first.iterPages()) sizes.push(page.data.length);
    expect(sizes).to.deep.equal([2, 2, 1]);
  });

  it("when a page is iterated, then the iteration starts at that page", async () => {
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch: catalog(5) });
    const second = await (await shop.products.list({ limit: 2 })).getNextPage();
    const ids: number[] = [];
    for await (const p of second) ids.push(p.id);
    expect(ids).to.deep.equal([3, 4, 5]);
  });

  it("when the loop breaks early, then no further page is fetched", async () => {
    const fetch = catalog(100);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
    let n = 0;
    for await (const _ of shop.products.list({ limit: 10 })) if (++n === 12) break;
    expect(fetch.calls).to.have.length(2);
  });

  it("when a later page fails, then the loop throws that error", async () => {
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch: catalog(10, { failAtCursor: "4" }), maxRetries: 0 });
    const ids: number[] = [];
    const error = await (async () => {
      for await (const p of shop.products.list({ limit: 4 })) ids.push(p.id);
    })().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NotFoundError);
    expect(ids).to.deep.equal([1, 2, 3, 4]);
  });

  it("when a list is empty, then the loop runs zero times", async () => {
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch: catalog(0) });
    let n = 0;
    for await (const _ of shop.products.list({ q: "zzz" })) n++;
    expect(n).to.equal(0);
  });

  it("when a list is neither awaited nor iterated, then nothing is sent; awaited twice, it is sent once", async () => {
    const fetch = catalog(3);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
    const pending = shop.products.list();
    expect(fetch.calls).to.have.length(0);
    const [a, b] = await Promise.all([pending, pending]);
    expect(a).to.equal(b);
    expect(fetch.calls).to.have.length(1);
  });

  it("when a start cursor is given, then the first request uses it", async () => {
    const fetch = catalog(6);
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch });
    const page = await shop.products.list({ limit: 2, cursor: "4" });
    expect(page.data.map((p) => p.id)).to.deep.equal([5, 6]);
  });

  it("when the users, orders and receipts lists are iterated, then they follow next_cursor the same way", async () => {
    const fetch = stubFetch((request) => {
      const cursor = request.url.searchParams.get("cursor");
      if (request.path === "/v1/users") return json(200, { data: [{ ...USER, id: cursor ? 2 : 1 }], next_cursor: cursor ? null : "c2" });
      return json(200, { data: [], next_cursor: null });
    });
    const shop = new DisqoCommerce({ baseUrl: BASE, fetch, accessToken: "admin" });
    const ids: number[] = [];
    for await (const u of shop.users.list({ email: "example.com" })) ids.push(u.id);
    expect(ids).to.deep.equal([1, 2]);
    expect(fetch.calls[1].url.searchParams.get("email")).to.equal("example.com");
    for await (const _ of shop.orders.list()) expect.fail("no orders");
    for await (const _ of shop.receipts.list({ order_id: "3b241101-e2bb-4255-8caf-4136c566a962" })) expect.fail("no receipts");
    expect(fetch.calls.map((c) => c.path)).to.deep.equal(["/v1/users", "/v1/users", "/v1/orders", "/v1/receipts"]);
  });
});
