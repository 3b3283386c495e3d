import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { registerAdmin, registerUser, startAuth, type AuthHarness } from "./support.js";

// A NUL byte in an email once reached SQLite inside an inline-escaped literal and broke the
// statement (500 SQLITE_ERROR: unrecognized token). Control characters are refused at the
// contract, and the database layer keeps any that get through as data.
for (const backend of testBackends()) {
  describe(`login: control characters in the email (${backend})`, () => {
    let h: AuthHarness;
    before(async () => {
      h = await startAuth(backend);
    });
    after(() => h.close());

    const post = (path: string, body: string, contentType: string) =>
      fetch(`${h.url}${path}`, { method: "POST", headers: { "Content-Type": contentType }, body }).then(async (r) => ({ status: r.status, body: await r.json() }));

    for (const [name, char] of [["a NUL byte", "\u0000"], ["a control character", "\u0011"], ["DEL", "\u007f"]] as const) {
      it(`when a form login's email holds ${name}, then it answers 422 validation_failed, never a 500`, async () => {
        const form = new URLSearchParams({ email: `shopper${char}@example.com`, password: "shopper-demo-pass" }).toString();
        const res = await post("/v1/auth/login", form, "application/x-www-form-urlencoded");
        expect(res.status).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
        expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/body/email");
      });
    }

    it("when a JSON login's email holds a NUL byte, then it answers 422, never a 500", async () => {
      const res = await post("/v1/auth/login", JSON.stringify({ email: "a\u0000'--@example.com", password: "x" }), "application/json");
      expect(res.status).to.equal(422);
    });

    it("when the legacy form login (no pattern in its old contract) gets a NUL byte, then the credentials are just wrong: 400, never a 500", async () => {
      const { user, password } = await registerUser(h);
      const form = new URLSearchParams({ email: `${user.email}\u0000`, password }).toString();
      const res = await post("/api/v1/login", form, "application/x-www-form-urlencoded");
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ error: "Invalid email or password" });
    });

    it("when an admin filters users by an email holding a NUL byte, then it answers 422, never a 500", async () => {
      const admin = await registerAdmin(h);
      const res = await fetch(`${h.url}/v1/users?email=${encodeURIComponent("a\u0000b")}`, { headers: { Authorization: `Bearer ${admin.tokens.access_token}` } });
      expect(res.status).to.equal(422);
    });
  });
}
