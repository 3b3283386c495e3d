import { expect } from "chai";
import { createApp } from "../src/app.js";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../src/session.js";
import { Browser, listen, textOf } from "./support/browser.js";
import { ADMIN, COOKIE_SECRET, SHOPPER, startStorefront, type Storefront } from "./support/app.js";

const HOSTILE = `<script>alert(1)</script>`;

describe("storefront security: escaping, sessions, CSRF", () => {
  let shop: Storefront;
  beforeEach(async () => {
    shop = await startStorefront();
  });
  afterEach(() => shop.close());

  describe("escaping", () => {
    it("when a product is named <script>alert(1)</script>, then every page shows it as text", async () => {
      const product = shop.platform.addProduct({ name: HOSTILE, price: 500, stock: 5, description: `"><img src=x onerror=alert(2)>` });
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      await b.get(`/products/${product.id}`);
      await b.submit("/cart/items", { product_id: product.id, quantity: 1 });

      for (const path of ["/", "/search?q=alert", `/products/${product.id}`, "/cart", "/checkout"]) {
        const page = await b.get(path);
        expect(page.status, path).to.equal(200);
        expect(page.html, path).to.not.include(HOSTILE);
        expect(page.html, path).to.include("&lt;script&gt;alert(1)&lt;/script&gt;");
        expect(page.html, path).to.not.include("<img src=x");
        expect(textOf(page.html), path).to.include(HOSTILE);
      }
    });

    it("when a search term carries markup, then it is echoed escaped, in the heading and in the field", async () => {
      const page = await shop.browser().get(`/search?q=${encodeURIComponent(`"><script>x()</script>`)}`);
      expect(page.html).to.not.include("<script>x()</script>");
      expect(page.html).to.include("&quot;&gt;&lt;script&gt;x()&lt;/script&gt;");
    });

    it("when pages are served, then a strict Content-Security-Policy forbids inline and foreign scripts", async () => {
      const page = await shop.browser().get("/");
      expect(page.headers.get("content-security-policy")).to.include("script-src 'self'").and.include("frame-ancestors 'none'");
      expect(page.headers.get("x-content-type-options")).to.equal("nosniff");
      expect(page.html).to.not.match(/<script(?![^>]*src="\/static\/)/);
      expect(page.html).to.not.match(/https?:\/\/(?!127\.0\.0\.1)[^"']*\.(css|js)/);
    });
  });

  describe("sessions", () => {
    it("when a shopper's page is opened without a session, then it redirects to login and comes back after", async () => {
      const b = shop.browser();
      // (the cart itself is open to guests: see cart.guest.test.ts)
      for (const path of ["/checkout", "/orders", "/orders/abc", "/account", "/admin/products", "/receipts/r1"]) {
        const page = await b.get(path);
        expect(page.status, path).to.equal(303);
        expect(page.location, path).to.equal(`/login?next=${encodeURIComponent(path)}`);
      }
      const login = await b.get(`/login?next=${encodeURIComponent("/orders")}`);
      expect(login.html).to.include('name="next" value="/orders"');
      const landed = await b.post("/login", { ...SHOPPER, next: "/orders" });
      expect(landed.location).to.equal("/orders");
    });

    it("when a shopper-only form is posted without a session, then nothing reaches the API and the shopper is sent to log in", async () => {
      const b = shop.browser();
      await b.get("/products/1");
      const page = await b.post("/account/profile", { first_name: "Eve", last_name: "Guest", back: "/account" });
      expect(page.status).to.equal(303);
      expect(page.location).to.equal(`/login?next=${encodeURIComponent("/account")}`);
      expect(shop.platform.calls).to.not.include("users.updateMe");
    });

    it("when logging in, then the tokens are only in httpOnly SameSite=Lax cookies, never in the page", async () => {
      const b = shop.browser();
      await b.get("/login");
      const page = await b.post("/login", { ...SHOPPER, next: "/" });
      const tokenCookies = page.setCookies.filter((c) => c.startsWith(`${ACCESS_COOKIE}=`) || c.startsWith(`${REFRESH_COOKIE}=`));
      expect(tokenCookies).to.have.length(2);
      for (const cookie of tokenCookies) {
        expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i).and.match(/Path=\//);
      }
      const home = await b.visit(page.location!);
      const access = b.cookies.get(ACCESS_COOKIE)!;
      const refresh = b.cookies.get(REFRESH_COOKIE)!;
      expect(home.html).to.not.include(decodeURIComponent(access)).and.not.include(decodeURIComponent(refresh));
      expect(textOf(home.html)).to.include("Welcome back, Ada!");
    });

    it("when the access token has expired, then the refresh token renews it and the cookies carry the new pair", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      const expired = shop.platform.issueTokens(1, -60);
      b.cookies.set(ACCESS_COOKIE, expired.access_token);
      b.cookies.set(REFRESH_COOKIE, expired.refresh_token);

      const page = await b.get("/account");
      expect(page.status).to.equal(200);
      expect(textOf(page.html)).to.include("shopper@example.com");
      expect(b.cookies.get(ACCESS_COOKIE)).to.not.equal(expired.access_token);
      expect(b.cookies.get(REFRESH_COOKIE)).to.not.equal(expired.refresh_token);
      // The refresh token was spent (rotated), and the new one is live.
      expect(shop.platform.isRefreshTokenLive(expired.refresh_token)).to.equal(false);
      expect(shop.platform.isRefreshTokenLive(b.cookies.get(REFRESH_COOKIE)!)).to.equal(true);
    });

    it("when two requests race to refresh the same expired session, then it is refreshed once and both succeed", async () => {
      const b = shop.browser();
      const expired = shop.platform.issueTokens(1, -60);
      b.cookies.set(REFRESH_COOKIE, expired.refresh_token);
      const [one, two] = await Promise.all([b.get("/account"), b.get("/orders")]);
      expect(one.status).to.equal(200);
      expect(two.status).to.equal(200);
      expect(shop.platform.calls.filter((c) => c === "auth.refresh")).to.have.length(1);
    });

    it("when the refresh token was revoked, then the cookies are cleared and the shopper is asked to log in", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      b.cookies.delete(ACCESS_COOKIE);
      shop.platform.revokeAll(1);
      const page = await b.get("/orders");
      expect(page.status).to.equal(303);
      expect(page.location).to.match(/^\/login\?next=/);
      expect(b.cookies.has(REFRESH_COOKIE)).to.equal(false);
    });

    it("when the API rejects the access token mid-session, then the session ends and login is asked for", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      const forged = shop.platform.issueTokens(1);
      // A token the platform no longer knows (e.g. its signing key rotated) but not yet expired.
      b.cookies.set(ACCESS_COOKIE, forged.access_token.replace(/sig\d+$/, "sigX"));
      const page = await b.get("/cart");
      expect(page.status).to.equal(303);
      expect(page.location).to.equal(`/login?next=${encodeURIComponent("/cart")}`);
      expect(b.cookies.has(ACCESS_COOKIE)).to.equal(false);
    });

    it("when a shopper is logged in, then pages are sent with Cache-Control: no-store; anonymous pages are not", async () => {
      const b = shop.browser();
      expect((await b.get("/")).headers.get("cache-control") ?? "").to.not.include("no-store");
      await b.get("/login");
      const loggedIn = await b.post("/login", { email: SHOPPER.email, password: SHOPPER.password, next: "/" });
      expect(loggedIn.headers.get("cache-control"), "the login answer that sets the cookies").to.equal("no-store");
      for (const path of ["/", "/account", "/orders", "/cart"]) {
        const page = await b.get(path);
        expect(page.status, path).to.equal(200);
        expect(page.headers.get("cache-control"), path).to.equal("no-store");
      }
    });

    it("when logging out, then the refresh token is revoked and the cookies are cleared", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      const refresh = decodeURIComponent(b.cookies.get(REFRESH_COOKIE)!);
      const page = await b.post("/logout");
      expect(page.status).to.equal(303);
      expect(b.cookies.has(ACCESS_COOKIE)).to.equal(false);
      expect(b.cookies.has(REFRESH_COOKIE)).to.equal(false);
      expect(shop.platform.isRefreshTokenLive(refresh)).to.equal(false);
      expect((await b.get("/orders")).status).to.equal(303);
    });

    it("when login is given a next that leaves the site, then it goes home instead", async () => {
      const b = shop.browser();
      for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example"]) {
        await b.get("/login");
        const page = await b.post("/login", { ...SHOPPER, next });
        expect(page.location, next).to.equal("/");
        await b.post("/logout");
      }
    });
  });

  describe("CSRF", () => {
    it("when a POST comes without the CSRF token, then it is rejected with 403 before reaching the API", async () => {
      const b = shop.browser();
      await b.login(SHOPPER.email, SHOPPER.password);
      for (const path of ["/cart/items", "/cart/clear", "/checkout/quote", "/checkout/pay", "/account/profile", "/logout", "/login"]) {
        const page = await b.post(path, { product_id: 1, quantity: 1, email: SHOPPER.email, password: "x" }, { csrf: false });
        expect(page.status, path).to.equal(403);
        expect(textOf(page.html), path).to.include("This form has expired or did not come from this site");
      }
      // reads for the pages (the header's cart count among them) only: no write reached the API
      expect(shop.platform.calls.filter((c) => c !== "auth.login" && c !== "products.list" && c !== "analytics.track" && c !== "cart.get")).to.deep.equal([]);
    });

    it("when the CSRF token does not match the cookie (a forged form from another site), then it is rejected", async () => {
      const victim = shop.browser();
      await victim.login(SHOPPER.email, SHOPPER.password);
      const attacker = shop.browser();
      await attacker.get("/login");
      const attackerToken = attacker.csrfToken();
      const page = await victim.request("POST", "/cart/clear", new URLSearchParams({ _csrf: attackerToken }));
      expect(page.status).to.equal(403);
      expect(shop.platform.calls).to.not.include("cart.clear");
    });

    it("when the admin posts without the token, then admin actions are rejected too", async () => {
      const b = shop.browser();
      await b.login(ADMIN.email, ADMIN.password);
      const page = await b.post("/admin/products/1/deactivate", {}, { csrf: false });
      expect(page.status).to.equal(403);
      expect(shop.platform.products[0].is_active).to.equal(true);
    });

    it("when the cookie secret changes (a new deployment), then an old CSRF cookie is replaced, not an error page", async () => {
      const b = shop.browser();
      await b.get("/login");
      const other = createApp({ sdkFactory: shop.platform.factory, cookieSecret: `${COOKIE_SECRET}-rotated` });
      const { base, server } = await listen(other);
      try {
        const moved = new Browser(base);
        for (const [k, v] of b.cookies) moved.cookies.set(k, v);
        const page = await moved.get("/login");
        expect(page.status).to.equal(200);
        const login = await moved.post("/login", { ...SHOPPER, next: "/" });
        expect(login.status).to.equal(303);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
});
