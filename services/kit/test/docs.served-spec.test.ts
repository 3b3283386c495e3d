import { expect } from "chai";
import { buildApp, listen } from "../src/index.js";
import { testTokens } from "../src/testing.js";
import { call, captureLogs, kitDatabase, miniSpec, stubHandlers } from "./support.js";

describe("kit: a service serves its spec for Try it out where it is served", () => {
  it("when /openapi.json and /docs are fetched, then servers is relative, whatever host and port the YAML names", async () => {
    const { sequelize, db } = await kitDatabase("sqlite");
    const app = buildApp({ spec: { ...miniSpec, servers: [{ url: "http://localhost:8080" }] } as typeof miniSpec, handlers: stubHandlers(), logger: captureLogs().logger, verifier: testTokens().verifier, sequelize, validateResponses: true });
    const server = await listen(app, 0);
    try {
      const spec = await call(`${server.url}/openapi.json`);
      expect(spec.status).to.equal(200);
      expect(spec.body.servers).to.deep.equal([{ url: "/", description: "This service" }]);
      const init = await (await fetch(`${server.url}/docs/swagger-ui-init.js`)).text();
      expect(init).to.include('"url": "/"');
      expect(init).not.to.include("localhost:8080");
    } finally {
      await server.close();
      await sequelize.close();
      await db.drop();
    }
  });
});
