import { expect } from "chai";
import { call, startMiniApp } from "./support.js";

describe("kit: requests with oversized headers", () => {
  it("when a request's headers exceed 16 KB, then it is 431 problem+json headers_too_large, not a bare status", async () => {
    const mini = await startMiniApp("sqlite", {});
    try {
      const res = await call(`${mini.url}/healthz`, { headers: { "X-Padding": "x".repeat(20_000) } });
      expect(res.status).to.equal(431);
      expect(res.headers.get("content-type")).to.equal("application/problem+json");
      expect(res.body).to.include({ status: 431, code: "headers_too_large", title: "Request header fields too large" });
    } finally {
      await mini.close();
    }
  });

  it("when the headers are large but within the limit, then the request is served", async () => {
    const mini = await startMiniApp("sqlite", {});
    try {
      const res = await call(`${mini.url}/healthz`, { headers: { "X-Padding": "x".repeat(8_000) } });
      expect(res.status).to.equal(200);
    } finally {
      await mini.close();
    }
  });
});
