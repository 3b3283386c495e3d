import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { testBackends } from "@disqo-commerce/kit/testing";
import { buildUser, outcome, registerAdmin, registerUser, startAuth, type AuthHarness, rawBody } from "./support.js";
import type { User } from "../../../sdk/src/generated/auth/index.js";

for (const backend of testBackends()) {
  describe(`users: administration (${backend})`, () => {
    let h: AuthHarness;
    let adminToken: string;
    before(async () => {
      h = await startAuth(backend);
      adminToken = (await registerAdmin(h)).tokens.access_token;
    });
    after(() => h.close());

    const admin = () => h.client({ token: adminToken }).users;

    /** Walks every page of listUsers and answers the users in the order they came. */
    async function walk(params: { limit: number; email?: string }): Promise<{ users: User[]; pages: number }> {
      const users: User[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await admin().listUsers({ ...params, cursor });
        expect(page.data.length).to.be.at.most(params.limit);
        users.push(...page.data);
        cursor = page.next_cursor ?? undefined;
        pages++;
      } while (cursor);
      return { users, pages };
    }

    it("when an admin walks the pages of a filtered list, then every matching user comes exactly once, oldest first", async () => {
      const marker = `walk${randomBytes(3).toString("hex")}`;
      const created: number[] = [];
      for (let i = 0; i < 5; i++) created.push((await registerUser(h, { email: `${marker}-${i}@example.test` })).user.id);
      await registerUser(h); // a user the filter must leave out

      const { users, pages } = await walk({ limit: 2, email: marker });
      expect(users.map((u) => u.id)).to.deep.equal(created);
      expect(pages).to.equal(3);
      expect(users.every((u) => u.email.includes(marker))).to.equal(true);
    });

    it("when an admin walks the whole list, then it holds every user once and matches the database", async () => {
      await registerUser(h);
      const { users } = await walk({ limit: 3 });
      const ids = users.map((u) => u.id);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
      expect(ids.length).to.equal(await h.domain.models.User.count());
    });

    it("when the filter is an exact email (upper-cased) or holds LIKE wildcards, then it matches literally", async () => {
      const tag = randomBytes(3).toString("hex");
      const target = await registerUser(h, { email: `under_score.${tag}@example.test` });
      await registerUser(h, { email: `underxscore.${tag}@example.test` });
      const exact = await admin().listUsers({ email: target.user.email.toUpperCase() });
      expect(exact.data.map((u) => u.id)).to.deep.equal([target.user.id]);
      const wildcard = await admin().listUsers({ email: `under_score.${tag}` });
      expect(wildcard.data.map((u) => u.id)).to.deep.equal([target.user.id]);
      const percent = await admin().listUsers({ email: `under%${tag}` });
      expect(percent.data).to.deep.equal([]);
    });

    it("when the cursor was not issued by the API, then it answers 422 validation_failed on the cursor", async () => {
      for (const cursor of ["not-a-cursor", Buffer.from('{"id":"1; DROP TABLE users"}').toString("base64url").replace(/^/, "x")]) {
        const res = await outcome(admin().listUsersRaw({ cursor }));
        expect(res.status).to.equal(422);
        expect(res.body.code).to.equal("validation_failed");
        expect(res.body.errors).to.deep.equal([{ path: "/query/cursor", message: "invalid cursor" }]);
      }
    });

    it("when the limit is out of range, then it answers 422 validation_failed", async () => {
      for (const limit of [0, 101]) {
        const res = await outcome(admin().listUsersRaw({ limit }));
        expect(res.status, String(limit)).to.equal(422);
        expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("/query/limit");
      }
    });

    it("when a customer lists or updates users, then it answers 403 forbidden", async () => {
      const { user, tokens } = await registerUser(h);
      const customer = h.client({ token: tokens.access_token }).users;
      const list = await outcome(customer.listUsersRaw({}));
      const update = await outcome(customer.updateUserRaw({ id: user.id, UserAdminUpdate: { role: "admin" } }));
      for (const res of [list, update]) {
        expect(res.status).to.equal(403);
        expect(res.body.code).to.equal("forbidden");
      }
      expect((await h.domain.users.get(user.id)).role).to.equal("customer");
    });

    it("when there is no token, then listing and updating answer 401", async () => {
      expect((await outcome(h.client().users.listUsersRaw({}))).status).to.equal(401);
      expect((await outcome(h.client().users.updateUserRaw({ id: 1, UserAdminUpdate: { is_active: false } }))).status).to.equal(401);
    });

    it("when the user does not exist, then updating answers 404 not_found", async () => {
      const res = await outcome(admin().updateUserRaw({ id: 987_654, UserAdminUpdate: { is_active: false } }));
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal("not_found");
    });

    it("when the update is empty or has an unknown role, then it answers 422 validation_failed", async () => {
      const { user } = await registerUser(h);
      expect((await outcome(admin().updateUserRaw({ id: user.id, UserAdminUpdate: {} }))).status).to.equal(422);
      const badRole = await outcome(admin().updateUserRaw({ id: user.id, UserAdminUpdate: {} }, rawBody({ role: "superuser" })));
      expect(badRole.status).to.equal(422);
      expect(badRole.body.code).to.equal("validation_failed");
    });

    it("when an admin deactivates a user, then they cannot log in and their refresh tokens stop working", async () => {
      const { user, password, tokens } = await registerUser(h);
      const updated = await admin().updateUser({ id: user.id, UserAdminUpdate: { is_active: false } });
      expect(updated).to.include({ id: user.id, is_active: false });

      const login = await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: user.email, password } }));
      expect(login.status).to.equal(401);
      expect(login.body.code).to.equal("invalid_credentials");
      expect((await outcome(h.client().auth.refreshTokensRaw({ RefreshRequest: { refresh_token: tokens.refresh_token } }))).status).to.equal(401);

      await admin().updateUser({ id: user.id, UserAdminUpdate: { is_active: true } });
      expect((await outcome(h.client().auth.loginUserRaw({ LoginRequest: { email: user.email, password } }))).status).to.equal(200);
    });

    it("when an admin promotes a customer, then their next token carries the admin role", async () => {
      const input = buildUser();
      const { user } = await registerUser(h, input);
      expect((await admin().updateUser({ id: user.id, UserAdminUpdate: { role: "admin" } })).role).to.equal("admin");
      const { tokens } = await h.client().auth.loginUser({ LoginRequest: { email: input.email, password: input.password } });
      const page = await h.client({ token: tokens.access_token }).users.listUsers({ limit: 1 });
      expect(page.data).to.have.length(1);
    });
  });
}
