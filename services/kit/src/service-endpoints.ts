import express, { type Router } from "express";
import swaggerUi from "swagger-ui-express";
import type { Logger } from "pino";
import type { Sequelize } from "sequelize";
import type { OpenApiDocument } from "./contract.js";
import { problemPages } from "./problem-pages.js";

/** Rejects when `check` does not settle within `ms` (a dead host may take a connect timeout to fail). */
function within<T>(ms: number, check: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([check(), late]).finally(() => clearTimeout(timer));
}

export interface ServiceEndpointOptions {
  spec: OpenApiDocument;
  logger: Logger;
  sequelize: Sequelize;
  readinessChecks?: (() => Promise<unknown>)[];
  readinessTimeoutMs?: number;
}

/** Paths every service answers outside its contract (the validator ignores them). */
export const SERVICE_ENDPOINT_PATHS = /^\/(healthz|readyz|openapi\.json|docs|problems)(\/|$)/;

/**
 * A spec as this server serves it: its `servers` is relative ("/"), so Swagger UI's
 * "Try it out" calls whichever host and port the docs were loaded from (the gateway or the
 * service itself, locally or in a cluster) instead of the address written in the YAML.
 */
export function specAsServed<T extends object>(spec: T, description = "Where these docs are served from"): T {
  return { ...spec, servers: [{ url: "/", description }] };
}

/**
 * Liveness, readiness (following the dependencies), the bundled spec, its Swagger UI and the
 * problem pages, as one router for SERVICE_ENDPOINT_PATHS (an API request never enters it).
 */
export function serviceEndpoints(options: ServiceEndpointOptions): Router {
  const { spec, logger, sequelize } = options;
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  // readiness, unlike liveness, follows the dependencies: a replica that cannot reach its
  // database answers 503 so the load balancer and Kubernetes send traffic to the others
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2_000;
  const readinessChecks = [() => sequelize.authenticate(), ...(options.readinessChecks ?? [])];
  router.get("/readyz", async (_req, res) => {
    try {
      await Promise.all(readinessChecks.map((check) => within(readinessTimeoutMs, check)));
      res.json({ status: "ok" });
    } catch (error) {
      logger.warn({ err: error }, "not ready");
      res.status(503).json({ status: "unavailable" });
    }
  });
  const served = specAsServed(spec, "This service");
  router.get("/openapi.json", (_req, res) => {
    res.json(served);
  });
  router.use("/docs", swaggerUi.serve, swaggerUi.setup(served as object, { customSiteTitle: spec.info.title }));
  router.use(problemPages(spec));
  return router;
}
