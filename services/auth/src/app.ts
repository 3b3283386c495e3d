import { createRequire } from "node:module";
import type { Sequelize } from "sequelize";
import { analyticsRelay, buildApp, createEventRecorder, serviceTokenProvider, StaticKeys, TokenVerifier, type BackgroundTask, type Logger, type OpenApiDocument } from "@disqo-commerce/kit";
import { createAccounts } from "./accounts.js";
import { createHandlers } from "./handlers/index.js";
import { createLogin } from "./login.js";
import { createAuthLimits, DEFAULT_LIMITS, type LimiterOptions } from "./limits.js";
import { createPasswordChange } from "./password-change.js";
import { defineModels } from "./models/index.js";
import { createSessions } from "./sessions.js";
import type { SigningKey } from "./signing-key.js";
import { createUserDirectory } from "./users.js";

const require = createRequire(import.meta.url);
export const spec = require("../../../openapi/dist/auth.json") as OpenApiDocument;

export interface AuthAppDeps {
  sequelize: Sequelize;
  logger: Logger;
  key: SigningKey;
  serviceSecret: string;
  validateResponses: boolean;
  /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES); default loopback. */
  trustProxy?: string[];
  /** See the kit's IdempotencyStore; default 2 minutes. */
  idempotencyAbandonedMs?: number;
  accessTtlSeconds?: number;
  refreshTtlDays?: number;
  limiter?: Partial<LimiterOptions>;
  /** The analytics service's base URL: signups are recorded (through the outbox) only when set. */
  analyticsUrl?: string;
}

export function createAuthDomain(deps: AuthAppDeps) {
  const models = defineModels(deps.sequelize);
  const sessions = createSessions({ sequelize: deps.sequelize, models, key: deps.key, accessTtlSeconds: deps.accessTtlSeconds ?? 900, refreshTtlDays: deps.refreshTtlDays ?? 30 });
  const events = createEventRecorder(deps.sequelize, Boolean(deps.analyticsUrl));
  const accounts = createAccounts({ models, sessions, events });
  const limits = createAuthLimits(models, { ...DEFAULT_LIMITS, ...deps.limiter });
  return {
    models,
    sessions,
    accounts,
    limits,
    users: createUserDirectory(models),
    login: createLogin({ accounts, limits, sessions }),
    changePassword: createPasswordChange({ accounts, limits }),
    key: deps.key,
  };
}

/** The auth service's express app (never listens). */
export function createApp(deps: AuthAppDeps) {
  const domain = createAuthDomain(deps);
  // The auth service verifies its own tokens with the key it holds: no JWKS round trip to itself.
  const verifier = new TokenVerifier(new StaticKeys(new Map([[deps.key.kid, deps.key.publicKey]])), deps.serviceSecret);
  const app = buildApp({ spec, handlers: createHandlers(domain), logger: deps.logger, verifier, sequelize: deps.sequelize, validateResponses: deps.validateResponses, trustProxy: deps.trustProxy, idempotencyAbandonedMs: deps.idempotencyAbandonedMs });
  if (deps.analyticsUrl) (app.locals.backgroundTasks as BackgroundTask[]).push(analyticsRelay({ sequelize: deps.sequelize, url: deps.analyticsUrl, serviceToken: serviceTokenProvider("auth", deps.serviceSecret), logger: deps.logger }));
  return { app, domain };
}
