import { expect } from "chai";
import { GUEST_CART_COOKIE } from "../src/guest-cart.js";
import { textOf } from "./support/browser.js";
import { SHOPPER, startStorefront, type Storefront } from "./support/app.js";

/** The fake's seeded products: 1 "The Book of Management" ($19.99, 10 in stock), 2 "Cookbook for Engineers" ($25.99, 5), 3 "Desk Lamp" (none). */
describe("storefront guest cart: add without an account, merge on login or signup", () => {
  let shop: Storefront;
  beforeEach(async () => {
    shop = await startStorefront();
  });
  afterEach(() => shop.close());

  it("when a visitor adds from a result card, then the cart shows the line at today's price and the header counts it, with no API cart call", async () => {
    const b = shop.browser();
    const results = await b.get("/search?q=book");
    expect(results.html).to.include(`Add to cart<span class="visually-hidden">: The Book of Management</span>`);
    const added = await b.post("/cart/items", { product_id: 1, quantity: 2 });
    expect(added.location).to.equal("/cart");
    const cart = await b.get("/cart");
    expect(cart.status).to.equal(200);
    const text = textOf(cart.html);
    expect(text).to.include("The Book of Management").and.include("$39.98").and.include("Log in to check out");
    expect(cart.html).to.include('href="/login?next=%2Fcheckout"');
    expect(text).to.match(/Cart\s*,\s*2\s*items/);
    expect(b.cookies.has(GUEST_CART_COOKIE)).to.equal(true);
    expect(shop.platform.calls).to.not.include("cart.addItem").and.not.include("cart.get");
  });

  it("when a visitor asks for more than the stock, or for a product that does not exist, then nothing is added and the page says why", async () => {
    const b = shop.browser();
    await b.get("/products/2");
    const tooMany = await b.post("/cart/items", { product_id: 2, quantity: 6, back: "/products/2" });
    expect(tooMany.location).to.equal("/products/2");
    expect(textOf((await b.get("/products/2")).html)).to.include("isn't enough stock");
    const gone = await b.post("/cart/items", { product_id: 999, quantity: 1 });
    expect(gone.location).to.equal("/");
    expect(textOf((await b.get("/cart")).html)).to.include("Your cart is empty");
  });

  it("when the visitor changes and removes guest lines, then the cookie follows", async () => {
    const b = shop.browser();
    await b.get("/search?q=book");
    await b.post("/cart/items", { product_id: 1, quantity: 1 });
    await b.get("/cart");
    await b.post("/cart/items", { product_id: 2, quantity: 1 });
    await b.get("/cart");
    await b.post("/cart/items/1", { quantity: 3 });
    let text = textOf((await b.get("/cart")).html);
    expect(text).to.include("$59.97").and.include("Cookbook for Engineers");
    await b.post("/cart/items/2/remove");
    text = textOf((await b.get("/cart")).html);
    expect(text).to.not.include("Cookbook for Engineers");
    await b.post("/cart/clear");
    expect(textOf((await b.get("/cart")).html)).to.include("Your cart is empty");
    expect(b.cookies.has(GUEST_CART_COOKIE)).to.equal(false);
  });

  it("when the visitor logs in, then the guest lines join their cart (quantities add) and the guest cookie is gone", async () => {
    const b = shop.browser();
    await b.login(SHOPPER.email, SHOPPER.password);
    await b.get("/products/1");
    await b.post("/cart/items", { product_id: 1, quantity: 1, back: "/products/1" });
    await b.post("/logout");
    await b.get("/search?q=book");
    await b.post("/cart/items", { product_id: 1, quantity: 2 });
    await b.get("/cart");
    await b.post("/cart/items", { product_id: 2, quantity: 1 });
    await b.get("/login?next=%2Fcheckout");
    const landed = await b.post("/login", { ...SHOPPER, next: "/checkout" });
    expect(landed.location).to.equal("/checkout");
    expect(b.cookies.has(GUEST_CART_COOKIE)).to.equal(false);
    const cart = await b.get("/cart");
    const text = textOf(cart.html);
    expect(text).to.include("We moved 2 items from before you logged in into your cart");
    expect(text).to.include("$59.97").and.include("Cookbook for Engineers").and.include("Go to checkout");
  });

  it("when the stock cannot cover a guest line at login, then it is added as far as the stock goes, and the shopper is told", async () => {
    const b = shop.browser();
    await b.get("/products/2");
    await b.post("/cart/items", { product_id: 2, quantity: 4, back: "/products/2" });
    // meanwhile, someone else buys most of it
    shop.platform.products.find((p) => p.id === 2)!.available = 3;
    await b.get("/login");
    await b.post("/login", { ...SHOPPER, next: "/cart" });
    const text = textOf((await b.get("/cart")).html);
    expect(text).to.include("1 with fewer units, as that is all the stock we have");
    expect(text).to.match(/Cookbook for Engineers[\s\S]*\$77\.97/);
  });

  it("when the cart service fails during the merge, then login still succeeds and the guest cart is kept for next time", async () => {
    const b = shop.browser();
    await b.get("/products/1");
    await b.post("/cart/items", { product_id: 1, quantity: 1, back: "/products/1" });
    shop.platform.failNext("cart.addItem", 503);
    await b.get("/login");
    const landed = await b.post("/login", { ...SHOPPER, next: "/" });
    expect(landed.status).to.equal(303);
    expect(b.cookies.has(GUEST_CART_COOKIE)).to.equal(true);
  });
});
