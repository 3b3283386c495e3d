import { randomBytes } from "node:crypto";
import { sleep } from "@disqo-commerce/kit";
import { MemoryLedger, type LedgerStore } from "./test-processor-ledger.js";
import { ProcessorUnavailableError, type CallOptions, type ChargeRequest, type ProcessorOutcome, type PaymentProcessorClient, type RefundRequest } from "./processor-client.js";

/** The test cards, named like a card processor's test tokens. */
export const TEST_TOKENS = {
  approve: "tok_visa",
  decline: "tok_chargeDeclined",
  insufficientFunds: "tok_insufficientFunds",
  timeout: "tok_timeout",
  /** The connection to the processor fails before the charge reaches it: nothing is recorded. */
  gatewayDown: "tok_gatewayDown",
  /** Approves, but every refund of the charge is declined (`refund_failed`). */
  refundFail: "tok_refundFail",
} as const;

function abortable(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(new ProcessorUnavailableError("the payment processor did not answer in time", { cause: signal.reason }));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

/**
 * A built-in processor for development and tests, behaving like a card processor's test
 * mode: `tok_visa` approves, `tok_chargeDeclined` declines (`card_declined`),
 * `tok_insufficientFunds` declines (`insufficient_funds`), `tok_timeout` processes the
 * charge but never answers in time, `tok_gatewayDown` never reaches the processor,
 * `tok_refundFail` approves but its refunds are declined, and any other token declines
 * (`invalid_token`).
 * Like a real processor it is idempotent by reference: a repeated reference returns the
 * first outcome and charges nothing more. Its ledger is the processor's side of the world:
 * in memory by default (tests keep one instance across "restarts" of the service), or in
 * the order service's database (`SqlLedger`), which every replica and every restart share.
 */
export class TestPaymentProcessor implements PaymentProcessorClient {
  readonly id = "test";
  /** Every call that reached this instance, in order (tests count charges with it). */
  readonly calls: { op: "charge" | "refund" | "lookup"; reference: string }[] = [];
  private down = false;
  /** How long a refund takes to answer (a real processor's round trip; tests widen race windows with it). */
  private refundLatencyMs = 0;

  constructor(private readonly books: LedgerStore = new MemoryLedger()) {}

  /** Simulates an outage: every call fails as if the network were gone. */
  setAvailable(available: boolean): void {
    this.down = !available;
  }

  setRefundLatency(ms: number): void {
    this.refundLatencyMs = ms;
  }

  /** Money movements on record (a repeated reference counts once). */
  ledger(): Promise<ProcessorOutcome[]> {
    return this.books.all();
  }

  async succeededCharges(): Promise<ProcessorOutcome[]> {
    return (await this.ledger()).filter((r) => r.type === "charge" && r.status === "succeeded");
  }

  async charge(request: ChargeRequest, options: CallOptions): Promise<ProcessorOutcome> {
    if (request.token === TEST_TOKENS.gatewayDown) throw new ProcessorUnavailableError("the payment processor cannot be reached");
    this.reachable("charge", request.reference);
    let entry = await this.books.byReference(request.reference);
    if (!entry) {
      const responseCode =
        request.token === TEST_TOKENS.approve || request.token === TEST_TOKENS.timeout || request.token === TEST_TOKENS.refundFail
          ? "approved"
          : request.token === TEST_TOKENS.decline
            ? "card_declined"
            : request.token === TEST_TOKENS.insufficientFunds
              ? "insufficient_funds"
              : "invalid_token";
      entry = await this.books.record({
        outcome: {
          reference: request.reference,
          type: "charge",
          status: responseCode === "approved" ? "succeeded" : "declined",
          gatewayTransactionId: `ch_${randomBytes(12).toString("hex")}`,
          responseCode,
          amount: request.amount,
          currency: request.currency,
        },
        refundsFail: request.token === TEST_TOKENS.refundFail,
      });
    }
    // processed on the processor's side, but the answer never arrives in time
    if (request.token === TEST_TOKENS.timeout) return abortable(options.signal);
    return { ...entry.outcome };
  }

  async refund(request: RefundRequest, _options: CallOptions): Promise<ProcessorOutcome> {
    this.reachable("refund", request.reference);
    if (this.refundLatencyMs > 0) await sleep(this.refundLatencyMs);
    let entry = await this.books.byReference(request.reference);
    if (!entry) {
      const charge = await this.books.chargeById(request.chargeId);
      const refundsFail = charge?.refundsFail ?? false;
      const ok = charge?.outcome.status === "succeeded" && request.amount <= charge.outcome.amount && request.currency === charge.outcome.currency && !refundsFail;
      entry = await this.books.record({
        outcome: {
          reference: request.reference,
          type: "refund",
          status: ok ? "succeeded" : "declined",
          gatewayTransactionId: `re_${randomBytes(12).toString("hex")}`,
          responseCode: ok ? "approved" : refundsFail ? "refund_failed" : "charge_not_refundable",
          amount: request.amount,
          currency: request.currency,
        },
        refundsFail: false,
      });
    }
    return { ...entry.outcome };
  }

  async lookup(reference: string, _options: CallOptions): Promise<ProcessorOutcome | null> {
    this.reachable("lookup", reference);
    const entry = await this.books.byReference(reference);
    return entry ? { ...entry.outcome } : null;
  }

  private reachable(op: "charge" | "refund" | "lookup", reference: string) {
    if (this.down) throw new ProcessorUnavailableError("the payment processor cannot be reached");
    this.calls.push({ op, reference });
  }
}
