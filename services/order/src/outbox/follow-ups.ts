import type { Logger } from "@disqo-commerce/kit";
import { describeFailure, type Remotes } from "../remote/clients.js";
import type { OutboxEntry, OutboxHandler, StepResult } from "./outbox.js";

/*
 * The cross-service steps of the saga that run from the outbox. Each is safe to repeat
 * (the peers' operations are idempotent), so a retry after a lost answer does no harm.
 */

type Items = { product_id: number; quantity: number }[];
const DONE: StepResult = { done: true };

export const followUps = {
  /** Turn the quote's held stock into sold stock. */
  commitReservation: (reservationId: string, orderId: string): OutboxEntry => ({
    aggregate: `reservation:${reservationId}`,
    kind: "commit_reservation",
    payload: { reservation_id: reservationId, order_id: orderId },
  }),
  /** Mark the quote accepted for the order (the cart service empties the cart). */
  acceptQuote: (quoteId: string, orderId: string, paidAt: Date): OutboxEntry => ({
    aggregate: `quote:${quoteId}`,
    kind: "accept_quote",
    payload: { quote_id: quoteId, order_id: orderId, paid_at: paidAt.toISOString() },
  }),
  /** Hand the hold back to the quote after a checkout that did not charge: its original expiry, or release it if that has passed. */
  restoreHold: (reservationId: string, items: Items, quoteExpiresAt: string): OutboxEntry => ({
    aggregate: `reservation:${reservationId}`,
    kind: "restore_hold",
    payload: { reservation_id: reservationId, items, expires_at: quoteExpiresAt },
  }),
  /** Give the stock back (a cancelled order; releasing a committed reservation returns its units). */
  releaseReservation: (reservationId: string, orderId: string): OutboxEntry => ({
    aggregate: `reservation:${reservationId}`,
    kind: "release_reservation",
    payload: { reservation_id: reservationId, order_id: orderId },
  }),
};

function unreachable(message: string): never {
  throw new Error(`peer unreachable: ${message}`);
}

export function followUpHandlers(remotes: Remotes, logger: Logger, clock: () => Date): Record<string, OutboxHandler> {
  return {
    async commit_reservation(p) {
      try {
        await remotes.inventory.commitReservation({ reservation_id: String(p.reservation_id) });
        return DONE;
      } catch (error) {
        const f = await describeFailure(error);
        if (f.kind === "unreachable") unreachable(f.message);
        if (f.status === 401 || f.status === 403) throw new Error(`product service refused our credential (${f.status})`);
        // the paid order stands; a stock the product service will not commit needs a person
        logger.error({ reservation_id: p.reservation_id, order_id: p.order_id, status: f.status, code: f.code }, "paid order's reservation could not be committed");
        return { done: false, permanent: true, reason: `commit answered ${f.status} ${f.code ?? ""}`.trim() };
      }
    },

    async accept_quote(p) {
      try {
        await remotes.quotes.acceptQuote({ id: String(p.quote_id), QuoteAcceptance: { order_id: String(p.order_id), paid_at: new Date(String(p.paid_at)).toISOString() } });
        return DONE;
      } catch (error) {
        const f = await describeFailure(error);
        if (f.kind === "unreachable") unreachable(f.message);
        if (f.status === 401 || f.status === 403) throw new Error(`cart service refused our credential (${f.status})`);
        logger.error({ quote_id: p.quote_id, order_id: p.order_id, status: f.status, code: f.code }, "quote of a paid order could not be accepted");
        return { done: false, permanent: true, reason: `accept answered ${f.status} ${f.code ?? ""}`.trim() };
      }
    },

    async restore_hold(p) {
      const reservationId = String(p.reservation_id);
      const expiresAt = new Date(String(p.expires_at));
      try {
        // a second of margin: the product service wants a future expiry
        if (expiresAt.getTime() > clock().getTime() + 1_000) {
          await remotes.inventory.putReservation({ reservation_id: reservationId, ReservationInput: { items: p.items as Items, expires_at: expiresAt.toISOString() } });
        } else {
          await remotes.inventory.releaseReservation({ reservation_id: reservationId });
        }
        return DONE;
      } catch (error) {
        const f = await describeFailure(error);
        if (f.kind === "unreachable") unreachable(f.message);
        if (f.status === 401 || f.status === 403) throw new Error(`product service refused our credential (${f.status})`);
        // 404 / 409: the hold is gone already (released, superseded, lapsed): nothing left to hand back
        return DONE;
      }
    },

    async release_reservation(p) {
      try {
        await remotes.inventory.releaseReservation({ reservation_id: String(p.reservation_id) });
        return DONE;
      } catch (error) {
        const f = await describeFailure(error);
        if (f.kind === "unreachable") unreachable(f.message);
        if (f.status === 404) return DONE;
        if (f.status === 401 || f.status === 403) throw new Error(`product service refused our credential (${f.status})`);
        logger.error({ reservation_id: p.reservation_id, order_id: p.order_id, status: f.status, code: f.code }, "cancelled order's stock could not be returned");
        return { done: false, permanent: true, reason: `release answered ${f.status} ${f.code ?? ""}`.trim() };
      }
    },
  };
}
