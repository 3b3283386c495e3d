import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { outcome, registerUser, startAuth, type AuthHarness } from "./support.js";

const MAX_PER_USER = 3;
const WINDOW_SECONDS = 120;

for (const backend of testBackends()) {
  describe(`password: limit on guesses of the current password (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend, { limiter: { passwordMaxPerUser: MAX_PER_USER, windowSeconds: WINDOW_SECONDS } });
    });
    after(() => h.close());

    const change = (token: string, current: string, next = "a-brand-new-passphrase") =>
      outcome(h.client({ token }).users.changePasswordRaw({ PasswordChange: { current_password: current, new_password: next } }));

    it("when the current password was guessed wrong the maximum times, then even the right one is 429 rate_limited with Retry-After", async () => {
      const { password, tokens } = await registerUser(h);
      for (let i = 0; i < MAX_PER_USER; i++) expect((await change(tokens.access_token, `wrong-guess-${i}`)).status).to.equal(401);
      const res = await change(tokens.access_token, password);
      expect(res.status).to.equal(429);
      expect(res.body).to.include({ status: 429, code: "rate_limited" });
      expect(Number(res.headers.get("retry-after"))).to.be.within(1, WINDOW_SECONDS);
    });

    it("when guesses arrive in parallel, then at most the limit are checked", async () => {
      const { tokens } = await registerUser(h);
      const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => change(tokens.access_token, `parallel-guess-${i}`)));
      expect(answers.filter((a) => a.status === 401).length).to.be.within(1, MAX_PER_USER);
      expect(answers.filter((a) => a.status !== 401 && a.status !== 429)).to.deep.equal([]);
    });

    it("when one user is limited, then another user changes their password", async () => {
      const victim = await registerUser(h);
      const other = await registerUser(h);
      for (let i = 0; i < MAX_PER_USER; i++) await change(victim.tokens.access_token, `wrong-guess-${i}`);
      expect((await change(other.tokens.access_token, other.password)).status).to.equal(204);
    });

    it("when a change succeeds, then the earlier wrong guesses stop counting, and a weak new password is not a guess", async () => {
      const { user, password, tokens } = await registerUser(h);
      for (let i = 0; i < MAX_PER_USER - 1; i++) await change(tokens.access_token, `wrong-guess-${i}`);
      for (let i = 0; i < MAX_PER_USER + 1; i++) expect((await change(tokens.access_token, password, "short")).status).to.equal(422);
      expect((await change(tokens.access_token, password, "the-second-passphrase")).status).to.equal(204);
      const fresh = await h.client().auth.loginUser({ LoginRequest: { email: user.email, password: "the-second-passphrase" } });
      for (let i = 0; i < MAX_PER_USER; i++) expect((await change(fresh.tokens.access_token, `wrong-again-${i}`)).status).to.equal(401);
    });
  });
}
