import { expect } from "chai";
import { buildApp, listen, openDatabase, type RunningServer } from "../src/index.js";
import { testBackends, testTokens } from "../src/testing.js";
import { call, captureLogs, kitDatabase, miniSpec, stubHandlers } from "./support.js";

const handlers = stubHandlers();

/** The mini spec's app on port 0 over the given database, with optional extra readiness checks. */
async function serve(sequelize: Parameters<typeof buildApp>[0]["sequelize"], extra: Partial<Parameters<typeof buildApp>[0]> = {}): Promise<RunningServer> {
  const app = buildApp({ spec: miniSpec, handlers, logger: captureLogs().logger, verifier: testTokens().verifier, sequelize, validateResponses: true, ...extra });
  return listen(app, 0);
}

for (const backend of testBackends()) {
  describe(`kit: /readyz follows the database (${backend})`, () => {
    it("when the database answers, then ready; once its connection is closed, then 503 while /healthz stays 200", async () => {
      const { sequelize, db } = await kitDatabase(backend);
      const server = await serve(sequelize);
      try {
        expect((await call(`${server.url}/readyz`)).status).to.equal(200);
        await sequelize.close();
        const res = await call(`${server.url}/readyz`);
        expect(res.status).to.equal(503);
        expect(res.body).to.deep.equal({ status: "unavailable" });
        expect((await call(`${server.url}/healthz`)).status).to.equal(200);
      } finally {
        await server.close();
        await db.drop();
      }
    });
  });
}

describe("kit: /readyz with a dead dependency", function () {
  this.timeout(15_000);

  it("when the MariaDB server it points at is not running, then 503 (and the process keeps serving)", async () => {
    // nothing listens on this port: the connection is refused
    const sequelize = openDatabase({ url: "mysql://nobody:nothing@127.0.0.1:9/nowhere", name: "dead" });
    const server = await serve(sequelize);
    try {
      expect((await call(`${server.url}/readyz`)).status).to.equal(503);
      expect((await call(`${server.url}/healthz`)).status).to.equal(200);
    } finally {
      await server.close();
      await sequelize.close();
    }
  });

  it("when an extra dependency hangs, then 503 within the readiness timeout, not the dependency's own timeout", async () => {
    const { sequelize, db } = await kitDatabase("sqlite");
    let healthy = false;
    const server = await serve(sequelize, {
      readinessChecks: [() => (healthy ? Promise.resolve() : new Promise(() => undefined))],
      readinessTimeoutMs: 300,
    });
    try {
      const started = Date.now();
      expect((await call(`${server.url}/readyz`)).status).to.equal(503);
      expect(Date.now() - started).to.be.below(2_000);
      healthy = true;
      expect((await call(`${server.url}/readyz`)).status).to.equal(200);
    } finally {
      await server.close();
      await sequelize.close();
      await db.drop();
    }
  });
});
