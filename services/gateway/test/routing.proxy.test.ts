import { expect } from "chai";
import express from "express";
import { createLogger, listen, type RunningServer } from "@disqo-commerce/kit";
import { createApp } from "../src/app.js";
import { ownerOf } from "../src/routes.js";

const logger = createLogger({ service: "gateway-test", level: "silent" });

/** An upstream that answers with what it received, so the test sees what the gateway forwarded. */
async function echoUpstream(name: string): Promise<RunningServer> {
  const app = express();
  app.use((req, res) => {
    res.json({ service: name, path: req.originalUrl, request_id: req.headers["x-request-id"], forwarded_for: req.headers["x-forwarded-for"] ?? null });
  });
  return listen(app, 0);
}

describe("gateway routing", () => {
  let auth: RunningServer;
  let product: RunningServer;
  let gateway: RunningServer;

  before(async () => {
    auth = await echoUpstream("auth");
    product = await echoUpstream("product");
    // the cart upstream points at a port nothing listens on: a service that is down
    gateway = await listen(createApp({ upstreams: { auth: auth.url, product: product.url, cart: "http://127.0.0.1:9" }, logger }), 0);
  });
  after(async () => {
    await Promise.all([auth.close(), product.close(), gateway.close()]);
  });

  it("when a path belongs to a service, then the request reaches that service unchanged", async () => {
    const res = await fetch(`${gateway.url}/v1/products?q=book&limit=2`);
    const body = await res.json();
    expect(res.status).to.equal(200);
    expect(body).to.include({ service: "product", path: "/v1/products?q=book&limit=2" });
  });

  it("when the client sends X-Request-Id, then the service and the response carry the same id", async () => {
    const res = await fetch(`${gateway.url}/v1/users/me`, { headers: { "X-Request-Id": "req-abc-123" } });
    const body = await res.json();
    expect(body).to.include({ service: "auth", request_id: "req-abc-123" });
    expect(res.headers.get("x-request-id")).to.equal("req-abc-123");
    expect(body.forwarded_for).to.be.a("string");
  });

  it("when a request already carries X-Forwarded-For, then the gateway appends the address it saw, so services can tell forged entries from the proxy's", async () => {
    const res = await fetch(`${gateway.url}/.well-known/jwks.json`, { headers: { "X-Forwarded-For": "203.0.113.9" } });
    const body = await res.json();
    const hops = String(body.forwarded_for).split(",").map((h: string) => h.trim());
    expect(hops).to.have.length(2);
    expect(hops[0]).to.equal("203.0.113.9");
    expect(hops[1]).to.match(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
  });

  it("when the client sends no request id, then the gateway makes one and passes it on", async () => {
    const res = await fetch(`${gateway.url}/.well-known/jwks.json`);
    const body = await res.json();
    expect(body.request_id).to.be.a("string").and.have.length.greaterThan(8);
    expect(res.headers.get("x-request-id")).to.equal(body.request_id);
  });

  it("when the owning service is down, then the answer is a 503 problem, not a hang or a stack trace", async () => {
    const res = await fetch(`${gateway.url}/v1/cart`);
    expect(res.status).to.equal(503);
    expect(res.headers.get("content-type")).to.match(/application\/problem\+json/);
    const body = await res.json();
    expect(body).to.include({ status: 503, code: "service_unavailable" });
  });

  it("when no service owns the path, then the answer is a 404 problem", async () => {
    const res = await fetch(`${gateway.url}/v1/nothing-here`);
    expect(res.status).to.equal(404);
    expect((await res.json()).code).to.equal("not_found");
  });

  it("when a prefix only looks similar, then it is not routed (no /v1/cartography to cart)", () => {
    expect(ownerOf("/v1/cartography", { cart: "x" })).to.equal(undefined);
    expect(ownerOf("/v1/cart/items", { cart: "x" })).to.equal("cart");
  });

  it("when a path is analytics' public API, then it is routed there, but its internal ingestion never is", () => {
    expect(ownerOf("/v1/events", { analytics: "x" })).to.equal("analytics");
    expect(ownerOf("/v1/admin/kpis/funnel?from=2026-11-01&to=2026-11-30", { analytics: "x" })).to.equal("analytics");
    expect(ownerOf("/v1/internal/events", { analytics: "x", auth: "x", product: "x", cart: "x", order: "x" })).to.equal(undefined);
  });

  it("serves one Swagger UI listing every bundled spec, with its assets from the gateway itself", async () => {
    const html = await (await fetch(`${gateway.url}/docs/`)).text();
    expect(html).to.include("swagger-ui");
    expect(html).not.to.match(/https?:\/\/(?!localhost|127\.0\.0\.1)[^"']*\.(js|css)/);
    const init = await (await fetch(`${gateway.url}/docs/swagger-ui-init.js`)).text();
    expect(init).to.include("/specs/auth.json");
    const spec = await (await fetch(`${gateway.url}/specs/auth.json`)).json();
    expect(spec.info.title).to.equal("DISQO Commerce Auth API");
    // "Try it out" calls the origin the docs came from, not the YAML's localhost:8080
    expect(spec.servers).to.deep.equal([{ url: "/", description: "The gateway" }]);
  });

  it("serves the page a problem's type names, so /problems/<code> resolves on the API's origin", async () => {
    const res = await fetch(`${gateway.url}/problems/rate_limited`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.include("Retry-After");
    expect((await fetch(`${gateway.url}/problems/no_such_code`)).status).to.equal(404);
  });
});
