/**
 * The shopper's journey in a real browser (Debian's Chromium driven by playwright-core),
 * against the whole running platform at WEB_URL (`make e2e` starts one on a fresh database;
 * `make start` works too). Every step leaves a screenshot in web/test/e2e/screenshots/.
 *
 *   as a guest: search "book" -> narrow to the Books facet (images load) -> add from a result
 *   card and a product page -> guest cart -> a product page with its image and related products ->
 *   sign up at checkout (the cart comes along) -> quote with WELCOME10 -> pay with tok_visa ->
 *   confirmation -> order history -> cancel -> refund receipt;
 *   a declined card keeps the cart; an admin marks an order shipped and the shopper sees it.
 */
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ADMIN, launchChromium, shot, WEB_URL } from "./support.js";

const SHOPPER = {
  first: "Erin",
  last: "Tester",
  email: `e2e.${Date.now()}.${process.pid}@example.com`,
  password: "e2e-journey-passphrase",
};
const ADDRESS = { name: "Erin Tester", address_1: "1 Main St", city: "Los Angeles", state: "CA", zip_code: "90001" };

/** The flash message of the page (success, error or info). */
async function flash(page: Page): Promise<string> {
  return (await page.locator(".flash").first().textContent())?.trim() ?? "";
}

async function newContext(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: WEB_URL, viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  // The cancel and empty-cart buttons ask for confirmation; the shopper says yes.
  page.on("dialog", (dialog) => void dialog.accept());
  return { context, page };
}

/** Adds the first product with stock on the current results page that is not already in the cart. */
async function addProductFromResults(page: Page, resultsUrl: string, skip: Set<string>): Promise<string> {
  await page.goto(resultsUrl);
  const links = await page.locator("a.product-name").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute("href") ?? ""));
  for (const href of links) {
    if (skip.has(href)) continue;
    await page.goto(href);
    const add = page.getByRole("button", { name: "Add to cart", exact: true });
    if ((await add.count()) === 0) continue;
    await page.getByLabel("Quantity").fill("1");
    await add.click();
    await page.waitForURL(/\/cart$/);
    skip.add(href);
    return href;
  }
  throw new Error(`no product with stock on ${resultsUrl}`);
}

async function getQuote(page: Page, promo: string): Promise<void> {
  await page.goto("/checkout");
  await page.getByLabel("Full name").fill(ADDRESS.name);
  await page.getByLabel("Street address").fill(ADDRESS.address_1);
  await page.getByLabel("City").fill(ADDRESS.city);
  await page.getByLabel("State").fill(ADDRESS.state);
  await page.getByLabel("ZIP code").fill(ADDRESS.zip_code);
  await page.getByLabel("Promo code (optional)").fill(promo);
  await page.getByRole("button", { name: "Get quote" }).click();
  await page.waitForURL(/\/checkout\?quote=/);
}

async function pay(page: Page, token: string): Promise<void> {
  await page.locator(`input[name=card_token][value=${token}]`).check();
  await Promise.all([page.waitForLoadState("load"), page.locator("#pay-button").click()]);
}

describe("storefront journey in Chromium", function () {
  this.timeout(120_000);
  let browser: Browser;
  let shopper: { context: BrowserContext; page: Page };
  let cancelledOrderId = "";
  let shippedOrderId = "";

  before(async () => {
    browser = await launchChromium();
    shopper = await newContext(browser);
  });

  after(async () => {
    await browser?.close();
  });

  it("as a guest searches 'book', adds from a result card and a product page, signs up at checkout with the cart kept, quotes with WELCOME10 and pays with tok_visa", async () => {
    const { page } = shopper;
    await page.goto("/");
    expect(await page.locator(".category-list a").count()).to.be.greaterThan(4);
    await shot(page, "home");
    await page.getByLabel("What are you looking for?").fill("book");
    await page.getByLabel("What are you looking for?").press("Enter");
    await page.waitForURL(/\/search\?q=book/);
    expect(await page.locator("h1").textContent()).to.include("book");
    expect(await page.locator(".result-count").textContent()).to.match(/\d+ products? found/);
    expect(await page.locator("a.product-name").count()).to.be.greaterThan(1);
    await shot(page, "search-book");

    // the results carry images (loaded through the storefront's own origin) and facets
    await page.waitForFunction(() => {
      const image = document.querySelector(".product-card img.product-image") as HTMLImageElement | null;
      return image !== null && image.complete && image.naturalWidth > 0;
    });
    const books = page.locator(".facets li").filter({ has: page.getByRole("link", { name: "Books", exact: true }) });
    const booksCount = Number(await books.locator(".facet-count").textContent());
    expect(booksCount).to.be.greaterThan(0);
    await books.getByRole("link").click();
    await page.waitForURL(/category=books/);
    expect(await page.locator(".result-count").textContent()).to.include(`${booksCount} product`);
    expect(await page.locator(".active-filters").textContent()).to.include("Books");
    await shot(page, "search-book-in-books");

    // a result card's own button, without opening the product
    const resultsUrl = page.url();
    const card = page.locator(".product-card").filter({ has: page.locator("form.card-add") }).first();
    const firstHref = (await card.locator("a.product-name").getAttribute("href")) ?? "";
    await card.locator("form.card-add button").click();
    await page.waitForURL(/\/cart$/);
    expect(await page.locator(".cart-count").textContent()).to.match(/1\s*item/);
    await shot(page, "guest-cart-one-item");
    await addProductFromResults(page, resultsUrl, new Set([firstHref]));
    expect(await page.locator("table.lines tbody tr").count()).to.equal(2);
    await shot(page, "guest-cart-two-items");

    // the product page: its image, and more from its category
    await page.goto(firstHref);
    await page.waitForFunction(() => {
      const image = document.querySelector("img.gallery-main") as HTMLImageElement | null;
      return image !== null && image.complete && image.naturalWidth > 0;
    });
    expect(await page.locator("#related-heading").textContent()).to.equal("More in Books");
    await shot(page, "product-page");
    await page.goto("/cart");

    // signing up at checkout keeps the cart
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/register\?next=%2Fcheckout/);
    await shot(page, "register-form");
    await page.getByLabel("First name").fill(SHOPPER.first);
    await page.getByLabel("Last name").fill(SHOPPER.last);
    await page.getByLabel("Email").fill(SHOPPER.email);
    // Two labels contain "password": address the fields by their ids.
    await page.locator("#f-password").fill(SHOPPER.password);
    await page.locator("#f-password_confirm").fill(SHOPPER.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/checkout$/);
    expect(await flash(page)).to.include(`Welcome, ${SHOPPER.first}!`).and.include("We moved 2 items from before you logged in into your cart");
    expect(await page.locator("table.lines tbody tr").count()).to.equal(2);
    await shot(page, "signed-up-checkout");

    await page.goto("/cart");
    expect(await page.locator("#cart-subtotal").textContent()).to.match(/^\$[\d,]+\.\d{2}$/);
    await shot(page, "cart-two-items");

    await getQuote(page, "WELCOME10");
    const discount = (await page.locator("#quote-discount").textContent()) ?? "";
    expect(discount).to.match(/^−\$[\d,]+\.\d{2}$/);
    expect(await page.locator(".totals").textContent()).to.include("Discount (WELCOME10)");
    for (const id of ["#quote-subtotal", "#quote-tax", "#quote-total"]) expect(await page.locator(id).textContent(), id).to.match(/\$[\d,]+\.\d{2}/);
    expect(await page.locator("#quote-shipping").textContent()).to.match(/Free|\$[\d,]+\.\d{2}/);
    await shot(page, "quote-welcome10");

    await pay(page, "tok_visa");
    await page.waitForURL(/\/orders\/[\w-]+\/confirmation$/);
    expect(await page.locator("h1").textContent()).to.match(/Thank you! Order #\w+ is placed\./);
    cancelledOrderId = /\/orders\/([\w-]+)\/confirmation/.exec(page.url())![1];
    await shot(page, "order-confirmation");
  });

  it("shows the order in the history, cancels it and shows the refund receipt", async () => {
    const { page } = shopper;
    await page.goto("/orders");
    const row = page.locator(`a[href="/orders/${cancelledOrderId}"]`);
    expect(await row.count()).to.equal(1);
    await shot(page, "order-history");

    await row.click();
    await page.waitForURL(new RegExp(`/orders/${cancelledOrderId}$`));
    expect(await page.locator("#order-status").textContent()).to.include("Paid");
    expect(await page.locator("#receipts").textContent()).to.include("payment of");
    await shot(page, "order-detail");

    await Promise.all([page.waitForURL(new RegExp(`/orders/${cancelledOrderId}$`)), page.locator("#cancel-button").click()]);
    await page.waitForSelector("text=Refund receipt");
    expect(await flash(page)).to.include("cancelled");
    expect(await page.locator("#order-status").textContent()).to.include("Cancelled");
    expect(await page.locator("#receipts").textContent()).to.include("refund of");
    expect(await page.locator("#cancel-button").count()).to.equal(0);
    await shot(page, "order-cancelled-refund");

    await page.locator("a", { hasText: "Refund receipt" }).click();
    await page.waitForURL(/\/receipts\/[\w-]+$/);
    expect(await page.locator("h1").textContent()).to.include("Refund receipt");
    await shot(page, "refund-receipt");
  });

  it("shows a declined card's reason and keeps the cart; another card then pays", async () => {
    const { page } = shopper;
    await addProductFromResults(page, "/search?q=book", new Set());
    await getQuote(page, "");
    await pay(page, "tok_chargeDeclined");
    const error = (await page.locator("#pay-error").textContent()) ?? "";
    expect(error).to.include("Payment declined");
    expect(error).to.include("cart is unchanged");
    await shot(page, "payment-declined");

    await page.goto("/cart");
    expect(await page.locator("table.lines tbody tr").count()).to.equal(1);
    await shot(page, "cart-kept-after-decline");

    await getQuote(page, "");
    await pay(page, "tok_visa");
    await page.waitForURL(/\/orders\/[\w-]+\/confirmation$/);
    shippedOrderId = /\/orders\/([\w-]+)\/confirmation/.exec(page.url())![1];
    await shot(page, "paid-after-decline");
  });

  it("lets an admin mark the order shipped, and the shopper sees it shipped", async () => {
    const admin = await newContext(browser);
    try {
      const { page } = admin;
      await page.goto("/login");
      await page.getByLabel("Email").fill(ADMIN.email);
      await page.getByLabel("Password").fill(ADMIN.password);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(`${WEB_URL}/`);
      // a product's edit page: its category and its image
      await page.goto("/admin/products/1/edit");
      expect(await page.locator("#images-heading").textContent()).to.equal("Images");
      expect(await page.locator(".admin-image-list img").count()).to.equal(1);
      await shot(page, "admin-product-edit");
      await page.goto("/");
      await page.getByRole("link", { name: "Admin" }).click();
      await page.locator(".admin-nav").getByRole("link", { name: "Orders" }).click();
      await page.getByLabel("Status").selectOption("paid");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(/status=paid/);
      const row = page.locator(`#order-${shippedOrderId}`);
      expect(await row.count()).to.equal(1);
      await shot(page, "admin-orders-paid");

      await row.getByLabel("Tracking number").fill("1Z-E2E-0001");
      await row.getByLabel("Expected arrival").fill("2030-01-15");
      await row.getByRole("button", { name: "Mark shipped" }).click();
      await page.waitForSelector(".flash-success");
      expect(await flash(page)).to.include("was marked shipped");
      await shot(page, "admin-marked-shipped");
    } finally {
      await admin.context.close();
    }

    const { page } = shopper;
    await page.goto(`/orders/${shippedOrderId}`);
    expect(await page.locator("#order-status").textContent()).to.include("Shipped");
    expect(await page.locator("#shipments").textContent()).to.include("1Z-E2E-0001");
    expect(await page.locator("#cancel-button").count()).to.equal(0);
    await shot(page, "shopper-sees-shipped");
  });
});
