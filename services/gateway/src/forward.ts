import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { Pool, type Dispatcher } from "undici";
import { toProblem, type Logger } from "@disqo-commerce/kit";

/**
 * Forwards one request to a service over a kept-alive connection and streams the answer back.
 *
 * The gateway does nothing else with proxied traffic, so it is a node:http server with no
 * framework: the profile of the Express + http-proxy-middleware gateway showed most of its CPU
 * per request in the router, the proxy's option handling and the per-request async context,
 * none of which a byte pipe needs. The upstream side is undici's connection pool, driven
 * through its lowest-level `dispatch` callbacks: it took a fifth to a third off the gateway's CPU
 * per proxied read against node:http's client and agent (the A/B is in docs/PERFORMANCE-CORE.md).
 *
 * The upstream timeout is undici's: no response headers, or no body bytes, for `timeoutMs`.
 * undici checks it on a coarse clock (about a second), which is fine for a limit of seconds.
 */
export interface Forwarder {
  forward(service: string, req: IncomingMessage, res: ServerResponse, requestId: string): void;
}

export interface ForwarderOptions {
  upstreams: Record<string, string>;
  logger: Logger;
  timeoutMs: number;
}

/** Connection-scoped headers (RFC 9110 7.6.1): they describe one hop and are not passed on. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate"]);

function withoutHopHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

/**
 * The X-Forwarded-* headers the services' `trust proxy` reads: the address this hop saw is
 * appended (never replaces what the client sent), so a service can tell forged entries from ours.
 */
function forwardedHeaders(req: IncomingMessage, requestId: string): IncomingHttpHeaders {
  const headers = withoutHopHeaders(req.headers);
  const peer = req.socket.remoteAddress ?? "";
  const prior = req.headers["x-forwarded-for"];
  headers["x-forwarded-for"] = prior ? `${prior}, ${peer}` : peer;
  headers["x-forwarded-proto"] ??= "http";
  if (req.headers.host) headers["x-forwarded-host"] ??= req.headers.host;
  headers["x-request-id"] = requestId;
  // the gateway's own server already answered a client's `Expect: 100-continue`; the body follows
  delete headers.expect;
  return headers;
}

export function createForwarder(options: ForwarderOptions): Forwarder {
  // one kept-alive pool per service: a new TCP connection per proxied request was most of the
  // gateway's CPU before the pool (keepAliveTimeout stays under the services' 65 s server timeout)
  const pools = new Map(
    Object.entries(options.upstreams).map(([service, base]) => [
      service,
      new Pool(new URL(base).origin, { connections: 256, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, keepAliveTimeout: 30_000 }),
    ]),
  );

  function unavailable(service: string, req: IncomingMessage, res: ServerResponse, requestId: string, reason: string): void {
    if (res.destroyed) return; // the client left first and we cut the upstream request: nothing to report
    options.logger.warn({ err: reason, service, requestId }, "upstream unavailable");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify(
      toProblem({ status: 503, code: "service_unavailable", detail: `The ${service} service did not answer; try again shortly.`, instance: (req.url ?? "/").split("?")[0], requestId }),
    );
    res.writeHead(503, { "Content-Type": "application/problem+json", "Content-Length": Buffer.byteLength(body), "X-Request-Id": requestId });
    res.end(body);
  }

  return {
    forward(service, req, res, requestId) {
      const pool = pools.get(service)!;
      const bodiless = req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined;
      let upstream: Dispatcher.DispatchController | undefined;
      // a client that goes away mid-request should not leave the service's answer streaming into nothing
      res.on("close", () => {
        if (!res.writableFinished) upstream?.abort(new Error("the client went away"));
      });
      pool.dispatch(
        { method: req.method as Dispatcher.HttpMethod, path: req.url ?? "/", headers: forwardedHeaders(req, requestId), body: bodiless ? null : req },
        {
          onRequestStart(controller) {
            upstream = controller;
            if (res.destroyed) controller.abort(new Error("the client went away"));
          },
          onResponseStart(controller, statusCode, headers) {
            const out = withoutHopHeaders(headers);
            out["x-request-id"] ??= requestId;
            res.writeHead(statusCode, out as OutgoingHttpHeaders);
          },
          onResponseData(controller, chunk) {
            if (!res.write(chunk)) {
              controller.pause();
              res.once("drain", () => controller.resume());
            }
          },
          onResponseEnd() {
            res.end();
          },
          onResponseError(_controller, error) {
            unavailable(service, req, res, requestId, error.message);
          },
        },
      );
    },
  };
}
