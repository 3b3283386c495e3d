import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { buildUser, outcome, startAuth, type AuthHarness } from "./support.js";

const MAX_PER_CLIENT = 3;
const WINDOW_SECONDS = 120;

for (const backend of testBackends()) {
  describe(`register: rate limit per client address (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend, { limiter: { registerMaxPerClient: MAX_PER_CLIENT, registerWindowSeconds: WINDOW_SECONDS } });
    });
    after(() => h.close());

    // The app trusts X-Forwarded-For from loopback (as behind the gateway): one address per client.
    const register = (client: string) => outcome(h.client({ headers: { "X-Forwarded-For": client } }).auth.registerUserRaw({ RegisterRequest: buildUser() }));

    it("when a client has registered the maximum, then the next registration is 429 rate_limited with Retry-After and no account", async () => {
      const client = "198.51.100.10";
      for (let i = 0; i < MAX_PER_CLIENT; i++) expect((await register(client)).status).to.equal(201);
      const input = buildUser();
      const res = await outcome(h.client({ headers: { "X-Forwarded-For": client } }).auth.registerUserRaw({ RegisterRequest: input }));
      expect(res.status).to.equal(429);
      expect(res.body).to.include({ status: 429, code: "rate_limited" });
      expect(Number(res.headers.get("retry-after"))).to.be.within(1, WINDOW_SECONDS);
      expect(await h.domain.models.User.count({ where: { email: input.email } })).to.equal(0);
    });

    it("when one client is limited, then another client still registers", async () => {
      const noisy = "198.51.100.11";
      for (let i = 0; i <= MAX_PER_CLIENT; i++) await register(noisy);
      expect((await register(noisy)).status).to.equal(429);
      expect((await register("198.51.100.12")).status).to.equal(201);
    });

    it("when registrations from one client arrive in parallel, then at most the limit get through", async () => {
      const answers = await Promise.all(Array.from({ length: 12 }, () => register("198.51.100.13")));
      expect(answers.filter((a) => a.status === 201).length).to.be.within(1, MAX_PER_CLIENT);
      expect(answers.filter((a) => a.status !== 201 && a.status !== 429)).to.deep.equal([]);
    });
  });
}
