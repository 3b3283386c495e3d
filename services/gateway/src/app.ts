import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import express, { type Express } from "express";
import { createProxyMiddleware } from "http-proxy-middleware";
import swaggerUi from "swagger-ui-express";
import http, { type ServerResponse } from "node:http";
import { requestContext, sendProblem, toProblem, type Logger } from "@disqo-commerce/kit";
import { ownerOf, type ServiceName } from "./routes.js";

const SPEC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../openapi/dist");

export interface GatewayDeps {
  /** Base URL of each service that exists; a service left out is not routed. */
  upstreams: Partial<Record<ServiceName, string>>;
  logger: Logger;
  timeoutMs?: number;
  specDir?: string;
}

/** The specs found in openapi/dist, by service name, for /docs and /specs/<name>.json. */
function loadSpecs(dir: string): Map<string, unknown> {
  const specs = new Map<string, unknown>();
  if (!fs.existsSync(dir)) return specs;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    specs.set(file.replace(/\.json$/, ""), JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")));
  }
  return specs;
}

export function createApp(deps: GatewayDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  const specs = loadSpecs(deps.specDir ?? SPEC_DIR);

  app.use((req, res, next) => {
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    req.headers["x-request-id"] = requestId;
    res.setHeader("X-Request-Id", requestId);
    requestContext.run({ requestId }, () => next());
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const checks = await Promise.all(
      Object.entries(deps.upstreams).map(async ([name, url]) => {
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

  for (const [service, target] of Object.entries(deps.upstreams) as [ServiceName, string][]) {
    app.use(
      createProxyMiddleware({
        target,
        // keep-alive to the services: without an agent every proxied request opened (and the
        // service accepted) a new TCP connection, the larger part of the gateway's CPU per request
        agent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
        xfwd: true,
        proxyTimeout: deps.timeoutMs ?? 30_000,
        pathFilter: (pathname) => ownerOf(pathname, deps.upstreams) === service,
        on: {
          error: (err, req, res) => {
            deps.logger.warn({ err: (err as Error).message, service }, "upstream unavailable");
            const response = res as ServerResponse;
            if (response.headersSent || typeof response.setHeader !== "function") return response.end?.();
            response.statusCode = 503;
            response.setHeader("Content-Type", "application/problem+json");
            response.end(
              JSON.stringify(
                toProblem({ status: 503, code: "service_unavailable", detail: `The ${service} service did not answer; try again shortly.`, instance: req.url, requestId: req.headers["x-request-id"] as string | undefined }),
              ),
            );
          },
        },
      }),
    );
  }

  app.use((req, res) => sendProblem(res, 404, "not_found", "No such resource.", req.originalUrl.split("?")[0]));
  return app;
}
