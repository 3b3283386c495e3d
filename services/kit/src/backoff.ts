/**
 * The one exponential backoff of the platform (outboxes, the search feed, lock retries).
 * Waiting itself is Node's `setTimeout` from `node:timers/promises`, re-exported as `sleep`.
 */
export { setTimeout as sleep } from "node:timers/promises";

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** "half": anywhere in [delay/2, delay] so retrying replicas spread out; "none": exactly the delay. */
  jitter?: "half" | "none";
}

/** The delay before retry number `attempt` (0-based): baseMs * 2^attempt, capped at maxMs. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const delay = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return options.jitter === "half" ? Math.round(delay / 2 + Math.random() * (delay / 2)) : delay;
}
