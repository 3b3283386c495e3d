import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { buildUser, outcome, registerUser, startAuth, type AuthHarness } from "./support.js";

const MAX_PER_CLIENT = 3;

/** The per-client failed-login limit is keyed by the address the trusted proxies (TRUSTED_PROXIES) vouch for. */
for (const backend of testBackends()) {
  describe(`login: the client address behind trusted proxies (${backend})`, () => {
    const failAs = (h: AuthHarness, forwardedFor: string) =>
      outcome(h.client({ headers: { "X-Forwarded-For": forwardedFor } }).auth.loginUserRaw({ LoginRequest: { email: buildUser().email, password: "wrong-password" } }));
    const loginAs = (h: AuthHarness, forwardedFor: string, email: string, password: string) =>
      outcome(h.client({ headers: { "X-Forwarded-For": forwardedFor } }).auth.loginUserRaw({ LoginRequest: { email, password } }));

    describe("when the peer (loopback here) is not a trusted proxy", () => {
      let h: AuthHarness;
      before(async () => {
        h = await startAuth(backend, { trustProxy: ["10.0.0.0/8"], limiter: { maxPerClient: MAX_PER_CLIENT } });
      });
      after(() => h.close());

      it("then its X-Forwarded-For is ignored: a new forged address per request does not escape the limit", async () => {
        const { user, password } = await registerUser(h);
        for (let i = 0; i < MAX_PER_CLIENT; i++) expect((await failAs(h, `203.0.113.${100 + i}`)).status).to.equal(401);
        expect((await loginAs(h, "203.0.113.200", user.email, password)).status).to.equal(429);
      });
    });

    describe("when the peer is a trusted proxy (loopback, the default)", () => {
      let h: AuthHarness;
      before(async () => {
        h = await startAuth(backend, { limiter: { maxPerClient: MAX_PER_CLIENT } });
      });
      after(() => h.close());

      it("then the address it forwarded is the client: one client's failures do not limit another", async () => {
        const { user, password } = await registerUser(h);
        for (let i = 0; i < MAX_PER_CLIENT; i++) await failAs(h, "198.51.100.1");
        expect((await loginAs(h, "198.51.100.1", user.email, password)).status).to.equal(429);
        expect((await loginAs(h, "198.51.100.2", user.email, password)).status).to.equal(200);
      });

      it("then an address the client itself prepended (forged, left of what the proxy saw) is ignored", async () => {
        const { user, password } = await registerUser(h);
        // The proxy appends the address it saw (198.51.100.3); what the client sent stays to its left.
        for (let i = 0; i < MAX_PER_CLIENT; i++) await failAs(h, `192.0.2.${i + 1}, 198.51.100.3`);
        expect((await loginAs(h, "192.0.2.99, 198.51.100.3", user.email, password)).status).to.equal(429);
      });
    });
  });
}
