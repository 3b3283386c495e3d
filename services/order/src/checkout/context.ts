import type { EventRecorder, IdempotentAnswer, Logger } from "@disqo-commerce/kit";
import type { AttemptLog } from "../data-access/attempt-log.js";
import type { OrderModels } from "../models/index.js";
import type { Outbox } from "../outbox/outbox.js";
import type { ProcessorOutcome } from "../payments/processor-client.js";
import type { Payments } from "../payments/payments.js";
import type { Remotes } from "../remote/clients.js";
import type { Views } from "../orders/views.js";
import type { QuoteSnapshot } from "./quote.js";

export interface CheckoutSettings {
  /** How long checkout holds the quote's stock once it starts paying (long enough to outlast a peer's outage). */
  holdSeconds: number;
  /** How long a running saga owns its row before recovery may take it over. */
  leaseMs: number;
}

export interface CheckoutDeps {
  models: OrderModels;
  /** The saga log's writes outside a transaction (see data-access/attempt-log.ts). */
  attempts: AttemptLog;
  remotes: Remotes;
  payments: Payments;
  outbox: Outbox;
  /** Analytics events (checkout succeeded / declined), written in the fact's transaction. */
  events: EventRecorder;
  views: Views;
  logger: Logger;
  clock: () => Date;
  settings: CheckoutSettings;
}

export interface CheckoutInput {
  userId: number;
  quoteId: string;
  token: string;
  /**
   * The request's Idempotency-Key, which the kit owns: the attempt holds it while it runs (so
   * a retry is a 409 until the outcome is known, then a replay of it), recovery settles it.
   */
  idempotency: IdempotentAnswer;
}

/** What the checkout saga knows as it goes; each step adds its part. */
export interface CheckoutContext {
  input: CheckoutInput;
  /** The attempt's id, which becomes the order's id and is the charge's reference at the processor. */
  attemptId: string;
  quote?: QuoteSnapshot;
  /** Set once a hold extension may have reached the product service (so it must be handed back on failure). */
  holdTouched: boolean;
  charge?: ProcessorOutcome;
  chargedAt?: Date;
}

/** The name under which an attempt holds its request's Idempotency-Key in the kit's store. */
export const KEY_HOLDER_PREFIX = "checkout:";
export const keyHolderOf = (attemptId: string) => `${KEY_HOLDER_PREFIX}${attemptId}`;

export const later = (clock: () => Date, ms: number) => new Date(clock().getTime() + ms);
