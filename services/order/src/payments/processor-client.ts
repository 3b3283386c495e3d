/**
 * The payment processor behind checkout. Every call carries our own idempotency
 * `reference` (one per charge attempt or refund): a processor treats a repeated reference as
 * the same operation, and `lookup` tells what became of a call whose answer was lost. A real
 * processor adapter implements this same interface.
 */
export interface PaymentProcessorClient {
  /** Stored with every transaction (`payment_gateway_id`). */
  readonly id: string;
  charge(request: ChargeRequest, options: CallOptions): Promise<ProcessorOutcome>;
  refund(request: RefundRequest, options: CallOptions): Promise<ProcessorOutcome>;
  /** What the processor has on record for a reference; null when it never saw it. */
  lookup(reference: string, options: CallOptions): Promise<ProcessorOutcome | null>;
}

export interface CallOptions {
  signal: AbortSignal;
}

export interface ChargeRequest {
  reference: string;
  amount: number;
  currency: string;
  token: string;
  description: string;
}

export interface RefundRequest {
  reference: string;
  /** The processor's id of the charge to refund. */
  chargeId: string;
  amount: number;
  currency: string;
}

export interface ProcessorOutcome {
  reference: string;
  type: "charge" | "refund";
  status: "succeeded" | "declined";
  gatewayTransactionId: string;
  /** The processor's answer: `approved`, `card_declined`, `insufficient_funds`, ... */
  responseCode: string;
  amount: number;
  currency: string;
}

/** The processor could not be reached or did not answer in time: the outcome is unknown. */
export class ProcessorUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProcessorUnavailableError";
  }
}
