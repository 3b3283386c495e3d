import { sleep, type Logger } from "@disqo-commerce/kit";
import type { ChargeRequest, ProcessorOutcome, PaymentProcessorClient, RefundRequest } from "./processor-client.js";

/** What became of a call to the processor. `unknown`: no answer, and the processor could not tell us yet. */
export type Settlement = { kind: "settled"; outcome: ProcessorOutcome } | { kind: "absent" } | { kind: "unknown"; reason: string };

export interface PaymentOptions {
  timeoutMs: number;
  /** Lookups after a lost answer, spaced by `lookupDelayMs`. */
  lookupAttempts: number;
  lookupDelayMs: number;
}


/** Bounds a call to the processor even when the adapter ignores the abort signal. */
async function withDeadline<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Error("deadline"));
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Charges and refunds that are never blindly repeated: when an answer is lost (timeout,
 * network), the outcome is looked up by our reference instead of sending the money
 * movement again.
 */
export function createPayments(processor: PaymentProcessorClient, logger: Logger, options: PaymentOptions) {
  async function lookup(reference: string): Promise<Settlement> {
    let reason = "lookup not attempted";
    for (let i = 0; i < options.lookupAttempts; i++) {
      if (i > 0) await sleep(options.lookupDelayMs * i);
      try {
        const found = await withDeadline(options.timeoutMs, (signal) => processor.lookup(reference, { signal }));
        return found ? { kind: "settled", outcome: found } : { kind: "absent" };
      } catch (error) {
        reason = String((error as Error)?.message ?? error);
      }
    }
    return { kind: "unknown", reason };
  }

  async function settle(reference: string, call: (signal: AbortSignal) => Promise<ProcessorOutcome>): Promise<Settlement> {
    try {
      return { kind: "settled", outcome: await withDeadline(options.timeoutMs, call) };
    } catch (error) {
      logger.warn({ reference, err: error }, "payment processor gave no answer; looking the outcome up");
      const found = await lookup(reference);
      // right after a lost request, "never seen" may just mean "not arrived yet": only recovery, later, may conclude it failed
      if (found.kind === "absent") return { kind: "unknown", reason: "the processor has no record of it yet" };
      return found;
    }
  }

  return {
    gatewayId: processor.id,
    charge: (request: ChargeRequest) => settle(request.reference, (signal) => processor.charge(request, { signal })),
    refund: (request: RefundRequest) => settle(request.reference, (signal) => processor.refund(request, { signal })),
    lookup,
  };
}

export type Payments = ReturnType<typeof createPayments>;
