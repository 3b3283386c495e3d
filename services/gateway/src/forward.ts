import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { toProblem, type Logger } from "@disqo-commerce/kit";

/**
 * Forwards one request to a service over a kept-alive connection and streams the answer back.
 *
 * The gateway does nothing else with proxied traffic, so it is plain node:http rather than a
 * proxy library inside Express: the profile of the Express + http-proxy-middleware gateway
 * showed most of its CPU per request in the router, the proxy's option handling and the
 * per-request async context, none of which a byte pipe needs.
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
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate"]);

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
  return headers;
}

export function createForwarder(options: ForwarderOptions): Forwarder {
  const targets = new Map(
    Object.entries(options.upstreams).map(([service, base]) => {
      const url = new URL(base);
      // one kept-alive pool per service: a new TCP connection per proxied request was most of the
      // gateway's CPU before the pool
      const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
      return [service, { hostname: url.hostname, port: url.port || 80, agent }] as const;
    }),
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
      const target = targets.get(service)!;
      const upstream = http.request({
        hostname: target.hostname,
        port: target.port,
        agent: target.agent,
        method: req.method,
        path: req.url,
        headers: forwardedHeaders(req, requestId),
      });
      upstream.setTimeout(options.timeoutMs, () => upstream.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
      upstream.on("response", (answer) => {
        const headers = withoutHopHeaders(answer.headers);
        headers["x-request-id"] ??= requestId;
        res.writeHead(answer.statusCode ?? 502, headers as http.OutgoingHttpHeaders);
        answer.pipe(res);
        answer.on("error", () => res.destroy());
      });
      upstream.on("error", (err) => unavailable(service, req, res, requestId, err.message));
      // a client that goes away mid-request should not leave the service's answer streaming into nothing
      res.on("close", () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    },
  };
}
