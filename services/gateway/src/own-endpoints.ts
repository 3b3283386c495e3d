import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Express } from "express";
import swaggerUi from "swagger-ui-express";
import { problemPages, sendProblem, specAsServed } from "@disqo-commerce/kit";

const SPEC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../openapi/dist");

/** The specs found in openapi/dist, by service name, for /docs and /specs/<name>.json. */
function loadSpecs(dir: string): Map<string, unknown> {
  const specs = new Map<string, unknown>();
  if (!fs.existsSync(dir)) return specs;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    specs.set(file.replace(/\.json$/, ""), specAsServed(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as object, "The gateway"));
  }
  return specs;
}

/**
 * What the gateway answers itself: health, readiness of every service, the specs and their
 * Swagger UI, the problem type pages, and a 404 problem for paths no service owns. Low-traffic, so Express is fine here.
 */
export function createOwnEndpoints(upstreams: Record<string, string>, specDir = SPEC_DIR): Express {
  const app = express();
  app.disable("x-powered-by");
  const specs = loadSpecs(specDir);

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const checks = await Promise.all(
      Object.entries(upstreams).map(async ([name, url]) => {
        const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
        return [name, ok ? "ok" : "unavailable"] as const;
      }),
    );
    const ready = checks.every(([, s]) => s === "ok");
    res.status(ready ? 200 : 503).json({ status: ready ? "ok" : "unavailable", services: Object.fromEntries(checks) });
  });

  app.get("/specs/:name.json", (req, res) => {
    const spec = specs.get(req.params.name);
    if (!spec) return sendProblem(res, 404, "not_found", "No such spec.", req.originalUrl);
    res.json(spec);
  });
  const urls = [...specs.keys()].map((name) => ({ url: `/specs/${name}.json`, name: `${name[0].toUpperCase()}${name.slice(1)} API` }));
  app.use("/docs", swaggerUi.serveFiles(undefined, { swaggerOptions: { urls } }), swaggerUi.setup(undefined, { explorer: true, customSiteTitle: "DISQO Commerce API", swaggerOptions: { urls } }));

  // every bundled spec carries the same ErrorCode (openapi/common.yaml): any one explains the codes
  app.use(problemPages([...specs.values()][0] ?? {}));
  app.use((req, res) => sendProblem(res, 404, "not_found", "No such resource.", req.originalUrl.split("?")[0]));
  return app;
}
