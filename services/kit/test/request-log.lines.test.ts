import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { buildApp, createLogger, listen } from "../src/index.js";
import { testTokens } from "../src/testing.js";
import { call, kitDatabase, miniSpec, startMiniApp, stubHandlers, type MiniApp } from "./support.js";

describe("kit: request log lines", () => {
  let app: MiniApp;
  before(async () => {
    app = await startMiniApp("sqlite", {});
  });
  after(() => app.close());

  it("when an operation is answered, then one line carries its request id, method, url, status and time", async () => {
    await call(`${app.url}/things/blue`, { headers: { "X-Request-Id": "lines-1" } });
    const lines = app.logs.lines().filter((l) => l.request_id === "lines-1");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ msg: "request completed" });
    expect(lines[0]!.req).to.deep.equal({ method: "GET", url: "/things/blue" });
    expect(lines[0]!.res).to.deep.equal({ status: 200 });
    expect(lines[0]!.responseTime).to.be.a("number");
  });

  it("when a request is refused, then its line has the refusal's status; health probes get no line", async () => {
    await call(`${app.url}/nowhere`, { headers: { "X-Request-Id": "lines-2" } });
    await call(`${app.url}/healthz`, { headers: { "X-Request-Id": "lines-3" } });
    const refused = app.logs.lines().filter((l) => l.request_id === "lines-2");
    expect(refused.map((l) => (l.res as { status: number }).status)).to.deep.equal([404]);
    expect(app.logs.lines().filter((l) => l.request_id === "lines-3")).to.deep.equal([]);
  });
});

describe("kit: createLogger", () => {
  it("when the service logs, then request lines and other lines share its stream and name, and secrets in other lines are redacted", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-logger-"));
    const file = path.join(dir, "service.log");
    const logger = createLogger({ service: "kit-logger-test", dest: file });
    const { sequelize, db } = await kitDatabase("sqlite");
    const running = await listen(buildApp({ spec: miniSpec, handlers: stubHandlers(), logger, verifier: testTokens().verifier, sequelize, validateResponses: false }), 0);
    try {
      await call(`${running.url}/things/red`, { headers: { "X-Request-Id": "logger-1" } });
      logger.info({ password: "hunter2" }, "a line with a secret");
      await new Promise<void>((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve())));
      const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      const request = lines.find((l) => l.request_id === "logger-1");
      expect(request).to.include({ name: "kit-logger-test", msg: "request completed" });
      const secret = lines.find((l) => l.msg === "a line with a secret");
      expect(secret).to.include({ name: "kit-logger-test", password: "[redacted]" });
    } finally {
      await running.close();
      await sequelize.close();
      await db.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
