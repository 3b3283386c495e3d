import { expect } from "chai";
import { hidden, textOf, type Browser } from "./support/browser.js";
import { ADMIN, SHOPPER, startStorefront, type Storefront } from "./support/app.js";

const ADDRESS = { name: "Ada Lovelace", address_1: "1 Main St", address_2: "", city: "Los Angeles", state: "CA", zip_code: "90001" };

describe("storefront flows: search, account, cart, checkout, orders, admin", () => {
  let shop: Storefront;
  beforeEach(async () => {
    shop = await startStorefront();
  });
  afterEach(() => shop.close());

  async function cartWith(b: Browser, items: Array<[number, number]>): Promise<void> {
    for (const [productId, quantity] of items) {
      await b.get(`/products/${productId}`);
      const added = await b.post("/cart/items", { product_id: productId, quantity, back: `/products/${productId}` });
      expect(added.location).to.equal("/cart");
    }
  }

  async function quote(b: Browser, promo = ""): Promise<{ page: Awaited<ReturnType<Browser["get"]>>; quoteId: string }> {
    await b.get("/checkout");
    const posted = await b.post("/checkout/quote", { ...ADDRESS, promo_code: promo });
    expect(posted.status, textOf(posted.html)).to.equal(303);
    const page = await b.get(posted.location!);
    return { page, quoteId: hidden(page.html, "quote_id") };
  }

  describe("search", () => {
    beforeEach(() => {
      for (let i = 1; i <= 25; i++) shop.platform.addProduct({ name: `Management handbook ${i}`, price: 1000 + i * 100, stock: 3 });
    });

    it("when searching 'management', then matching products show with a count, and pages walk forward and back", async () => {
      const b = shop.browser();
      const first = await b.get("/search?q=management");
      expect(textOf(first.html)).to.include("26 products found");
      const next = /href="([^"]+)" rel="next"/.exec(first.html)![1].replace(/&amp;/g, "&");
      const second = await b.get(next);
      expect(textOf(second.html)).to.include("page 2");
      expect(second.html).to.not.include('rel="next"');
      const firstNames = [...first.html.matchAll(/class="product-name"[^>]*>([^<]+)</g)].map((m) => m[1]);
      const secondNames = [...second.html.matchAll(/class="product-name"[^>]*>([^<]+)</g)].map((m) => m[1]);
      expect(firstNames).to.have.length(20);
      expect(secondNames).to.have.length(6);
      expect(firstNames.filter((n) => secondNames.includes(n))).to.deep.equal([]);
      const prev = /href="([^"]+)" rel="prev"/.exec(second.html)![1].replace(/&amp;/g, "&");
      const back = await b.get(prev);
      expect([...back.html.matchAll(/class="product-name"[^>]*>([^<]+)</g)].map((m) => m[1])).to.deep.equal(firstNames);
    });

    it("when filtering by price and sorting, then only products in range show, cheapest first", async () => {
      const page = await shop.browser().get("/search?q=handbook&min_price=15&max_price=20.00&sort=price_asc");
      const prices = [...page.html.matchAll(/class="product-price">\$([\d.,]+)</g)].map((m) => Number(m[1]));
      expect(prices).to.deep.equal([15, 16, 17, 18, 19, 20]);
      expect(page.html).to.include('<option value="price_asc" selected>');
    });

    it("when nothing matches, then 'No products found' is shown", async () => {
      const page = await shop.browser().get("/search?q=zzzxqy");
      expect(page.status).to.equal(200);
      expect(textOf(page.html)).to.include("No products found");
    });

    it("when a price filter is not a price, then the field says so and the search still runs", async () => {
      const page = await shop.browser().get("/search?q=handbook&min_price=abc&max_price=-3");
      expect(textOf(page.html)).to.include("Enter a price like 10 or 9.99").and.include("Enter a price like 50 or 49.99");
      expect(page.html).to.include('aria-invalid="true"');
      expect(textOf(page.html)).to.include("25 products found");
    });
  });

  describe("login and register", () => {
    it("when the password is wrong, then a clear message shows and the email is kept", async () => {
      const b = shop.browser();
      await b.get("/login");
      const page = await b.post("/login", { email: SHOPPER.email, password: "wrong-password", next: "/" });
      expect(page.status).to.equal(401);
      expect(textOf(page.html)).to.include("That email and password don't match an account");
      expect(page.html).to.include(`value="${SHOPPER.email}"`);
    });

    it("when login is rate limited, then the shopper is told to wait and for how long", async () => {
      const b = shop.browser();
      await b.get("/login");
      for (let i = 0; i < 5; i++) await b.post("/login", { email: SHOPPER.email, password: "nope", next: "/" });
      const page = await b.post("/login", { email: SHOPPER.email, password: SHOPPER.password, next: "/" });
      expect(page.status).to.equal(429);
      expect(textOf(page.html)).to.include("Too many login attempts").and.include("60 seconds");
    });

    it("when registering, then the account is created and the shopper is logged in", async () => {
      const b = shop.browser();
      await b.get("/register");
      const page = await b.post("/register", { first_name: "Alan", last_name: "Turing", email: "alan@example.com", password: "enigma-machine-1", password_confirm: "enigma-machine-1", next: "/" });
      expect(page.status).to.equal(303);
      const home = await b.visit(page.location!);
      expect(textOf(home.html)).to.include("Welcome, Alan! Your account is ready.");
      expect((await b.get("/orders")).status).to.equal(200);
    });

    it("when the API limits registrations from this address, then the form says when to try again and keeps the fields", async () => {
      shop.platform.registrationsLeft = 0;
      const b = shop.browser();
      await b.get("/register");
      const page = await b.post("/register", { first_name: "Alan", last_name: "Turing", email: "alan@example.com", password: "enigma-machine-1", password_confirm: "enigma-machine-1", next: "/" });
      expect(page.status).to.equal(429);
      expect(textOf(page.html)).to.include("Too many new accounts from your network. Please try again in 30 minutes.");
      expect(page.html).to.include('value="alan@example.com"');
    });

    it("when registering with bad fields or a taken email, then each field says what is wrong", async () => {
      const b = shop.browser();
      await b.get("/register");
      const bad = await b.post("/register", { first_name: "", last_name: "T", email: "not-an-email", password: "short", password_confirm: "other", next: "/" });
      expect(bad.status).to.equal(422);
      const text = textOf(bad.html);
      expect(text).to.include("Enter your first name").and.include("Enter an email address").and.include("Use at least 10 characters").and.include("The passwords don't match");
      const taken = await b.post("/register", { first_name: "A", last_name: "L", email: SHOPPER.email, password: "long-enough-pass", password_confirm: "long-enough-pass", next: "/" });
      expect(taken.status).to.equal(409);
      expect(textOf(taken.html)).to.include("An account with this email already exists");
    });
  });

  describe("cart", () => {
    it("when adding, changing and removing items, then the cart and its subtotal follow", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await cartWith(b, [
        [1, 2],
        [2, 1],
      ]);
      let cart = await b.get("/cart");
      expect(textOf(cart.html)).to.include("Subtotal (3 items) $65.97");

      const itemId = /action="\/cart\/items\/(\d+)" method="post" class="qty-form"/.exec(cart.html)![1];
      await b.post(`/cart/items/${itemId}`, { quantity: 3 });
      cart = await b.get("/cart");
      expect(textOf(cart.html)).to.include("Quantity updated.").and.include("Subtotal (4 items) $85.96");

      await b.post(`/cart/items/${itemId}/remove`);
      cart = await b.get("/cart");
      expect(textOf(cart.html)).to.include("Item removed").and.include("Subtotal (1 item) $25.99");

      await b.post("/cart/clear");
      cart = await b.get("/cart");
      expect(textOf(cart.html)).to.include("Your cart is empty");
    });

    it("when asking for more than the stock or a bad quantity, then the product page says so and the cart is unchanged", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await b.get("/products/2");
      const tooMany = await b.post("/cart/items", { product_id: 2, quantity: 6, back: "/products/2" });
      expect(tooMany.location).to.equal("/products/2");
      expect(textOf((await b.get("/products/2")).html)).to.include("there isn't enough stock");
      const zero = await b.post("/cart/items", { product_id: 2, quantity: 0 });
      expect(zero.location).to.equal("/products/2");
      expect(shop.platform.cartOf(1)).to.deep.equal([]);
    });

    it("when a product is out of stock, then its page offers no add-to-cart form", async () => {
      const page = await shop.browser().get("/products/3");
      expect(textOf(page.html)).to.include("Out of stock");
      // the product's own form; related products below keep theirs
      expect(page.html).to.not.include('class="add-to-cart"');
      expect(page.html).to.not.include('name="product_id" value="3"');
    });
  });

  describe("checkout", () => {
    it("when quoting with WELCOME10, then discount, tax, shipping and total show, and paying places one order", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await cartWith(b, [
        [1, 1],
        [2, 1],
      ]);
      const { page, quoteId } = await quote(b, "welcome10");
      const text = textOf(page.html);
      // 19.99 + 25.99 = 45.98; 10% off = 4.60; tax 7.25% of 41.38 = 3.00; shipping 5.99 under $50.
      expect(text).to.include("Subtotal $45.98").and.include("Discount (WELCOME10) −$4.60").and.include("Shipping $5.99").and.include("Tax $3.00").and.include("Total $50.37");
      expect(text).to.include("tok_visa").and.include("tok_chargeDeclined").and.include("tok_insufficientFunds");

      const paid = await b.post("/checkout/pay", { quote_id: quoteId, card_token: "tok_visa", idempotency_key: hidden(page.html, "idempotency_key") });
      expect(paid.status).to.equal(303);
      expect(paid.location).to.match(/^\/orders\/[\w-]+\/confirmation$/);
      const confirmation = await b.get(paid.location!);
      expect(textOf(confirmation.html)).to.include("Thank you! Order").and.include("$50.37");
      expect(shop.platform.charges).to.equal(1);
      expect(shop.platform.cartOf(1)).to.deep.equal([]);

      // The paid quote's page no longer offers to pay; it points to the order.
      const stale = await b.get(`/checkout?quote=${quoteId}`);
      expect(textOf(stale.html)).to.include("This quote is already paid.");
      expect(stale.html).to.not.include('action="/checkout/pay"');
    });

    it("when the API answers that the same payment is still in flight, then the storefront waits and shows the one order it placed", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await cartWith(b, [[1, 1]]);
      const { page, quoteId } = await quote(b);
      shop.platform.failNext("checkout.create", 409, "idempotency_key_in_flight", 2);
      const paid = await b.post("/checkout/pay", { quote_id: quoteId, card_token: "tok_visa", idempotency_key: hidden(page.html, "idempotency_key") });
      expect(paid.status).to.equal(303);
      expect(paid.location).to.match(/^\/orders\/[\w-]+\/confirmation$/);
      expect(shop.platform.calls.filter((c) => c === "checkout.create")).to.have.length(3);
      expect(shop.platform.charges).to.equal(1);
    });

    it("when a promo code is unknown or the address is incomplete, then the form says so", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await cartWith(b, [[1, 1]]);
      await b.get("/checkout");
      const bad = await b.post("/checkout/quote", { ...ADDRESS, promo_code: "NOPE99" });
      expect(bad.status).to.equal(422);
      expect(textOf(bad.html)).to.include("That promo code does not exist or has expired");
      const noAddress = await b.post("/checkout/quote", { ...ADDRESS, address_1: "", state: "California", promo_code: "" });
      expect(noAddress.status).to.equal(422);
      expect(textOf(noAddress.html)).to.include("Enter the street address").and.include("Use the two-letter state code");
    });

    it("when a price changed since the item was added, then the quote lists the change", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await cartWith(b, [[1, 1]]);
      shop.platform.products[0].price = { amount: 2499, currency: "USD" };
      const { page } = await quote(b);
      expect(textOf(page.html)).to.include("Prices changed since you added these items").and.include("was $19.99, now $24.99");
    });

    it("when the card is declined, then the reason shows, nothing is ordered and the cart is kept; another card then works", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await cartWith(b, [[1, 1]]);
      const { page, quoteId } = await quote(b);
      const declined = await b.post("/checkout/pay", { quote_id: quoteId, card_token: "tok_chargeDeclined", idempotency_key: hidden(page.html, "idempotency_key") });
      expect(declined.status).to.equal(402);
      expect(textOf(declined.html)).to.include("Payment declined: Your card was declined.").and.include("Your cart is unchanged");
      expect(shop.platform.orders).to.have.length(0);
      expect(shop.platform.cartOf(1)).to.have.length(1);

      const retryKey = hidden(declined.html, "idempotency_key");
      expect(retryKey).to.not.equal(hidden(page.html, "idempotency_key"));
      const insufficient = await b.post("/checkout/pay", { quote_id: quoteId, card_token: "tok_insufficientFunds", idempotency_key: retryKey });
      expect(textOf(insufficient.html)).to.include("insufficient funds");
      const paid = await b.post("/checkout/pay", { quote_id: quoteId, card_token: "tok_visa", idempotency_key: hidden(insufficient.html, "idempotency_key") });
      expect(paid.location).to.match(/confirmation$/);
      expect(shop.platform.orders).to.have.length(1);
    });

    it("when the pay form is submitted twice at once, then one order is made and both land on its confirmation", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await cartWith(b, [[1, 1]]);
      const { page, quoteId } = await quote(b);
      const form = { quote_id: quoteId, card_token: "tok_visa", idempotency_key: hidden(page.html, "idempotency_key") };
      let release!: () => void;
      shop.platform.checkoutGate = new Promise((resolve) => (release = resolve));
      const both = Promise.all([b.post("/checkout/pay", form), b.post("/checkout/pay", form)]);
      setTimeout(() => release(), 50);
      const [one, two] = await both;
      expect(one.location).to.match(/confirmation$/);
      expect(two.location).to.equal(one.location);
      expect(shop.platform.checkoutCalls).to.equal(2);
      expect(shop.platform.charges).to.equal(1);
      expect(shop.platform.orders).to.have.length(1);

      // Submitting the same page again later (back button) replays the same order too.
      const again = await b.post("/checkout/pay", form);
      expect(again.location).to.equal(one.location);
      expect(shop.platform.charges).to.equal(1);
    });

    it("when the cart is empty, then checkout sends the shopper back to the cart", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      const page = await b.get("/checkout");
      expect(page.location).to.equal("/cart");
    });

    it("when someone else's quote id is opened, then it is not found", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await cartWith(b, [[1, 1]]);
      const { quoteId } = await quote(b);
      const other = shop.browser();
      await other.login(ADMIN.email, ADMIN.password);
      expect((await other.get(`/checkout?quote=${quoteId}`)).status).to.equal(404);
    });
  });

  describe("orders", () => {
    async function placeOrder(b: Browser): Promise<string> {
      await cartWith(b, [[1, 1]]);
      const { page, quoteId } = await quote(b, "WELCOME10");
      const paid = await b.post("/checkout/pay", { quote_id: quoteId, card_token: "tok_visa", idempotency_key: hidden(page.html, "idempotency_key") });
      return /\/orders\/([\w-]+)\/confirmation/.exec(paid.location!)![1];
    }

    it("when an order is placed, then history lists it and its page shows the receipt; cancelling adds a refund receipt", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      const orderId = await placeOrder(b);

      const history = await b.get("/orders");
      expect(history.html).to.include(`href="/orders/${orderId}"`);
      expect(textOf(history.html)).to.include("Paid");

      const detail = await b.get(`/orders/${orderId}`);
      expect(textOf(detail.html)).to.include("Receipt").and.include("payment of $25.28").and.include("Cancel this order");

      const cancelled = await b.submit(`/orders/${orderId}/cancel`, { idempotency_key: hidden(detail.html, "idempotency_key") });
      const text = textOf(cancelled.html);
      expect(text).to.include("Your order was cancelled and a refund was issued").and.include("Cancelled").and.include("Refund receipt");
      expect(text).to.not.include("Cancel this order");

      const refundId = /href="\/receipts\/([\w-]+)">Refund receipt/.exec(cancelled.html)![1];
      const receipt = await b.get(`/receipts/${refundId}`);
      expect(textOf(receipt.html)).to.include("Refund receipt").and.include("Refunded $25.28");
    });

    it("when another shopper opens the order, then it is not found", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      const orderId = await placeOrder(b);
      shop.platform.addUser({ email: "eve@example.com", password: "eve-password-1", first_name: "Eve", last_name: "X" });
      const eve = shop.browser();
      await eve.login("eve@example.com", "eve-password-1");
      expect((await eve.get(`/orders/${orderId}`)).status).to.equal(404);
    });

    it("when an admin ships the order, then the shopper sees it shipped and can no longer cancel it", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      const orderId = await placeOrder(b);
      const staleDetail = await b.get(`/orders/${orderId}`);

      const admin = shop.browser();
      await admin.login(ADMIN.email, ADMIN.password);
      const list = await admin.get("/admin/orders?status=paid");
      expect(list.html).to.include(`action="/admin/orders/${orderId}/ship"`);
      const shipped = await admin.submit(`/admin/orders/${orderId}/ship`, { carrier: "UPS", tracking_number: "1Z999", expected_arrival_date: "2030-01-15", back: "/admin/orders?status=paid" });
      expect(textOf(shipped.html)).to.include("was marked shipped");

      const detail = await b.get(`/orders/${orderId}`);
      expect(textOf(detail.html)).to.include("Shipped").and.include("UPS").and.include("1Z999").and.include("Jan 15, 2030");
      expect(detail.html).to.not.include("Cancel this order");

      // A cancel from a page loaded before the shipment is refused with the reason.
      const late = await b.submit(`/orders/${orderId}/cancel`, { idempotency_key: hidden(staleDetail.html, "idempotency_key") });
      expect(textOf(late.html)).to.include("This order can't be cancelled: it is already shipped.");

      const delivered = await admin.submit(`/admin/orders/${orderId}/deliver`, { back: "/admin/orders" });
      expect(textOf(delivered.html)).to.include("was marked delivered");
      expect(textOf((await b.get(`/orders/${orderId}`)).html)).to.include("Delivered");
    });
  });

  describe("account", () => {
    it("when saving the profile, then the address is stored; a bad state is refused", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await b.get("/account");
      const bad = await b.post("/account/profile", { first_name: "Ada", last_name: "Lovelace", address_1: "", address_2: "", city: "", state: "Cal", zip_code: "9", phone: "" });
      expect(bad.status).to.equal(422);
      expect(textOf(bad.html)).to.include("Use the two-letter state code").and.include("Use a ZIP code like 90001");

      const saved = await b.submit("/account/profile", { first_name: "Ada", last_name: "King", address_1: "12 St James Sq", address_2: "", city: "London", state: "ny", zip_code: "10001", phone: "" });
      expect(textOf(saved.html)).to.include("Your profile was saved.");
      expect(shop.platform.user(1)).to.include({ last_name: "King", city: "London", state: "NY", address_2: null });
      // The checkout form starts from the saved address.
      await cartWith(b, [[1, 1]]);
      const checkout = await b.get("/checkout");
      expect(checkout.html).to.include('value="12 St James Sq"');
    });

    it("when changing the password, then a wrong current one is refused and a right one keeps this session signed in", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await b.get("/account");
      const wrong = await b.post("/account/password", { current_password: "not-it", new_password: "a-brand-new-pass", new_password_confirm: "a-brand-new-pass" });
      expect(wrong.status).to.equal(422);
      expect(textOf(wrong.html)).to.include("That is not your current password");

      const other = shop.browser();
      await other.login(SHOPPER.email, SHOPPER.password);

      const changed = await b.submit("/account/password", { current_password: SHOPPER.password, new_password: "a-brand-new-pass", new_password_confirm: "a-brand-new-pass" });
      expect(textOf(changed.html)).to.include("Your password was changed");
      expect(shop.platform.user(1).password).to.equal("a-brand-new-pass");
      expect((await b.get("/orders")).status).to.equal(200);
      // The other session's refresh token was revoked with the change.
      other.cookies.delete("dc_access");
      expect((await other.get("/orders")).status).to.equal(303);
    });
  });

  describe("admin products", () => {
    it("when an admin creates, edits and deactivates a product, then shoppers see the changes", async () => {
      const admin = shop.browser();
      await admin.login(ADMIN.email, ADMIN.password);
      await admin.get("/admin/products/new");
      const invalid = await admin.post("/admin/products", { name: "", description: "", sku: "", price: "12.345", stock: "-1" });
      expect(invalid.status).to.equal(422);
      expect(textOf(invalid.html)).to.include("Enter a name").and.include("Enter a SKU").and.include("Enter a price like 19.99").and.include("Enter a whole number from 0");

      const created = await admin.post("/admin/products", { name: "Garden Book", description: "Plants.", sku: "GB-1", price: "12.50", stock: "7" });
      expect(created.status).to.equal(303);
      const id = /\/admin\/products\/(\d+)\/edit/.exec(created.location!)![1];
      const taken = await admin.post("/admin/products", { name: "Other", description: "", sku: "GB-1", price: "1", stock: "1" });
      expect(taken.status).to.equal(409);
      expect(textOf(taken.html)).to.include("Another product already has this SKU");

      const edit = await admin.get(`/admin/products/${id}/edit`);
      expect(edit.html).to.include('value="12.50"');
      await admin.post(`/admin/products/${id}`, { name: "Garden Book (2nd ed.)", description: "Plants.", sku: "GB-1", price: "14", stock: "7", is_active: "on" });
      const shopper = await shop.browser().get(`/products/${id}`);
      expect(textOf(shopper.html)).to.include("Garden Book (2nd ed.)").and.include("$14.00");

      await admin.get(`/admin/products/${id}/edit`);
      const deactivated = await admin.submit(`/admin/products/${id}/deactivate`);
      expect(textOf(deactivated.html)).to.include("was deactivated");
      expect((await shop.browser().get(`/products/${id}`)).status).to.equal(404);
    });
  });
});
