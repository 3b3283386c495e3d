import { expect } from "chai";
import { Browser } from "./support/browser.js";
import { ADMIN, SHOPPER, startStorefront, type Storefront } from "./support/app.js";
import { VISITOR_COOKIE } from "../src/visitor.js";

/** The storefront's page-view events are sent after the page; wait for the batch to land. */
async function trackedAfter(shop: Storefront, count: number) {
  for (let i = 0; i < 50 && shop.platform.tracked.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return shop.platform.tracked;
}

describe("storefront analytics: visitor cookie and page views", () => {
  let shop: Storefront;
  beforeEach(async () => {
    shop = await startStorefront();
  });
  afterEach(() => shop.close());

  it("when a new visitor opens a page, then it gets an HttpOnly, SameSite=Lax, year-long visitor cookie and the same id on the next page", async () => {
    const browser = shop.browser();
    const first = await browser.get("/");
    const cookie = first.setCookies.find((c) => c.startsWith(`${VISITOR_COOKIE}=`));
    expect(cookie).to.match(/^dc_visitor=v_[0-9a-f]{24};/);
    expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i).and.match(/Max-Age=31536000/);
    const second = await browser.get("/search?q=book");
    expect(second.setCookies.some((c) => c.startsWith(`${VISITOR_COOKIE}=`))).to.equal(false);
    const tracked = await trackedAfter(shop, 2);
    expect(tracked.map((t) => t.visitorId)).to.deep.equal([browser.cookies.get(VISITOR_COOKIE), browser.cookies.get(VISITOR_COOKIE)]);
  });

  it("when a visitor views a product, then one batch carries the page view and the product view", async () => {
    const product = shop.platform.products[0]!;
    await shop.browser().get(`/products/${product.id}`);
    const [batch] = await trackedAfter(shop, 1);
    expect(batch!.events).to.deep.equal([
      { type: "page_view", properties: { path: `/products/${product.id}` } },
      { type: "product_view", properties: { product_id: product.id } },
    ]);
    expect(batch!.userId).to.equal(null);
  });

  it("when a shopper is logged in, then the page views carry their user with the visitor", async () => {
    const browser = shop.browser();
    await browser.login(SHOPPER.email, SHOPPER.password);
    shop.platform.tracked.length = 0;
    await browser.get("/");
    const [batch] = await trackedAfter(shop, 1);
    expect(batch!.userId).to.equal(shop.platform.users.find((u) => u.email === SHOPPER.email)!.id);
    expect(batch!.visitorId).to.equal(browser.cookies.get(VISITOR_COOKIE));
  });

  it("when the cookie holds something that is not a visitor id, then it is replaced and never sent on", async () => {
    const browser = shop.browser();
    browser.cookies.set(VISITOR_COOKIE, "bad%20id%3Cscript%3E");
    const page = await browser.get("/");
    expect(page.setCookies.some((c) => /^dc_visitor=v_[0-9a-f]{24};/.test(c))).to.equal(true);
    const [batch] = await trackedAfter(shop, 1);
    expect(batch!.visitorId).to.match(/^v_[0-9a-f]{24}$/);
  });

  it("when the browser sends Global Privacy Control, then it gets no visitor cookie and no page view is sent", async () => {
    const browser = new Browser(shop.base, { "Sec-GPC": "1" });
    const page = await browser.get("/");
    expect(page.status).to.equal(200);
    expect(page.setCookies.some((c) => c.startsWith(`${VISITOR_COOKIE}=`))).to.equal(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(shop.platform.tracked).to.deep.equal([]);
  });

  it("when a page is not found or an admin page is seen, then no page view is sent", async () => {
    const browser = shop.browser();
    expect((await browser.get("/products/999999")).status).to.equal(404);
    await browser.login(ADMIN.email, ADMIN.password);
    shop.platform.tracked.length = 0;
    expect((await browser.get("/admin/orders")).status).to.equal(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(shop.platform.tracked).to.deep.equal([]);
  });

  it("when the analytics API is down, then pages still render and the lost view is only logged", async () => {
    shop.platform.analyticsDown = true;
    const page = await shop.browser().get(`/products/${shop.platform.products[0]!.id}`);
    expect(page.status).to.equal(200);
    expect(page.html).to.include(shop.platform.products[0]!.name);
    await new Promise((r) => setTimeout(r, 50));
    expect(shop.platform.calls).to.include("analytics.track");
    expect(shop.platform.tracked).to.deep.equal([]);
  });
});
