import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { buildUser, outcome, registerUser, startAuth, type AuthHarness } from "./support.js";
import { createAuthLimits, DEFAULT_LIMITS } from "../src/limits.js";

const WINDOW_SECONDS = 60;
const MAX_PER_EMAIL = 3;
const MAX_PER_CLIENT = 6;

/** A distinct client address for each test (the app trusts X-Forwarded-For from loopback, as behind the gateway). */
let clientCounter = 10;
const nextClient = () => `203.0.113.${clientCounter++}`;

for (const backend of testBackends()) {
  describe(`login: rate limiting of failures (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend, { limiter: { windowSeconds: WINDOW_SECONDS, maxPerEmail: MAX_PER_EMAIL, maxPerClient: MAX_PER_CLIENT } });
    });
    after(() => h.close());

    const loginAs = (client: string, email: string, password: string) =>
      outcome(h.client({ headers: { "X-Forwarded-For": client } }).auth.loginUserRaw({ LoginRequest: { email, password } }));

    it("when an email has had the maximum failures, then even the right password answers 429 rate_limited with Retry-After", async () => {
      const { user, password } = await registerUser(h);
      const client = nextClient();
      for (let i = 0; i < MAX_PER_EMAIL; i++) expect((await loginAs(client, user.email, "wrong-password-1")).status).to.equal(401);
      const res = await loginAs(client, user.email, password);
      expect(res.status).to.equal(429);
      expect(res.body).to.include({ status: 429, code: "rate_limited" });
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).to.be.within(1, WINDOW_SECONDS);
    });

    it("when the failures for an email come from several clients, then the email is still limited", async () => {
      const { user, password } = await registerUser(h);
      for (let i = 0; i < MAX_PER_EMAIL; i++) await loginAs(nextClient(), user.email.toUpperCase(), "wrong-password-2");
      expect((await loginAs(nextClient(), user.email, password)).status).to.equal(429);
    });

    it("when another email is limited, then this email logs in", async () => {
      const victim = await registerUser(h);
      const bystander = await registerUser(h);
      const client = nextClient();
      for (let i = 0; i < MAX_PER_EMAIL; i++) await loginAs(client, victim.user.email, "wrong-password-3");
      expect((await loginAs(client, bystander.user.email, bystander.password)).status).to.equal(200);
    });

    it("when a login succeeds, then the earlier failures of that email stop counting", async () => {
      const { user, password } = await registerUser(h);
      const client = nextClient();
      for (let i = 0; i < MAX_PER_EMAIL - 1; i++) await loginAs(client, user.email, "wrong-password-4");
      expect((await loginAs(client, user.email, password)).status).to.equal(200);
      for (let i = 0; i < MAX_PER_EMAIL - 1; i++) expect((await loginAs(client, user.email, "wrong-password-4")).status).to.equal(401);
      expect((await loginAs(client, user.email, password)).status).to.equal(200);
    });

    it("when one client has had the maximum failures over many emails, then it is limited and another client is not", async () => {
      const { user, password } = await registerUser(h);
      const noisy = nextClient();
      for (let i = 0; i < MAX_PER_CLIENT; i++) expect((await loginAs(noisy, buildUser().email, "wrong-password-5")).status).to.equal(401);
      const limited = await loginAs(noisy, user.email, password);
      expect(limited.status).to.equal(429);
      expect(limited.body.code).to.equal("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).to.be.within(1, WINDOW_SECONDS);
      expect((await loginAs(nextClient(), user.email, password)).status).to.equal(200);
    });

    it("when the limiter is rebuilt on the same database (a restart or another replica), then the failures still count", async () => {
      const email = buildUser().email;
      const client = nextClient();
      for (let i = 0; i < MAX_PER_EMAIL; i++) await loginAs(client, email, "wrong-password-6");
      const replica = createAuthLimits(h.domain.models, { ...DEFAULT_LIMITS, windowSeconds: WINDOW_SECONDS, maxPerEmail: MAX_PER_EMAIL, maxPerClient: MAX_PER_CLIENT });
      let status: number | undefined;
      await replica.reserveLogin(email, nextClient()).catch((error: { status: number }) => (status = error.status));
      expect(status).to.equal(429);
    });

    it("when 25 wrong passwords for one email arrive in parallel, then at most the limit get 401 and the rest 429", async () => {
      const { user, password } = await registerUser(h);
      const answers = await Promise.all(Array.from({ length: 25 }, () => loginAs(nextClient(), user.email, "wrong-password-parallel")));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 401).length, statuses.join(",")).to.be.within(1, MAX_PER_EMAIL);
      expect(statuses.filter((s) => s !== 401 && s !== 429), statuses.join(",")).to.deep.equal([]);
      // The refused attempts did not add to the count: after the window's failures, still exactly limited.
      expect((await loginAs(nextClient(), user.email, password)).status).to.equal(429);
    });

    it("when one client sends wrong passwords for many emails in parallel, then at most its limit get 401", async () => {
      const client = nextClient();
      const answers = await Promise.all(Array.from({ length: MAX_PER_CLIENT * 3 }, () => loginAs(client, buildUser().email, "wrong-password-8")));
      expect(answers.filter((a) => a.status === 401).length).to.be.within(1, MAX_PER_CLIENT);
      expect(answers.filter((a) => a.status === 429).length).to.be.at.least(MAX_PER_CLIENT * 2);
    });

    it("when the legacy endpoint is limited, then it answers its own 400 {error}", async () => {
      const { user, password } = await registerUser(h);
      const client = nextClient();
      for (let i = 0; i < MAX_PER_EMAIL; i++) await loginAs(client, user.email, "wrong-password-7");
      const res = await outcome(h.client({ headers: { "X-Forwarded-For": client } }).legacy.legacyLoginRaw({ email: user.email, password }));
      expect(res.status).to.equal(400);
      expect(res.body).to.have.property("error").that.is.a("string");
      expect(res.body).to.not.have.property("token");
    });
  });
}
