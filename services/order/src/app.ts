import { createRequire } from "node:module";
import type { Sequelize } from "sequelize";
import { analyticsRelay, buildApp, createEventRecorder, serviceTokenProvider, type BackgroundTask, type Logger, type OpenApiDocument, type TokenVerifier } from "@disqo-commerce/kit";
import { createHandlers } from "./handlers/index.js";
import { defineModels } from "./models/index.js";
import { createOutbox } from "./outbox/outbox.js";
import { followUpHandlers } from "./outbox/follow-ups.js";
import { createPayments } from "./payments/payments.js";
import type { PaymentProcessorClient } from "./payments/processor-client.js";
import { createRemotes, type Remotes } from "./remote/clients.js";
import { createAttemptLog } from "./data-access/attempt-log.js";
import { createOrderReads } from "./data-access/order-reads.js";
import { createViews } from "./orders/views.js";
import { createCancelOrder } from "./orders/cancel-order.js";
import { createFulfilment } from "./orders/fulfilment.js";
import { createPlaceOrder } from "./checkout/place-order.js";
import { createRecovery } from "./checkout/recovery.js";
import type { SagaHooks } from "./checkout/saga.js";

const require = createRequire(import.meta.url);
export const spec = require("../../../openapi/dist/order.json") as OpenApiDocument;

export interface OrderSettings {
  remoteTimeoutMs: number;
  gatewayTimeoutMs: number;
  holdSeconds: number;
  leaseMs: number;
  lookupAttempts: number;
  lookupDelayMs: number;
  outboxBaseDelayMs: number;
  outboxMaxDelayMs: number;
}

export const DEFAULT_SETTINGS: OrderSettings = {
  remoteTimeoutMs: 3_000,
  gatewayTimeoutMs: 5_000,
  holdSeconds: 86_400,
  leaseMs: 60_000,
  lookupAttempts: 3,
  lookupDelayMs: 200,
  outboxBaseDelayMs: 1_000,
  outboxMaxDelayMs: 5 * 60_000,
};

export interface OrderAppDeps {
  sequelize: Sequelize;
  logger: Logger;
  verifier: TokenVerifier;
  validateResponses: boolean;
  /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES); default loopback. */
  trustProxy?: string[];
  /** See the kit's IdempotencyStore; default 2 minutes. */
  idempotencyAbandonedMs?: number;
  processor: PaymentProcessorClient;
  /** The cart and product services: their base URLs (with the service secret), or ready clients. */
  remotes: Remotes | { cartUrl: string; productUrl: string; serviceSecret: string };
  settings?: Partial<OrderSettings>;
  clock?: () => Date;
  /** Fault injection for tests (e.g. a ProcessCrash after the charge). */
  hooks?: SagaHooks;
  /** The analytics service: checkouts and cancellations are recorded (through the outbox) only when set. */
  analytics?: { url: string; serviceSecret: string };
}

/** The order service's express app and its domain (never listens; main.ts starts the background loops). */
export function createApp(deps: OrderAppDeps) {
  const settings = { ...DEFAULT_SETTINGS, ...deps.settings };
  const clock = deps.clock ?? (() => new Date());
  const logger = deps.logger;
  const models = defineModels(deps.sequelize);
  const remotes =
    "quotes" in deps.remotes
      ? deps.remotes
      : createRemotes({
          cartUrl: deps.remotes.cartUrl,
          productUrl: deps.remotes.productUrl,
          serviceToken: serviceTokenProvider("order", deps.remotes.serviceSecret),
          timeoutMs: settings.remoteTimeoutMs,
        });
  const payments = createPayments(deps.processor, logger, { timeoutMs: settings.gatewayTimeoutMs, lookupAttempts: settings.lookupAttempts, lookupDelayMs: settings.lookupDelayMs });
  const outbox = createOutbox(models, followUpHandlers(remotes, logger, clock), logger, {
    baseDelayMs: settings.outboxBaseDelayMs,
    maxDelayMs: settings.outboxMaxDelayMs,
    claimMs: Math.max(settings.remoteTimeoutMs * 2, 1_000),
    clock,
  });
  const views = createViews(models, createOrderReads(deps.sequelize));
  const events = createEventRecorder(deps.sequelize, Boolean(deps.analytics));
  const checkoutDeps = { models, attempts: createAttemptLog(deps.sequelize), remotes, payments, outbox, events, views, logger, clock, settings: { holdSeconds: settings.holdSeconds, leaseMs: settings.leaseMs } };
  const placeOrder = createPlaceOrder(checkoutDeps, deps.hooks);
  const cancelOrder = createCancelOrder({ models, payments, outbox, events, views, logger, clock, leaseMs: settings.leaseMs });
  const fulfilment = createFulfilment(models, views);
  const recovery = createRecovery(checkoutDeps, cancelOrder, logger);

  const app = buildApp({
    spec,
    handlers: createHandlers({ placeOrder, cancelOrder, fulfilment, views }),
    logger,
    verifier: deps.verifier,
    sequelize: deps.sequelize,
    validateResponses: deps.validateResponses, trustProxy: deps.trustProxy,
    idempotencyAbandonedMs: deps.idempotencyAbandonedMs,
  });
  if (deps.analytics) {
    (app.locals.backgroundTasks as BackgroundTask[]).push(analyticsRelay({ sequelize: deps.sequelize, url: deps.analytics.url, serviceToken: serviceTokenProvider("order", deps.analytics.serviceSecret), logger }));
  }

  const domain = {
    models,
    views,
    outbox,
    recovery,
    placeOrder,
    cancelOrder,
    fulfilment,
    /** Resumes every unfinished saga now, then keeps the outbox and recovery loops running. */
    async start(intervals: { outboxMs: number; recoveryMs: number }) {
      // peers may still be starting: whatever fails now is retried by the loops
      await recovery.runOnce().catch((err) => logger.warn({ err }, "first recovery pass failed"));
      outbox.start(intervals.outboxMs);
      recovery.start(intervals.recoveryMs);
    },
    async stop() {
      await recovery.stop();
      await outbox.stop();
    },
  };
  return { app, domain };
}
