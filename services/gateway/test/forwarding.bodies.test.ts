import http from "node:http";
import { expect } from "chai";
import express from "express";
import { createLogger, listen, type RunningServer } from "@disqo-commerce/kit";
import { createApp } from "../src/app.js";

const logger = createLogger({ service: "gateway-test", level: "silent" });

/** One request written by hand (chunked bodies, Expect), its status and body text. */
function rawRequest(url: string, headers: Record<string, string>, send: (req: http.ClientRequest) => void | Promise<void>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    void send(req);
  });
}

/** Requests to /v1/orders/slow whose connection closed before the upstream answered (the gateway gave up on them). */
const cutOff: string[] = [];
const BIG = Buffer.alloc(3 * 1024 * 1024, "0123456789abcdef");

/** An upstream that echoes the body, answers slowly on /v1/orders/slow and with 3 MB on /v1/orders/big, to see what the gateway passes both ways. */
async function upstream(): Promise<RunningServer> {
  const app = express();
  app.use(express.json());
  app.use(express.text());
  app.get("/v1/orders/slow", (req, res) => {
    const timer = setTimeout(() => res.json({ late: true }), 3000);
    res.on("close", () => {
      if (res.writableEnded) return;
      clearTimeout(timer);
      cutOff.push(String(req.headers["x-request-id"]));
    });
  });
  app.get("/v1/orders/big", (_req, res) => {
    res.type("application/octet-stream").send(BIG);
  });
  app.use((req, res) => {
    res.status(201).setHeader("Set-Cookie", ["a=1", "b=2"]).setHeader("Location", "/v1/orders/o-1");
    res.json({ method: req.method, body: req.body, length: req.headers["content-length"] ?? null, expect: req.headers.expect ?? null, proto: req.headers["x-forwarded-proto"], host: req.headers["x-forwarded-host"], proxy_auth: req.headers["proxy-authorization"] ?? null, keep_alive: req.headers["keep-alive"] ?? null });
  });
  return listen(app, 0);
}

describe("gateway forwarding of bodies, headers and slow services", () => {
  let order: RunningServer;
  let gateway: RunningServer;

  before(async () => {
    order = await upstream();
    gateway = await listen(createApp({ upstreams: { order: order.url }, logger, timeoutMs: 200 }), 0);
  });
  after(async () => {
    await Promise.all([order.close(), gateway.close()]);
  });

  it("when a client posts JSON, then the service gets the body and the client gets the service's status and every header it set", async () => {
    const res = await fetch(`${gateway.url}/v1/orders`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ quote_id: "q-1" }) });
    expect(res.status).to.equal(201);
    expect(res.headers.get("location")).to.equal("/v1/orders/o-1");
    expect(res.headers.getSetCookie()).to.deep.equal(["a=1", "b=2"]);
    const body = await res.json();
    expect(body).to.include({ method: "POST", proto: "http" });
    expect(body.body).to.deep.equal({ quote_id: "q-1" });
    expect(body.host).to.match(/^127\.0\.0\.1:\d+$/);
  });

  it("when the client sends hop-by-hop headers (proxy credentials, keep-alive), then they stop at the gateway", async () => {
    const body = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = http.request(`${gateway.url}/v1/orders`, { method: "POST", headers: { "Content-Type": "application/json", "Proxy-Authorization": "Basic c2VjcmV0", "Keep-Alive": "timeout=5" } }, (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve(JSON.parse(text)));
      });
      req.on("error", reject);
      req.end("{}");
    });
    expect(body).to.include({ proxy_auth: null, keep_alive: null, method: "POST" });
  });

  it("when a client streams its body in chunks (no Content-Length), then the service gets all of it", async () => {
    const { status, body } = await rawRequest(`${gateway.url}/v1/orders`, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" }, async (req) => {
      req.write("first part, ");
      await new Promise((resolve) => setTimeout(resolve, 20));
      req.end("second part");
    });
    expect(status).to.equal(201);
    expect(JSON.parse(body)).to.include({ method: "POST", body: "first part, second part" });
  });

  it("when a client asks for 100-continue, then the gateway answers it and the service gets the body without the Expect header", async () => {
    const { status, body } = await rawRequest(`${gateway.url}/v1/orders`, { "Content-Type": "application/json", "Content-Length": "16", Expect: "100-continue" }, (req) => {
      req.on("continue", () => req.end('{"quote_id":"q"}'));
    });
    expect(status).to.equal(201);
    expect(JSON.parse(body)).to.deep.include({ body: { quote_id: "q" }, expect: null, length: "16" });
  });

  it("when a service answers with a body larger than the socket buffers, then the client gets every byte of it", async () => {
    const res = await fetch(`${gateway.url}/v1/orders/big`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-length")).to.equal(String(BIG.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(BIG)).to.equal(true);
  });

  it("when the client goes away before the service answers, then the gateway cuts its request to the service", async () => {
    const gone = new AbortController();
    const call = fetch(`${gateway.url}/v1/orders/slow`, { headers: { "X-Request-Id": "gone-1" }, signal: gone.signal }).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    gone.abort();
    expect(await call).to.be.instanceOf(Error);
    // well before the gateway's own upstream timeout (200 ms here, checked on a coarser clock) could cut it
    for (let i = 0; i < 10 && !cutOff.includes("gone-1"); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cutOff).to.include("gone-1");
  });

  it("when a service does not answer within the upstream timeout, then the client gets a 503 problem with the request id", async () => {
    const res = await fetch(`${gateway.url}/v1/orders/slow`, { headers: { "X-Request-Id": "slow-1" } });
    expect(res.status).to.equal(503);
    expect(res.headers.get("x-request-id")).to.equal("slow-1");
    const body = await res.json();
    expect(body).to.include({ code: "service_unavailable", instance: "/v1/orders/slow" });
  });
});

describe("gateway CORS", () => {
  let order: RunningServer;
  let open: RunningServer;
  let closed: RunningServer;

  before(async () => {
    order = await upstream();
    open = await listen(createApp({ upstreams: { order: order.url }, logger, corsOrigins: ["https://app.example.test"] }), 0);
    closed = await listen(createApp({ upstreams: { order: order.url }, logger }), 0);
  });
  after(async () => {
    await Promise.all([order.close(), open.close(), closed.close()]);
  });

  const preflight = (base: string, origin: string) =>
    fetch(`${base}/v1/orders`, {
      method: "OPTIONS",
      headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,idempotency-key" },
    });

  it("when an allowed origin sends a preflight, then the gateway answers 204 with the methods and headers the SDK uses", async () => {
    const res = await preflight(open.url, "https://app.example.test");
    expect(res.status).to.equal(204);
    expect(res.headers.get("access-control-allow-origin")).to.equal("https://app.example.test");
    expect(res.headers.get("access-control-allow-methods")).to.include("POST");
    expect(res.headers.get("access-control-allow-headers")!.toLowerCase()).to.include("idempotency-key").and.include("authorization");
  });

  it("when an allowed origin calls the API, then the answer lets the browser read Location, Retry-After and X-Request-Id", async () => {
    const res = await fetch(`${open.url}/v1/orders`, { method: "POST", headers: { Origin: "https://app.example.test", "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).to.equal(201);
    expect(res.headers.get("access-control-allow-origin")).to.equal("https://app.example.test");
    expect(res.headers.get("access-control-expose-headers")).to.include("Retry-After").and.include("Location").and.include("X-Request-Id");
    expect(res.headers.get("vary")).to.include("Origin");
  });

  it("when an origin is not on the list, then the answer carries no CORS headers and the browser refuses it", async () => {
    const res = await fetch(`${open.url}/v1/orders`, { method: "POST", headers: { Origin: "https://evil.example.test", "Content-Type": "application/json" }, body: "{}" });
    expect(res.headers.get("access-control-allow-origin")).to.equal(null);
  });

  it("when no origins are configured, then even a preflight gets no CORS headers", async () => {
    const res = await preflight(closed.url, "https://app.example.test");
    expect(res.headers.get("access-control-allow-origin")).to.equal(null);
  });
});
