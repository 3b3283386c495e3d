import { createRequire } from "node:module";
import { expect } from "chai";
import { buildApp, ERROR_CODES, errorCodeDocs, listen, toProblem } from "../src/index.js";
import { testTokens } from "../src/testing.js";
import { call, captureLogs, kitDatabase, miniSpec, stubHandlers } from "./support.js";

const require = createRequire(import.meta.url);
const bundled = ["auth", "product", "cart", "order", "analytics"].map((name) => [name, require(`../../../openapi/dist/${name}.json`)] as const);

describe("kit: problem types are documented and their type URIs resolve", () => {
  it("when the bundled specs are read, then every error code the server can send is explained in each of them", () => {
    for (const [name, spec] of bundled) {
      const docs = errorCodeDocs(spec);
      expect([...docs.keys()].sort(), `${name}.json`).to.deep.equal([...ERROR_CODES].sort());
      for (const [code, text] of docs) expect(text.length, `${name}: ${code}`).to.be.greaterThan(40);
    }
  });

  it("when a problem is shaped, then its type is the relative /problems/<code> page", () => {
    expect(toProblem({ status: 429, code: "rate_limited", detail: "Slow down." })).to.include({ type: "/problems/rate_limited", title: "Too many requests" });
  });

  describe("the pages a service serves", () => {
    let url = "";
    let close = async () => {};
    before(async () => {
      const { sequelize, db } = await kitDatabase("sqlite");
      const spec = { ...miniSpec, components: { ...(miniSpec as { components?: object }).components, schemas: { ...((miniSpec as { components?: { schemas?: object } }).components?.schemas ?? {}), ErrorCode: bundled[0]![1].components.schemas.ErrorCode } } } as typeof miniSpec;
      const server = await listen(buildApp({ spec, handlers: stubHandlers(), logger: captureLogs().logger, verifier: testTokens().verifier, sequelize, validateResponses: true }), 0);
      url = server.url;
      close = async () => {
        await server.close();
        await sequelize.close();
        await db.drop();
      };
    });
    after(() => close());

    it("when /problems/<code> is opened, then an HTML page explains what happened and what to do", async () => {
      const res = await fetch(`${url}/problems/idempotency_key_in_flight`);
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^text\/html/);
      const html = await res.text();
      expect(html).to.include("<h1><code>idempotency_key_in_flight</code></h1>");
      expect(html).to.include("retry with the same key");
      expect(html).not.to.match(/<script|https?:\/\//);
    });

    it("when /problems is opened, then it lists every code with a link to its page", async () => {
      const html = await (await fetch(`${url}/problems`)).text();
      for (const code of ERROR_CODES) expect(html, code).to.include(`<a href="/problems/${code}">`);
    });

    it("when an unknown code is asked for, then 404 problem+json (the name is never echoed as HTML)", async () => {
      const res = await call(`${url}/problems/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
      expect(res.status).to.equal(404);
      expect(res.body).to.include({ code: "not_found" });
    });
  });
});
