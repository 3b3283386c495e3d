import { Op } from "sequelize";
import { IdempotencyStore, toProblem, type Logger } from "@disqo-commerce/kit";
import { followUps } from "../outbox/follow-ups.js";
import type { CheckoutAttemptModel } from "../models/index.js";
import type { CancelOrder } from "../orders/cancel-order.js";
import { checkoutResult } from "./place-order.js";
import { reservationItems, type QuoteSnapshot } from "./quote.js";
import { recordDeclinedCharge, paymentDeclined } from "./steps/charge-payment.js";
import { writePaidOrder } from "./steps/record-order.js";
import { KEY_HOLDER_PREFIX, keyHolderOf, later, type CheckoutDeps } from "./context.js";

/**
 * Finishes or compensates every saga that a previous process (or a request that gave up)
 * left half-way, from what the database holds: run on start and then periodically.
 * - an attempt that never reached the processor is closed and its hold handed back;
 * - an attempt that was charging is looked up at the processor by its reference: charged ->
 *   the order is written (the charge is never repeated); declined or never seen -> closed and
 *   compensated; no answer -> left for the next pass;
 * - a refund left pending is sent again under the same reference (idempotent) and finished;
 * - the Idempotency-Key an attempt holds is settled with its outcome (see openAttempt): the
 *   order, the decline, or freed for a new try; a key still held by an attempt that ended
 *   (its process died in between) is settled from the attempt.
 */
export function createRecovery(deps: CheckoutDeps, cancel: CancelOrder, logger: Logger) {
  const { CheckoutAttempt, sequelize } = deps.models;
  const idempotency = new IdempotencyStore(sequelize);

  /** Takes over an attempt whose lease ran out, unless another process did first. */
  async function claim(attempt: CheckoutAttemptModel): Promise<boolean> {
    const [count] = await CheckoutAttempt.update(
      { lease_until: later(deps.clock, deps.settings.leaseMs) },
      { where: { id: attempt.id, state: attempt.state, lease_until: attempt.lease_until } },
    );
    return count === 1;
  }

  /** The answer to the checkout request whose key the attempt holds, so a client retrying its key gets what happened (null: run it again). */
  async function settleKey(attempt: CheckoutAttemptModel, status: number | null, body?: unknown) {
    const holder = keyHolderOf(attempt.id);
    if (status === null) await idempotency.forgetHeld(holder);
    else await idempotency.settleHeld(holder, status, body);
  }

  /**
   * Keys still held by an attempt that has ended: its process died after the attempt's end
   * and before the key's answer. A completed attempt answers with its order; a closed one
   * frees the key, so a retry runs afresh (as after a compensated failure). Keys of running
   * attempts are recoverCheckouts' business.
   */
  async function settleEndedHolders(): Promise<number> {
    const holders = await idempotency.holders(KEY_HOLDER_PREFIX, new Date(Date.now() - deps.settings.leaseMs));
    let settled = 0;
    for (const holder of holders) {
      try {
        const attempt = await CheckoutAttempt.findByPk(holder.slice(KEY_HOLDER_PREFIX.length));
        if (attempt && (attempt.state === "started" || attempt.state === "charging")) continue;
        if (attempt?.state === "completed") await settleKey(attempt, 201, await checkoutResult(deps, attempt.id));
        else await idempotency.forgetHeld(holder);
        settled++;
        logger.info({ holder, attempt_state: attempt?.state ?? null }, "settled a key its attempt left held");
      } catch (error) {
        logger.error({ err: error, holder }, "settling a held key failed; will retry");
      }
    }
    return settled;
  }

  async function close(attempt: CheckoutAttemptModel, state: "failed" | "declined", reason: string) {
    const quote = JSON.parse(attempt.quote_json) as QuoteSnapshot;
    await sequelize.transaction(async (t) => {
      await CheckoutAttempt.update({ state, live: null, last_error: reason.slice(0, 500) }, { where: { id: attempt.id, live: 1 }, transaction: t });
      if (attempt.hold_extended) await deps.outbox.enqueue([followUps.restoreHold(quote.id, reservationItems(quote), quote.expiresAt)], t);
    });
  }

  async function recoverAttempt(attempt: CheckoutAttemptModel): Promise<string> {
    if (attempt.state === "started") {
      await close(attempt, "failed", "abandoned before the charge");
      await settleKey(attempt, null);
      return "closed";
    }
    const settlement = await deps.payments.lookup(attempt.id);
    if (settlement.kind === "unknown") return "unknown";
    if (settlement.kind === "absent") {
      await close(attempt, "failed", "the processor has no record of the charge");
      await settleKey(attempt, null);
      return "closed";
    }
    const outcome = settlement.outcome;
    if (outcome.status === "declined") {
      const transactionId = await recordDeclinedCharge(deps.models, deps.events, attempt, outcome);
      await close(attempt, "declined", `declined: ${outcome.responseCode}`);
      const problem = paymentDeclined(outcome, transactionId);
      await settleKey(attempt, 402, toProblem({ status: 402, code: problem.code, detail: problem.message, extensions: problem.extensions }));
      return "declined";
    }
    const quote = JSON.parse(attempt.quote_json) as QuoteSnapshot;
    await writePaidOrder(deps, { id: attempt.id, userId: attempt.user_id, quote, paymentGatewayId: attempt.payment_gateway_id }, outcome, attempt.charged_at ?? deps.clock());
    await settleKey(attempt, 201, await checkoutResult(deps, attempt.id));
    return "completed";
  }

  async function recoverCheckouts(): Promise<Record<string, number>> {
    const stale = await CheckoutAttempt.findAll({
      where: { state: { [Op.in]: ["started", "charging"] }, lease_until: { [Op.lt]: deps.clock() } },
      order: [["created_at", "ASC"]],
      limit: 200,
    });
    const tally: Record<string, number> = {};
    for (const attempt of stale) {
      if (!(await claim(attempt))) continue;
      try {
        const result = await recoverAttempt(attempt);
        tally[result] = (tally[result] ?? 0) + 1;
        logger.info({ attempt_id: attempt.id, quote_id: attempt.quote_id, result }, "recovered checkout");
      } catch (error) {
        logger.error({ err: error, attempt_id: attempt.id }, "checkout recovery failed; will retry");
      }
    }
    return tally;
  }

  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<unknown> | undefined;

  async function runOnce() {
    const checkouts = await recoverCheckouts();
    const keys = await settleEndedHolders();
    const refunds = await cancel.recoverRefunds();
    await deps.outbox.dispatch();
    return { checkouts, keys, refunds };
  }

  return {
    runOnce,
    start(intervalMs: number) {
      const tick = () => {
        timer = setTimeout(async () => {
          pass = runOnce().catch((err) => logger.warn({ err }, "recovery pass failed"));
          await pass;
          pass = undefined;
          if (timer) tick();
        }, intervalMs);
        timer.unref();
      };
      tick();
    },
    async stop() {
      const t = timer;
      timer = undefined;
      if (t) clearTimeout(t);
      await pass;
    },
  };
}

export type Recovery = ReturnType<typeof createRecovery>;
