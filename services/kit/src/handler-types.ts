import type { Request, Response } from "express";
import type { Transaction } from "sequelize";
import type { Principal } from "./tokens.js";

/*
 * Types that turn openapi-typescript's `operations` into handler signatures, so a handler
 * map that misses an operation, reads a field the spec does not have or returns a body of
 * the wrong shape fails `tsc`.
 */

type Defined<T> = Exclude<T, undefined>;
type Params<O, In extends "path" | "query" | "header"> = O extends { parameters: infer P }
  ? P extends Record<In, infer X>
    ? [Defined<X>] extends [never]
      ? Record<string, never>
      : Defined<X>
    : Record<string, never>
  : Record<string, never>;

type ContentOf<C> = C extends { "application/json": infer J }
  ? J
  : C extends { "application/x-www-form-urlencoded": infer F }
    ? F
    : C extends { "multipart/form-data": infer M }
      ? // the file parts arrive in req.files, not in the body
        Omit<M, "file">
      : C extends { "application/problem+json": infer P }
        ? P
        : C extends { "image/webp": unknown }
          ? Buffer
          : never;

export type RequestBodyOf<O> = O extends { requestBody: { content: infer C } }
  ? ContentOf<C>
  : O extends { requestBody?: { content: infer C } }
    ? ContentOf<C> | undefined
    : undefined;

type ResponseFor<S, R> = R extends { content: infer C }
  ? { status: S; body: ContentOf<C>; headers?: Record<string, string> }
  : { status: S; body?: undefined; headers?: Record<string, string> };

/** One of the documented responses of operation O (status and matching body). */
export type ResponseOf<O> = O extends { responses: infer R } ? { [S in keyof R]: ResponseFor<S, R[S]> }[keyof R] : never;

export interface HandlerContext<O> {
  params: Params<O, "path">;
  query: Params<O, "query">;
  headers: Params<O, "header">;
  body: RequestBodyOf<O>;
  /** Who called (null on public operations called without a token). */
  principal: Principal | null;
  req: Request;
  res: Response;
  /** Present when the request carries an Idempotency-Key (on operations whose contract takes one). */
  idempotency?: IdempotentAnswer;
}

/**
 * The answer to a keyed request, for a handler whose effect is not safe to run twice. The kit
 * stores the answer of every other handler after it returns.
 */
export interface IdempotentAnswer {
  /**
   * Stores the answer in the transaction of the effect: if the process dies after the commit,
   * the retry gets this answer replayed instead of running the effect again.
   */
  storeWith(transaction: Transaction, status: number, body: unknown): Promise<void>;
  /**
   * Hands the key to a durable process that may outlive the request (`holder`, e.g. a saga's
   * log entry `checkout:<id>`): the key is never taken over as abandoned, nor freed when the
   * request fails, until the holder settles it (IdempotencyStore.settleHeld or forgetHeld) or
   * the request answers it. A 409 when a retry has taken the key over meanwhile.
   */
  holdFor(holder: string, transaction?: Transaction): Promise<void>;
  /** Takes the key back from its holder (the holder ended with nothing to keep): the request's own answer decides again. */
  release(transaction?: Transaction): Promise<void>;
}

export type Handler<O> = (ctx: HandlerContext<O>) => Promise<ResponseOf<O>>;

/** The map from every operationId of a spec to its handler. */
export type HandlerMap<Ops> = { [K in keyof Ops]: Handler<Ops[K]> };

/** Narrows the principal to a user (for operations whose spec requires bearerAuth). */
export function userOf(principal: Principal | null): { userId: number; role: "customer" | "admin" } {
  if (!principal || principal.kind !== "user") throw new Error("operation requires a user principal; check its security in the spec");
  return principal;
}
