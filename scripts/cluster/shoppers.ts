/**
 * Shoppers for the fault test: loops of search -> add item -> create quote -> checkout
 * through the API gateway with the SDK, with no SDK retries, so every failure is seen here.
 * Each logical request gets one Idempotency-Key before its first attempt; a failure that may
 * be transient (no answer, 5xx, a key still in flight, 429) is retried with the SAME key until
 * it succeeds or its deadline passes. Every attempt and failure is recorded.
 */
import { randomUUID } from "node:crypto";
import { ApiError, ConnectionError, DisqoCommerce } from "@disqo-commerce/sdk";
import { addCheckout, emptyExpected, type Expected } from "../checkout/invariants.js";

export interface ClientFailure {
  at: number;
  step: string;
  status: number | string;
  code?: string;
}

/** One logical request and what it took. */
export interface LogicalRequest {
  step: string;
  key?: string;
  attempts: number;
  failures: ClientFailure[];
  startedAt: number;
  succeededAt?: number;
  /** A failure that is not worth retrying (a 4xx), or the deadline passed. */
  gaveUp?: string;
}

export interface ShopperStats {
  requests: number;
  logical: LogicalRequest[];
  expected: Expected;
  /** Adds whose answer shows more units than were added to the round's empty cart: an add that ran twice. */
  addsAppliedTwice: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function classify(error: unknown): { retry: boolean; status: number | string; code?: string } {
  if (error instanceof ApiError) {
    const inFlight = error.status === 409 && error.code === "idempotency_key_in_flight";
    return { retry: error.status >= 500 || error.status === 429 || inFlight, status: error.status, code: error.code };
  }
  if (error instanceof ConnectionError) return { retry: true, status: error.name };
  return { retry: false, status: (error as Error)?.name ?? "error", code: String((error as Error)?.message ?? error).slice(0, 200) };
}

export class Shoppers {
  readonly stats: ShopperStats = { requests: 0, logical: [], expected: emptyExpected(), addsAppliedTwice: 0 };
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly clients: DisqoCommerce[],
    private readonly productIds: number[],
    private readonly requestDeadlineMs: number,
  ) {}

  /** Runs `call` until it succeeds, repeating its key; records every attempt. */
  private async request<T>(step: string, key: string | undefined, call: (key: string | undefined) => Promise<T>): Promise<T> {
    const logical: LogicalRequest = { step, key, attempts: 0, failures: [], startedAt: Date.now() };
    this.stats.logical.push(logical);
    for (let retry = 0; ; retry++) {
      this.stats.requests++;
      logical.attempts++;
      try {
        const result = await call(key);
        logical.succeededAt = Date.now();
        return result;
      } catch (error) {
        const { retry: transient, status, code } = classify(error);
        logical.failures.push({ at: Date.now(), step, status, code });
        if (!transient || Date.now() - logical.startedAt > this.requestDeadlineMs) {
          logical.gaveUp = `${status} ${code ?? ""}`.trim();
          throw error;
        }
        await sleep(Math.min(2_000, 100 * 2 ** Math.min(retry, 5)) * (0.5 + Math.random() / 2));
      }
    }
  }

  private async loop(client: DisqoCommerce, s: number): Promise<void> {
    for (let i = 0; this.running; i++) {
      const productId = this.productIds[(s + i) % this.productIds.length]!;
      const quantity = 1 + (i % 2);
      try {
        await this.request("search", undefined, () => client.products.list({ q: "fault", limit: 5 }, { maxRetries: 0 }));
        const cart = await this.request("add_item", randomUUID(), (key) => client.cart.addItem({ product_id: productId, quantity }, { idempotencyKey: key, maxRetries: 0 }));
        // every round starts from an empty cart (a failed round fails the test anyway)
        if (cart.items.find((line) => line.product_id === productId)?.quantity !== quantity) this.stats.addsAppliedTwice++;
        const quote = await this.request("create_quote", randomUUID(), (key) => client.quotes.create({}, { idempotencyKey: key, maxRetries: 0 }));
        await this.request("checkout", randomUUID(), (key) =>
          client.checkout.create({ quote_id: quote.id, payment_method: { type: "card", token: "tok_visa" } }, { idempotencyKey: key, maxRetries: 0 }),
        );
        addCheckout(this.stats.expected, productId, quantity);
      } catch {
        // recorded as given up; start the next round from an empty cart so it does not snowball
        await client.cart.clear({ maxRetries: 3 }).catch(() => undefined);
      }
    }
  }

  start(): void {
    this.running = true;
    this.loops = this.clients.map((client, s) => this.loop(client, s));
  }

  /** Lets every shopper finish the round it is in. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}
