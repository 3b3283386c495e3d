import { expect } from "chai";
import { AppError, conflict, unprocessable } from "../src/index.js";
import { testBackends } from "../src/testing.js";
import { call, startMiniApp, type MiniApp } from "./support.js";

const SECRET = "db password=hunter2";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const backend of testBackends()) {
  describe(`kit: the problem+json error middleware behind buildApp (${backend})`, () => {
    let app: MiniApp;
    let created = 0;
    before(async () => {
      app = await startMiniApp(backend, {
        async createThing(ctx: { body: { name: string } }) {
          created++;
          return { status: 201, body: { id: created, name: ctx.body.name } };
        },
        async getThing(ctx: { params: { kind: string } }) {
          switch (ctx.params.kind) {
            case "conflict":
              throw conflict("email_taken", "That email is taken.", { hint: "log in instead" });
            case "rate":
              throw new AppError(429, "rate_limited", "Slow down.", { headers: { "Retry-After": "42" } });
            case "invalid":
              throw unprocessable("validation_failed", "Bad thing.", { errors: [{ path: "/body/x", message: "bad" }] });
            case "unknown":
              throw new Error(`connection refused: ${SECRET}`);
            case "off-contract":
              return { status: 200, body: { id: "not-a-number", name: 1 } };
            default:
              return { status: 200, body: { id: 1, name: ctx.params.kind } };
          }
        },
        async adminOnly() {
          return { status: 200, body: { id: 1, name: "admin" } };
        },
        async internalOnly(ctx: { principal: { service: string } }) {
          return { status: 200, body: { id: 1, name: ctx.principal.service } };
        },
      } as never);
    });
    after(() => app.close());

    const postThing = (body: string, headers: Record<string, string> = {}) =>
      call(`${app.url}/things`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });

    it("when a handler throws an AppError, then it answers problem+json with its status, code, extensions and the request id", async () => {
      const res = await call(`${app.url}/things/conflict`, { headers: { "X-Request-Id": "req-abc-123" } });
      expect(res.status).to.equal(409);
      expect(res.headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(res.headers.get("x-request-id")).to.equal("req-abc-123");
      expect(res.body).to.deep.equal({
        type: "/problems/email_taken",
        title: "Conflict",
        status: 409,
        detail: "That email is taken.",
        instance: "/things/conflict",
        code: "email_taken",
        request_id: "req-abc-123",
        hint: "log in instead",
      });
    });

    it("when an AppError carries headers, then they are sent (Retry-After on a 429)", async () => {
      const res = await call(`${app.url}/things/rate`);
      expect(res.status).to.equal(429);
      expect(res.headers.get("retry-after")).to.equal("42");
      expect(res.body).to.include({ code: "rate_limited", status: 429 });
      expect(res.body.request_id).to.match(UUID);
      expect(res.body.request_id).to.equal(res.headers.get("x-request-id"));
    });

    it("when the body breaks the contract, then it answers 422 validation_failed with every failing path", async () => {
      const res = await postThing(JSON.stringify({ name: "", count: 0 }));
      expect(res.status).to.equal(422);
      expect(res.headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(res.body).to.include({ status: 422, code: "validation_failed" });
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).to.include.members(["/body/name", "/body/count"]);
      for (const error of res.body.errors) expect(error).to.have.all.keys("path", "message");
    });

    it("when a required field is missing or an unknown one is sent, then it answers 422 validation_failed", async () => {
      const missing = await postThing(JSON.stringify({ count: 2 }));
      expect(missing.status).to.equal(422);
      expect(missing.body.errors.map((e: { path: string }) => e.path)).to.include("/body/name");
      const extra = await postThing(JSON.stringify({ name: "a", admin: true }));
      expect(extra.status).to.equal(422);
      expect(extra.body.code).to.equal("validation_failed");
    });

    it("when the JSON is malformed, then it answers 400 malformed_request", async () => {
      const res = await postThing('{"name": ');
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ status: 400, code: "malformed_request" });
    });

    it("when the content type is not accepted, then it answers 415 unsupported_media_type", async () => {
      const res = await call(`${app.url}/things`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "name=a" });
      expect(res.status).to.equal(415);
      expect(res.body.code).to.equal("unsupported_media_type");
    });

    it("when the path or the method is not in the contract, then it answers 404 not_found or 405 method_not_allowed", async () => {
      const missing = await call(`${app.url}/nothing-here`);
      expect(missing.status).to.equal(404);
      expect(missing.body.code).to.equal("not_found");
      const wrongMethod = await call(`${app.url}/things`, { method: "DELETE" });
      expect(wrongMethod.status).to.equal(405);
      expect(wrongMethod.body.code).to.equal("method_not_allowed");
    });

    it("when the method is not in the contract, then the 405 names the allowed methods in Allow (RFC 9110)", async () => {
      const wrongMethod = await call(`${app.url}/things`, { method: "DELETE" });
      expect(wrongMethod.status).to.equal(405);
      expect(wrongMethod.headers.get("allow")).to.equal("POST");
      const trace = await call(`${app.url}/things/x`, { method: "PUT" });
      expect(trace.status).to.equal(405);
      expect(trace.headers.get("allow")).to.equal("GET");
    });

    it("when a handler throws an unknown error, then it answers a bare 500 that leaks nothing, and logs the error", async () => {
      const res = await call(`${app.url}/things/unknown`);
      expect(res.status).to.equal(500);
      expect(res.body).to.include({ status: 500, code: "internal_error" });
      expect(Object.keys(res.body).sort()).to.deep.equal(["code", "detail", "instance", "request_id", "status", "title", "type"]);
      expect(res.text).to.not.include("hunter2");
      expect(res.text).to.not.include("connection refused");
      expect(res.text).to.not.match(/\bat .*\.ts:\d+/);
      const logged = app.logs.lines().find((l) => l.msg === "unhandled error");
      expect(logged, "the 500 is logged").to.not.equal(undefined);
      expect(JSON.stringify(logged)).to.include("hunter2");
      expect((logged!.err as { stack: string }).stack).to.match(/problem\.middleware\.test\.ts/);
    });

    it("when a handler's response breaks the contract, then it answers 500 rather than sending it", async () => {
      const res = await call(`${app.url}/things/off-contract`);
      expect(res.status).to.equal(500);
      expect(res.body.code).to.equal("internal_error");
      expect(res.text).to.not.include("not-a-number");
    });

    it("when a role-gated operation is called without a token, with a customer's or with an admin's, then 401, 403 and 200", async () => {
      const none = await call(`${app.url}/admin`);
      expect(none.status).to.equal(401);
      expect(none.body.code).to.equal("unauthenticated");
      expect(none.headers.get("www-authenticate")).to.match(/^Bearer/);
      const customer = await call(`${app.url}/admin`, { headers: { Authorization: `Bearer ${app.tokens.user(5)}` } });
      expect(customer.status).to.equal(403);
      expect(customer.body.code).to.equal("forbidden");
      const expired = await call(`${app.url}/admin`, { headers: { Authorization: `Bearer ${app.tokens.expired(5)}` } });
      expect(expired.status).to.equal(401);
      expect(expired.body.code).to.equal("token_expired");
      const admin = await call(`${app.url}/admin`, { headers: { Authorization: `Bearer ${app.tokens.admin()}` } });
      expect(admin.status).to.equal(200);
    });

    it("when a service-only operation is called with a user token, then 403; with a service token, then 200", async () => {
      const user = await call(`${app.url}/internal`, { headers: { Authorization: `Bearer ${app.tokens.admin()}` } });
      expect(user.status).to.equal(403);
      const service = await call(`${app.url}/internal`, { headers: { Authorization: `Bearer ${app.tokens.service("cart")}` } });
      expect(service.status).to.equal(200);
      expect(service.body.name).to.equal("cart");
    });

    it("when an operation's shared Idempotency-Key parameter is sent twice, then the handler runs once and the answer is replayed", async () => {
      const before = created;
      const first = await postThing(JSON.stringify({ name: "once" }), { "Idempotency-Key": "kit-test-key-0001" });
      const second = await postThing(JSON.stringify({ name: "once" }), { "Idempotency-Key": "kit-test-key-0001" });
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.equal(first.body);
      expect(second.headers.get("idempotent-replayed")).to.equal("true");
      expect(created).to.equal(before + 1);
      const reused = await postThing(JSON.stringify({ name: "twice" }), { "Idempotency-Key": "kit-test-key-0001" });
      expect(reused.status).to.equal(422);
      expect(reused.body.code).to.equal("idempotency_key_reused");
    });
  });
}
