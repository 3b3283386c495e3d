import type { Request, Response } from "express";
import { AppError } from "./errors.js";
import { IdempotencyStore, idempotencyScope, idempotencyStoreKey, requestHash } from "./idempotency.js";
import type { IdempotentAnswer } from "./handler-types.js";
import type { ContractOperation } from "./operation-table.js";
import { toProblem } from "./problem.js";
import type { Principal } from "./tokens.js";

export type OperationResult = { status: unknown; body?: unknown; headers?: Record<string, string> };
export type OperationHandler = (ctx: never) => Promise<OperationResult>;

function sendResult(res: Response, status: number, body: unknown, headers: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status);
  if (body === undefined) res.end();
  // bytes (an image): the handler's headers carry the Content-Type
  else if (Buffer.isBuffer(body)) res.send(body);
  else if (status >= 400 && typeof body === "object" && body && "code" in body && "status" in body) res.type("application/problem+json").send(JSON.stringify(body));
  else res.json(body);
}

/**
 * Runs an operation's handler and sends its result. With an Idempotency-Key (on operations
 * whose spec takes one), the first answer is stored and a retry gets it replayed; a 4xx is a
 * definite answer and replayed too, a 5xx or crash frees the key for another try (unless the
 * handler handed the key to a durable holder: see IdempotentAnswer.holdFor).
 */
export async function runOperation(
  idempotency: IdempotencyStore,
  operation: ContractOperation & { takesIdempotencyKey: boolean },
  handler: OperationHandler,
  req: Request,
  res: Response,
  params: Record<string, string>,
): Promise<void> {
  const principal = res.locals.principal as Principal | null;
  const ctx = { params, query: req.query, headers: req.headers, body: req.body, principal, req, res };
  const key = operation.takesIdempotencyKey ? req.header("idempotency-key") : undefined;
  if (!key) {
    const result = await handler(ctx as never);
    return sendResult(res, Number(result.status), result.body, result.headers);
  }
  const scope = idempotencyScope(principal, req.ip);
  const scopedKey = idempotencyStoreKey(operation.operationId, key);
  const begun = await idempotency.begin(scope, scopedKey, requestHash(req.method, req.originalUrl, req.body));
  if (begun.kind === "replay") {
    res.setHeader("Idempotent-Replayed", "true");
    return sendResult(res, begun.status, begun.body);
  }
  const { lease } = begun;
  let answerCommitted = false;
  const answer: IdempotentAnswer = {
    async storeWith(transaction, status, body) {
      await idempotency.completeWith(transaction, scope, scopedKey, lease, status, body);
      transaction.afterCommit(() => {
        answerCommitted = true;
      });
    },
    holdFor: (holder, transaction) => idempotency.hold(scope, scopedKey, lease, holder, transaction),
    release: (transaction) => idempotency.release(scope, scopedKey, lease, transaction),
  };
  try {
    const result = await handler({ ...ctx, idempotency: answer } as never);
    if (!answerCommitted) await idempotency.complete(scope, scopedKey, Number(result.status), result.body, lease);
    return sendResult(res, Number(result.status), result.body, result.headers);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      const body = toProblem({ status: error.status, code: error.code, detail: error.message, extensions: error.extensions });
      await idempotency.complete(scope, scopedKey, error.status, body, lease);
    } else {
      await idempotency.forget(scope, scopedKey, lease);
    }
    throw error;
  }
}
