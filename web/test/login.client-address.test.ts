/*
 * The storefront in front of the real auth service, through the real gateway: the shopper's
 * address travels web -> gateway -> auth (X-Forwarded-For), so the API's per-client limit on
 * failed logins holds one shopper back and not everyone using the storefront.
 */
import type { Server } from "node:http";
import { expect } from "chai";
import { createLogger, listen as listenService, type RunningServer } from "@disqo-commerce/kit";
import { testBackends } from "@disqo-commerce/kit/testing";
import { createApp as createGateway } from "../../services/gateway/src/app.js";
import { registerUser, startAuth, type AuthHarness } from "../../services/auth/test/support.js";
import { createApp } from "../src/app.js";
import { sdkFactory } from "../src/shop.js";
import { Browser, listen, textOf } from "./support/browser.js";
import { COOKIE_SECRET } from "./support/app.js";

const MAX_PER_CLIENT = 3;

for (const backend of testBackends()) {
  describe(`storefront login over the real auth service: the limit is per shopper (${backend})`, () => {
    let auth: AuthHarness;
    let gateway: RunningServer;
    const storefronts: Server[] = [];

    before(async () => {
      auth = await startAuth(backend, { limiter: { maxPerClient: MAX_PER_CLIENT } });
      gateway = await listenService(createGateway({ upstreams: { auth: auth.url }, logger: createLogger({ service: "gateway-test", level: "silent" }) }), 0);
    });
    after(async () => {
      await Promise.all(storefronts.map((s) => new Promise((resolve) => s.close(resolve))));
      await gateway.close();
      await auth.close();
    });

    /** A storefront whose own trusted proxies are `trustedProxies`; shoppers reach it from loopback. */
    async function storefront(trustedProxies?: string[]): Promise<(forwardedFor: string) => Browser> {
      const { base, server } = await listen(createApp({ sdkFactory: sdkFactory(gateway.url, 5000), cookieSecret: COOKIE_SECRET, trustedProxies }));
      storefronts.push(server);
      // As if an ingress in front of the storefront said who the shopper is.
      return (forwardedFor) => new Browser(base, { "X-Forwarded-For": forwardedFor });
    }

    async function failLogin(b: Browser): Promise<number> {
      await b.get("/login");
      return (await b.post("/login", { email: `nobody-${Math.random()}@example.test`, password: "wrong-password", next: "/" })).status;
    }

    it("when shopper A floods bad logins until limited, then shopper B still logs in through the same storefront", async () => {
      const shopperAt = await storefront();
      const { user, password } = await registerUser(auth);
      const a = shopperAt("203.0.113.7");
      for (let i = 0; i < MAX_PER_CLIENT; i++) expect(await failLogin(a)).to.equal(401);
      await a.get("/login");
      const limited = await a.post("/login", { email: user.email, password, next: "/" });
      expect(limited.status).to.equal(429);
      expect(textOf(limited.html)).to.include("Too many login attempts");

      // (The account page needs only the auth service, the one behind this gateway.)
      const b = shopperAt("198.51.100.8");
      await b.get("/login");
      const account = await b.submit("/login", { email: user.email, password, next: "/account" });
      expect(account.status).to.equal(200);
      expect(textOf(account.html)).to.include(`Welcome back, ${user.first_name}`);
    });

    it("when the storefront's peer is not one of its trusted proxies, then a forged X-Forwarded-For is ignored", async () => {
      // Only 10.0.0.0/8 may say who the shopper is; these requests come from loopback.
      const shopperAt = await storefront(["10.0.0.0/8"]);
      const { user, password } = await registerUser(auth);
      for (let i = 0; i < MAX_PER_CLIENT; i++) expect(await failLogin(shopperAt(`192.0.2.${i + 10}`))).to.equal(401);
      const b = shopperAt("192.0.2.99");
      await b.get("/login");
      expect((await b.post("/login", { email: user.email, password, next: "/" })).status).to.equal(429);
    });
  });
}
