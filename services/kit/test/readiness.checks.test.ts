import { expect } from "chai";
import { testBackends } from "../src/testing.js";
import { call, startMiniApp, type MiniApp } from "./support.js";

for (const backend of testBackends()) {
  describe(`kit: readiness with extra checks (${backend})`, () => {
    let app: MiniApp;
    let searchUp = true;
    before(async () => {
      const unused = async () => {
        throw new Error("not called");
      };
      const handlers = { createThing: unused, getThing: unused, adminOnly: unused, internalOnly: unused } as never;
      app = await startMiniApp(backend, handlers, {
        readinessChecks: [
          async () => {
            if (!searchUp) throw new Error("search engine unreachable");
          },
        ],
      });
    });
    after(() => app?.close());

    it("when every extra check passes, then /readyz answers 200", async () => {
      searchUp = true;
      expect((await call(`${app.url}/readyz`)).status).to.equal(200);
    });

    it("when an extra check fails, then /readyz answers 503 without the error's text, and /healthz stays 200", async () => {
      searchUp = false;
      const ready = await call(`${app.url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(JSON.stringify(ready.body)).to.not.include("unreachable");
      expect((await call(`${app.url}/healthz`)).status).to.equal(200);
      searchUp = true;
      expect((await call(`${app.url}/readyz`)).status).to.equal(200);
    });
  });
}
