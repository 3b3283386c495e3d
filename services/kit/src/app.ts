import { randomUUID } from "node:crypto";
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import type { Sequelize } from "sequelize";
import type { Logger } from "pino";
import { authenticate, authorize } from "./authenticate.js";
import { requestContext, VISITOR_ID } from "./context.js";
import { resolveParameter, type OpenApiDocument } from "./contract.js";
import { runOperation, type OperationHandler } from "./dispatch.js";
import { IdempotencyStore } from "./idempotency.js";
import { OperationTable, type ContractOperation, type OperationMatch } from "./operation-table.js";
import { problemMiddleware } from "./problem.js";
import { requestLogger } from "./request-log.js";
import { serviceEndpoints, SERVICE_ENDPOINT_PATHS } from "./service-endpoints.js";
import type { TokenVerifier } from "./tokens.js";
import { memoizeValidatorRoutes } from "./validator-routes.js";

export type { HttpMethod, OpenApiDocument, OperationObject } from "./contract.js";

const IDEMPOTENCY_PURGE_EVERY_MS = 60 * 60_000;

export interface BuildAppOptions {
  /** The bundled spec (openapi/dist/<svc>.json): the runtime gate and the route table. */
  spec: OpenApiDocument;
  /** Handlers keyed by operationId (typed with HandlerMap<operations> by the caller). */
  handlers: Record<string, OperationHandler>;
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
  /** The largest file a multipart operation accepts (413 `payload_too_large` beyond); default 1 MB. */
  uploadLimitBytes?: number;
}

/**
 * What every request gets first, in one step: its request id (the client's X-Request-Id when
 * sane, else new) on the response and in the async context of every log line, its log line,
 * and its JSON or form body parsed (a request without a body, most reads, skips the parsers).
 */
function acceptRequest(logger: Logger): RequestHandler {
  const logRequest = requestLogger(logger);
  const json = express.json({ limit: "1mb" });
  const form = express.urlencoded({ extended: false, limit: "100kb" });
  const parseBody: RequestHandler = (req, res, next) => {
    if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) return next();
    json(req, res, (error?: unknown) => (error ? next(error) : form(req, res, next)));
  };
  return (req, res, next) => {
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    const visitor = req.headers["x-disqo-visitor-id"];
    const visitorId = typeof visitor === "string" && VISITOR_ID.test(visitor) ? visitor : undefined;
    requestContext.run({ requestId, visitorId }, () => logRequest(req, res, () => parseBody(req, res, next)));
  };
}

/** The service endpoints (health, readiness, docs, problem pages) for their paths only, so an API request skips their routes. */
function serviceEndpointsGate(router: RequestHandler): RequestHandler {
  return (req, res, next) => (SERVICE_ENDPOINT_PATHS.test(req.path) ? router(req, res, next) : next());
}

type RoutedOperation = ContractOperation & { takesIdempotencyKey: boolean; handler: OperationHandler };
type Matched = OperationMatch & { operation: RoutedOperation };

/**
 * Finds the request's operation once (the later steps read it from `res.locals.match`), then
 * authenticates and authorizes the caller before validation: a caller who may not call an
 * operation gets its 401/403 before any 422 about its body. Unknown paths fall through to the
 * validator's 404/405.
 */
function matchAndAuthenticate(table: OperationTable, verifier: TokenVerifier, spec: OpenApiDocument): RequestHandler {
  return (req, res, next) => {
    const match = table.match(req.method, req.path);
    if (!match) return next();
    res.locals.match = match;
    authenticate(verifier, req, match.operation.op, spec)
      .then((principal) => {
        authorize(principal, match.operation.op);
        res.locals.principal = principal;
        next();
      })
      .catch(next);
  };
}

/**
 * Middlewares run one after another as a single handler: each would otherwise be a layer of
 * the app's router, walked and matched for every request. A middleware's thrown error or
 * rejected promise goes to `next`, as Express does it.
 */
function inSequence(middlewares: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      if (error) return next(error);
      const middleware = middlewares[index++];
      if (!middleware) return next();
      try {
        const returned = middleware(req, res, step) as unknown;
        if (returned instanceof Promise) returned.catch(next);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}

/**
 * The validator's middlewares that do something here: its route lookup, multipart, request
 * and response validation. Left out, by their names: `pathParamsMiddleware` (it installs
 * `app.param` hooks for Express routes, and the app has none: dispatch reads the path
 * parameters from `req.openapi`) and `securityMiddleware` (security is off; authenticate runs
 * before). Each validator middleware costs a promise and a microtask hop per request even
 * when it does nothing; should a release rename them, they simply run again.
 */
const IDLE_VALIDATOR_MIDDLEWARES = new Set(["pathParamsMiddleware", "securityMiddleware"]);

function validateAgainstContract(spec: OpenApiDocument, validateResponses: boolean, logger: Logger, uploadLimitBytes: number): RequestHandler[] {
  memoizeValidatorRoutes();
  const middlewares = OpenApiValidator.middleware({
    apiSpec: spec as never,
    // multipart bodies (only operations whose contract says multipart/form-data): in memory, bounded
    fileUploader: { limits: { fileSize: uploadLimitBytes, files: 2, fields: 10, parts: 12 } },
    validateRequests: { allowUnknownQueryParameters: false, removeAdditional: false, allErrors: true },
    validateResponses: validateResponses
      ? {
          onError: (error, body) => {
            logger.error({ error: error.message, body }, "response does not match the contract");
            throw error;
          },
        }
      : false,
    validateSecurity: false,
    ignorePaths: SERVICE_ENDPOINT_PATHS,
    ignoreUndocumented: false,
  });
  return (middlewares as unknown as RequestHandler[]).filter((middleware) => !IDLE_VALIDATOR_MIDDLEWARES.has(middleware.name));
}

/** Runs the matched operation's handler with the validator's (coerced) path parameters. */
function dispatchOperation(idempotency: IdempotencyStore): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const match = res.locals.match as Matched | undefined;
    if (!match) return next();
    const params = (req as Request & { openapi?: { pathParams?: Record<string, string> } }).openapi?.pathParams ?? match.params;
    runOperation(idempotency, match.operation, match.operation.handler, req, res, params).catch(next);
  };
}

/** Every operation of the spec with its handler; a missing handler is a startup error, not a 500 later. */
function routeOperations(spec: OpenApiDocument, handlers: Record<string, OperationHandler>): OperationTable {
  const table = new OperationTable(spec);
  for (const operation of table.operations as RoutedOperation[]) {
    const handler = handlers[operation.operationId];
    if (!handler) throw new Error(`no handler for operation ${operation.operationId}`);
    operation.handler = handler;
    operation.takesIdempotencyKey = (operation.op.parameters ?? []).map((p) => resolveParameter(spec, p)).some((p) => p.in === "header" && p.name?.toLowerCase() === "idempotency-key");
  }
  return table;
}

/**
 * Builds a service's express app from its contract: accept the request (request id, log line,
 * body), the service endpoints (health, readiness, docs) for their paths, then for the
 * contract's operations: match and authenticate, validate, dispatch, and the one
 * problem+json error middleware. The steps run in sequence as one router layer: every layer is
 * walked and matched for every request (issue 11). The app never
 * listens (see listen in server.ts).
 */
export function buildApp(options: BuildAppOptions): Express {
  const { spec, logger, verifier, sequelize } = options;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? "loopback");
  const idempotency = new IdempotencyStore(sequelize, { abandonedMs: options.idempotencyAbandonedMs });
  // started by listen() (server.ts) and stopped by its close(): expired keys are purged hourly
  app.locals.backgroundTasks = [() => idempotency.schedulePurge(IDEMPOTENCY_PURGE_EVERY_MS, (err) => logger.warn({ err }, "idempotency key purge failed"))];
  const table = routeOperations(spec, options.handlers);

  // one router layer for the whole pipeline, and the error middleware
  app.use(
    inSequence([
      acceptRequest(logger),
      serviceEndpointsGate(serviceEndpoints({ spec, logger, sequelize, readinessChecks: options.readinessChecks, readinessTimeoutMs: options.readinessTimeoutMs })),
      matchAndAuthenticate(table, verifier, spec),
      ...validateAgainstContract(spec, options.validateResponses, logger, options.uploadLimitBytes ?? 1024 * 1024),
      dispatchOperation(idempotency),
    ]),
  );
  app.use(problemMiddleware(logger));
  return app;
}
