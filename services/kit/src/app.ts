import { randomUUID } from "node:crypto";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import swaggerUi from "swagger-ui-express";
import type { Sequelize } from "sequelize";
import type { Logger } from "pino";
import { requestContext } from "./context.js";
import { problemMiddleware, toProblem } from "./problem.js";
import { requestLogger } from "./request-log.js";
import { memoizeValidatorRoutes } from "./validator-routes.js";
import { AppError, forbidden, unauthenticated } from "./errors.js";
import type { Principal, TokenVerifier } from "./tokens.js";
import { IdempotencyStore, idempotencyScope, idempotencyStoreKey, requestHash } from "./idempotency.js";

const IDEMPOTENCY_PURGE_EVERY_MS = 60 * 60_000;

type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
const METHODS: HttpMethod[] = ["get", "post", "put", "patch", "delete"];

type OperationObject = {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: ({ name: string; in: string } | { $ref: string })[];
  "x-required-role"?: "admin" | "customer";
};
export type OpenApiDocument = {
  openapi: string;
  info: { title: string };
  security?: Record<string, string[]>[];
  paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  components?: Record<string, unknown>;
};

export interface BuildAppOptions {
  /** The bundled spec (openapi/dist/<svc>.json): the runtime gate and the route table. */
  spec: OpenApiDocument;
  /** Handlers keyed by operationId (typed with HandlerMap<operations> by the caller). */
  handlers: Record<string, (ctx: never) => Promise<{ status: unknown; body?: unknown; headers?: Record<string, string> }>>;
  logger: Logger;
  verifier: TokenVerifier;
  sequelize: Sequelize;
  validateResponses: boolean;
  /**
   * Whose X-Forwarded-For decides `req.ip` (the key of per-client limits): Express's `trust
   * proxy` value, normally the service's TRUSTED_PROXIES list. Default: loopback only.
   */
  trustProxy?: boolean | string | string[];
  /**
   * What else must answer before the replica takes traffic (e.g. a search engine); each
   * check throws when its dependency is unreachable. The database is always checked.
   */
  readinessChecks?: (() => Promise<unknown>)[];
  /** When a retry may take over an Idempotency-Key whose request never finished (see IdempotencyStore). */
  idempotencyAbandonedMs?: number;
  /** How long /readyz waits for a dependency before calling it unreachable. */
  readinessTimeoutMs?: number;
}

/** Rejects when `check` does not settle within `ms` (a dead host may take a connect timeout to fail). */
function within<T>(ms: number, check: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([check(), late]).finally(() => clearTimeout(timer));
}

/** A parameter as written in the operation, or the shared one its `$ref` points at (bundled specs keep those refs). */
function resolveParameter(spec: OpenApiDocument, p: { name: string; in: string } | { $ref: string }): { name?: string; in?: string } {
  if (!("$ref" in p)) return p;
  const name = /^#\/components\/parameters\/(.+)$/.exec(p.$ref)?.[1];
  const shared = spec.components?.parameters as Record<string, { name: string; in: string }> | undefined;
  return (name && shared?.[name]) || {};
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** Resolves the caller from the bearer token according to the operation's security requirement. */
async function authenticate(verifier: TokenVerifier, req: Request, op: OperationObject, spec: OpenApiDocument): Promise<Principal | null> {
  const requirements = op.security ?? spec.security ?? [];
  const schemes = new Set(requirements.flatMap((r) => Object.keys(r)));
  const token = bearerToken(req);
  if (schemes.size === 0) {
    // Public operation: a valid token still identifies the caller (admins see more); a bad one is ignored.
    if (!token) return null;
    return verifier.verifyAccessToken(token).catch(() => null);
  }
  if (!token) throw unauthenticated();
  if (schemes.has("bearerAuth")) {
    try {
      return await verifier.verifyAccessToken(token);
    } catch (error) {
      if (!schemes.has("serviceAuth")) throw error;
    }
  }
  return verifier.verifyServiceToken(token);
}

function authorize(principal: Principal | null, op: OperationObject): void {
  const role = op["x-required-role"];
  if (!role) return;
  if (!principal || principal.kind !== "user" || principal.role !== role) throw forbidden(`This operation needs the ${role} role.`);
}

/** Every operation of the spec with its express path (`{id}` becomes `:id`). */
function contractRoutes(spec: OpenApiDocument): { method: HttpMethod; expressPath: string; op: OperationObject }[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      return op?.operationId ? [{ method, expressPath: path.replace(/\{([^}]+)\}/g, ":$1"), op }] : [];
    }),
  );
}

function sendResult(res: Response, status: number, body: unknown, headers: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status);
  if (body === undefined) res.end();
  else if (status >= 400 && typeof body === "object" && body && "code" in body && "status" in body) res.type("application/problem+json").send(JSON.stringify(body));
  else res.json(body);
}

/**
 * Builds a service's express app from its contract: request ids and logs, body parsers,
 * health, docs, the OpenAPI validator, one route per operation of the spec, and the one
 * problem+json error middleware. The app never listens (see startServer).
 */
export function buildApp(options: BuildAppOptions): Express {
  const { spec, handlers, logger, verifier, sequelize } = options;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? "loopback");
  const idempotency = new IdempotencyStore(sequelize, { abandonedMs: options.idempotencyAbandonedMs });
  // started by listen() (server.ts) and stopped by its close(): expired keys are purged hourly
  app.locals.backgroundTasks = [() => idempotency.schedulePurge(IDEMPOTENCY_PURGE_EVERY_MS, (err) => logger.warn({ err }, "idempotency key purge failed"))];

  app.use((req, res, next) => {
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    requestContext.run({ requestId }, () => next());
  });
  app.use(requestLogger(logger));
  app.use(express.json({ limit: "1mb" }));
  app.use(express.urlencoded({ extended: false, limit: "100kb" }));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  // readiness, unlike liveness, follows the dependencies: a replica that cannot reach its
  // database answers 503 so the load balancer and Kubernetes send traffic to the others
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2_000;
  const readinessChecks = [() => sequelize.authenticate(), ...(options.readinessChecks ?? [])];
  app.get("/readyz", async (_req, res) => {
    try {
      await Promise.all(readinessChecks.map((check) => within(readinessTimeoutMs, check)));
      res.json({ status: "ok" });
    } catch (error) {
      logger.warn({ err: error }, "not ready");
      res.status(503).json({ status: "unavailable" });
    }
  });
  app.get("/openapi.json", (_req, res) => {
    res.json(spec);
  });
  app.use("/docs", swaggerUi.serve, swaggerUi.setup(spec as object, { customSiteTitle: spec.info.title }));

  memoizeValidatorRoutes();

  // Authenticate, then authorize, then validate: a caller who may not call an operation gets
  // its 401/403 before any 422 that would describe the operation's body rules.
  for (const { method, expressPath, op } of contractRoutes(spec)) {
    app[method](expressPath, (req: Request, res: Response, next: NextFunction) => {
      // `/users/me` also matches `/users/:id`: like the handlers, the first route registered wins
      if ("principal" in res.locals) return next();
      authenticate(verifier, req, op, spec)
        .then((principal) => {
          authorize(principal, op);
          res.locals.principal = principal;
          next();
        })
        .catch(next);
    });
  }

  app.use(
    OpenApiValidator.middleware({
      apiSpec: spec as never,
      validateRequests: { allowUnknownQueryParameters: false, removeAdditional: false, allErrors: true },
      validateResponses: options.validateResponses ? { onError: (error, body) => { logger.error({ error: error.message, body }, "response does not match the contract"); throw error; } } : false,
      validateSecurity: false,
      ignorePaths: /^\/(healthz|readyz|openapi\.json|docs)(\/|$)/,
      ignoreUndocumented: false,
    }),
  );

  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op?.operationId) continue;
      const handler = handlers[op.operationId];
      if (!handler) throw new Error(`no handler for operation ${op.operationId}`);
      const takesIdempotencyKey = (op.parameters ?? []).map((p) => resolveParameter(spec, p)).some((p) => p.in === "header" && p.name?.toLowerCase() === "idempotency-key");
      const expressPath = path.replace(/\{([^}]+)\}/g, ":$1");
      app[method](expressPath, async (req: Request, res: Response, next: NextFunction) => {
        try {
          const principal = res.locals.principal as Principal | null;
          const ctx = { params: req.params, query: req.query, headers: req.headers, body: req.body, principal, req, res };
          const key = takesIdempotencyKey ? req.header("idempotency-key") : undefined;
          if (!key) {
            const result = await handler(ctx as never);
            return sendResult(res, Number(result.status), result.body, result.headers);
          }
          const scope = idempotencyScope(principal, req.ip);
          const scopedKey = idempotencyStoreKey(op.operationId!, key);
          const begun = await idempotency.begin(scope, scopedKey, requestHash(req.method, req.originalUrl, req.body));
          if (begun.kind === "replay") {
            res.setHeader("Idempotent-Replayed", "true");
            return sendResult(res, begun.status, begun.body);
          }
          try {
            const result = await handler(ctx as never);
            await idempotency.complete(scope, scopedKey, Number(result.status), result.body);
            return sendResult(res, Number(result.status), result.body, result.headers);
          } catch (error) {
            if (error instanceof AppError && error.status < 500) {
              // a definite answer: replay it like a success
              const body = toProblem({ status: error.status, code: error.code, detail: error.message, extensions: error.extensions });
              await idempotency.complete(scope, scopedKey, error.status, body);
            } else {
              await idempotency.forget(scope, scopedKey);
            }
            throw error;
          }
        } catch (error) {
          next(error);
        }
      });
    }
  }

  app.use(problemMiddleware(logger));
  return app;
}
