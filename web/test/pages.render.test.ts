import { expect } from "chai";
import { textOf } from "./support/browser.js";
import { ADMIN, SHOPPER, startStorefront, type Storefront } from "./support/app.js";

describe("storefront pages: every route renders", () => {
  let shop: Storefront;
  beforeEach(async () => {
    shop = await startStorefront();
  });
  afterEach(() => shop.close());

  it("when anonymous, then home, search, product, login and register render with a title and the stylesheet", async () => {
    const b = shop.browser();
    for (const [path, heading] of [
      ["/", "Find something you'll love"],
      ["/search?q=book", "Results for “book”"],
      ["/products/1", "The Book of Management"],
      ["/login", "Log in"],
      ["/register", "Create an account"],
    ] as const) {
      const page = await b.get(path);
      expect(page.status, path).to.equal(200);
      expect(page.headers.get("content-type"), path).to.match(/^text\/html/);
      expect(textOf(page.html), path).to.include(heading);
      expect(page.html, path).to.include('<link rel="stylesheet" href="/static/css/site.css">');
    }
  });

  it("when the stylesheet and script are asked for, then the app serves them itself", async () => {
    const b = shop.browser();
    const css = await b.get("/static/css/site.css");
    expect(css.status).to.equal(200);
    expect(css.headers.get("content-type")).to.match(/text\/css/);
    expect(css.html).to.include(":focus-visible");
    const js = await b.get("/static/js/site.js");
    expect(js.status).to.equal(200);
    expect(js.headers.get("content-type")).to.match(/javascript/);
  });

  it("when a shopper is logged in, then cart, checkout, orders and account render", async () => {
    const b = shop.browser();
    await b.login(SHOPPER.email, SHOPPER.password);
    await b.get("/products/1");
    await b.submit("/cart/items", { product_id: 1, quantity: 1 });

    const cart = await b.get("/cart");
    expect(cart.status).to.equal(200);
    expect(textOf(cart.html)).to.include("The Book of Management").and.include("$19.99");
    const checkout = await b.get("/checkout");
    expect(checkout.status).to.equal(200);
    expect(textOf(checkout.html)).to.include("Shipping and promo code");
    const orders = await b.get("/orders");
    expect(orders.status).to.equal(200);
    expect(textOf(orders.html)).to.include("No orders yet");
    const account = await b.get("/account");
    expect(account.status).to.equal(200);
    expect(textOf(account.html)).to.include("shopper@example.com");
    // The nav offers the shopper's pages and no admin link.
    expect(account.html).to.include('href="/orders"').and.not.include('href="/admin"');
  });

  it("when an admin is logged in, then the admin pages render and the nav links to them", async () => {
    const b = shop.browser();
    const home = await b.login(ADMIN.email, ADMIN.password);
    expect(home.html).to.include('href="/admin"');
    for (const [path, heading] of [
      ["/admin/products", "Products"],
      ["/admin/products/new", "New product"],
      ["/admin/products/1/edit", "Edit product #1"],
      ["/admin/orders", "Orders"],
    ] as const) {
      const page = await b.get(path);
      expect(page.status, path).to.equal(200);
      expect(textOf(page.html), path).to.include(heading);
    }
    expect((await b.get("/admin")).location).to.equal("/admin/products");
  });

  it("when a customer opens an admin page, then a 403 page is shown", async () => {
    const b = shop.browser();
    await b.login(SHOPPER.email, SHOPPER.password);
    for (const path of ["/admin/products", "/admin/orders", "/admin/products/new"]) {
      const page = await b.get(path);
      expect(page.status, path).to.equal(403);
      expect(textOf(page.html), path).to.include("Not allowed");
    }
  });

  it("when a page or product does not exist, then a friendly 404 page is shown", async () => {
    const b = shop.browser();
    for (const path of ["/no-such-page", "/products/999", "/products/abc", "/products/1%3Cx"]) {
      const page = await b.get(path);
      expect(page.status, path).to.equal(404);
      expect(textOf(page.html), path).to.include("Page not found").and.include("Go to the home page");
    }
  });

  it("when the API is unreachable, then the 'we'll be right back' page is shown with a 503", async () => {
    shop.platform.down = true;
    const page = await shop.browser().get("/");
    expect(page.status).to.equal(503);
    expect(textOf(page.html)).to.include("We'll be right back").and.include("can't reach its services");
  });

  it("when a page fails unexpectedly, then the 500 page shows and nothing internal leaks", async () => {
    // A platform answer the page cannot handle: a programming error, not an API error.
    shop.platform.products = null as never;
    const page = await shop.browser().get("/");
    expect(page.status).to.equal(500);
    expect(textOf(page.html)).to.include("Something went wrong");
    expect(page.html).to.not.match(/TypeError|at .*\.ts:\d+/);
  });
});
