import type { ErrorRequestHandler, Response } from "express";
import type { Logger } from "pino";
import { AppError, titleFor, type ErrorCode, type FieldError } from "./errors.js";
import { currentRequestId } from "./context.js";

// relative (RFC 9457 allows a URI reference): it resolves to the /problems page of whichever origin answered
const PROBLEM_BASE = "/problems/";

export interface ProblemFields {
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  requestId?: string;
  extensions?: Record<string, unknown>;
}

/** The one place an RFC 9457 problem body is shaped (responses, stored idempotent replays, the gateway). */
export function toProblem(p: ProblemFields): Record<string, unknown> {
  return {
    type: PROBLEM_BASE + p.code,
    title: titleFor(p.status),
    status: p.status,
    detail: p.detail,
    ...(p.instance !== undefined ? { instance: p.instance } : {}),
    code: p.code,
    ...(p.requestId !== undefined ? { request_id: p.requestId } : {}),
    ...p.extensions,
  };
}

export function sendProblem(res: Response, status: number, code: ErrorCode, detail: string, instance: string, extensions: Record<string, unknown> = {}) {
  res
    .status(status)
    .type("application/problem+json")
    .send(JSON.stringify(toProblem({ status, code, detail, instance, requestId: currentRequestId(), extensions })));
}

const MULTIPART_PARSE_ERROR = /unexpected end of (form|file)|malformed part header|boundary not found|malformed urlencoded form/i;
const isMultipart = (contentType: string | undefined) => (contentType ?? "").toLowerCase().startsWith("multipart/");

type ValidatorError = { status?: number; errors?: { path?: string; message?: string; errorCode?: string }[]; message?: string; type?: string; headers?: Record<string, string> };

function fieldErrors(e: ValidatorError): FieldError[] {
  return (e.errors ?? []).map((f) => ({ path: (f.path ?? "").replace(/^\./, "/").replace(/\./g, "/"), message: f.message ?? "invalid" }));
}

/**
 * The one error middleware: anything thrown becomes problem+json. Known kinds keep their
 * status and code; anything else is a bare 500 (logged with its stack, never sent).
 */
export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const instance = req.originalUrl.split("?")[0];
    if (res.headersSent) {
      logger.error({ err }, "error after response started");
      res.end();
      return;
    }
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
      if (err.status >= 500) logger.error({ err }, err.message);
      sendProblem(res, err.status, err.code, err.message, instance, err.extensions);
      return;
    }
    const e = err as ValidatorError;
    // body-parser: unparseable JSON / too large
    if (e.type === "entity.parse.failed") return sendProblem(res, 400, "malformed_request", "The request body is not valid JSON.", instance);
    if (e.type === "entity.too.large") return sendProblem(res, 400, "malformed_request", "The request body is too large.", instance);
    // express-openapi-validator: the contract said no
    if (e.status === 400) return sendProblem(res, 422, "validation_failed", "The request does not match the API contract.", instance, { errors: fieldErrors(e) });
    if (e.status === 404) return sendProblem(res, 404, "not_found", "No such resource.", instance);
    if (e.status === 405) {
      // RFC 9110 §15.5.6: a 405 lists the methods the resource does support
      const allow = e.headers?.Allow;
      if (allow) res.setHeader("Allow", allow.split(",").map((m) => m.trim().toUpperCase()).filter(Boolean).join(", "));
      return sendProblem(res, 405, "method_not_allowed", "This method is not allowed here.", instance);
    }
    if (e.status === 415) return sendProblem(res, 415, "unsupported_media_type", "This content type is not accepted here.", instance);
    // busboy's parse errors reach us as the validator's 500: a broken multipart body is the client's
    if (e.status === 500 && isMultipart(req.headers["content-type"]) && MULTIPART_PARSE_ERROR.test(e.message ?? "")) {
      return sendProblem(res, 400, "malformed_request", "The multipart body could not be read.", instance);
    }
    // multer (multipart uploads): a file over the operation's size limit
    if (e.status === 413) return sendProblem(res, 413, "payload_too_large", "The uploaded file is too large.", instance);
    logger.error({ err, validation: e.errors }, "unhandled error");
    sendProblem(res, 500, "internal_error", "Something went wrong on our side; it has been logged.", instance);
  };
}
