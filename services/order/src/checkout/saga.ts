import type { Logger } from "@disqo-commerce/kit";

/**
 * A named step of a saga (in the manner of Medusa's workflow steps): what it does, and how
 * to undo it when a later step fails. A `pivot` step is the point of no return: once it has
 * run, failures are never compensated but finished forward (by retry or recovery).
 */
export interface SagaStep<C> {
  name: string;
  invoke(ctx: C): Promise<void>;
  /** Undoes the step; runs for the failing step too, so a step whose call may have landed can undo it. */
  compensate?(ctx: C, error: unknown): Promise<void>;
  pivot?: boolean;
}

/** Thrown when the outcome of a step is unknown: nothing may be undone, recovery settles it later. */
export class OutcomeUnknownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OutcomeUnknownError";
  }
}

/**
 * Stands for the process dying at a step (tests inject it through SagaHooks): nothing after
 * it runs, not even compensations, exactly as after a kill; recovery on the next start must
 * set things right.
 */
export class ProcessCrash extends Error {
  constructor(step: string) {
    super(`process died after ${step}`);
    this.name = "ProcessCrash";
  }
}

export interface SagaHooks {
  /** Called after each step completes (fault injection in tests). */
  afterStep?(saga: string, step: string): void | Promise<void>;
}

export async function runSaga<C>(saga: string, steps: SagaStep<C>[], ctx: C, logger: Logger, hooks: SagaHooks = {}): Promise<void> {
  const entered: SagaStep<C>[] = [];
  let pivoted = false;
  for (const step of steps) {
    entered.push(step);
    try {
      await step.invoke(ctx);
      if (step.pivot) pivoted = true;
      await hooks.afterStep?.(saga, step.name);
    } catch (error) {
      if (error instanceof ProcessCrash || error instanceof OutcomeUnknownError || pivoted) {
        logger.warn({ saga, step: step.name, err: error }, "saga stopped; recovery will finish it");
        throw error;
      }
      for (const done of [...entered].reverse()) {
        if (!done.compensate) continue;
        try {
          await done.compensate(ctx, error);
        } catch (compensationError) {
          // compensations are written durably (outbox) before they run, so a failure here is retried there
          logger.error({ saga, step: done.name, err: compensationError }, "compensation failed");
        }
      }
      throw error;
    }
  }
}
