import { expect } from "chai";
import { bandLabel } from "../src/routes/catalog.js";
import { textOf } from "./support/browser.js";
import { startStorefront, type Storefront } from "./support/app.js";

describe("storefront facets and images (fake platform)", () => {
  let shop: Storefront;
  beforeEach(async () => {
    shop = await startStorefront();
  });
  afterEach(() => shop.close());

  it("when a price band is named, then it reads as shoppers say prices", () => {
    expect(bandLabel({ min: 0, max: 999 })).to.equal("Under $10");
    expect(bandLabel({ min: 1000, max: 2499 })).to.equal("$10 to $24.99");
    expect(bandLabel({ min: 10000, max: null })).to.equal("$100 and up");
  });

  it("when the API answers no facets (over 10,000 matches), then the results still show, without a facet panel", async () => {
    const page = await shop.browser().get("/search?q=book");
    expect(page.status).to.equal(200);
    expect(page.html).to.not.include('class="facets"');
    expect(textOf(page.html)).to.include("The Book of Management");
  });

  it("when a category is in the query, then it is asked of the API, selected in the form and removable as a chip", async () => {
    shop.platform.products.find((p) => p.id === 1)!.category = "books";
    const page = await shop.browser().get("/search?category=books");
    expect(page.html).to.match(/<option value="books" selected>/);
    expect(textOf(page.html)).to.include("The Book of Management").and.not.include("Desk Lamp");
    expect(page.html).to.include('href="/search?sort=newest"');
    const unknown = await shop.browser().get("/search?category=weapons");
    expect(unknown.status).to.equal(200);
    expect(unknown.html).to.include('<option value="">All categories</option>').and.not.match(/value="weapons"/);
  });

  it("when an image is not on the platform, then the storefront's image route is a bare 404; a malformed path never reaches the API", async () => {
    const missing = await fetch(`${shop.base}/images/0123456789abcdef0123/320`);
    expect(missing.status).to.equal(404);
    const calls = shop.platform.calls.length;
    for (const bad of ["/images/UPPER0123456789abcd/320", "/images/0123456789abcdef0123/999", "/images/0123456789abcdef0123/320.webp"]) {
      expect((await fetch(shop.base + bad)).status, bad).to.equal(404);
    }
    expect(shop.platform.calls.length).to.equal(calls);
  });

  it("when the related-products call fails, then the product page still renders, without them", async () => {
    shop.platform.failNext("products.list", 503);
    const page = await shop.browser().get("/products/1");
    expect(page.status).to.equal(200);
    expect(textOf(page.html)).to.include("The Book of Management");
    expect(page.html).to.not.include('id="related-heading"');
  });

  it("when the API is down, then an image is the 503 page, not a stack trace, and never cached", async () => {
    shop.platform.down = true;
    const res = await fetch(`${shop.base}/images/0123456789abcdef0123/320`);
    expect(res.status).to.equal(503);
    expect(res.headers.get("cache-control") ?? "").to.not.include("immutable");
    expect(await res.text()).to.not.match(/at \w+ \(/);
  });
});
