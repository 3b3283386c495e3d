import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestContext, type Listenable, type Logger } from "@disqo-commerce/kit";
import { createCors } from "./cors.js";
import { createForwarder } from "./forward.js";
import { createOwnEndpoints } from "./own-endpoints.js";
import { ownerOf, type ServiceName } from "./routes.js";

export interface GatewayDeps {
  /** Base URL of each service that exists; a service left out is not routed. */
  upstreams: Partial<Record<ServiceName, string>>;
  logger: Logger;
  timeoutMs?: number;
  specDir?: string;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  corsOrigins?: readonly string[];
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The client's X-Request-Id when it is a sane token, else a new one: every log line of the request carries it. */
function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers["x-request-id"];
  return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The gateway: CORS for configured origins, then each request either forwarded to the service
 * that owns its path (see routes.ts) or answered by the gateway's own endpoints.
 */
export function createApp(deps: GatewayDeps): Listenable {
  const upstreams = deps.upstreams as Record<string, string>;
  const forwarder = createForwarder({ upstreams, logger: deps.logger, timeoutMs: deps.timeoutMs ?? 30_000 });
  const ownEndpoints = createOwnEndpoints(upstreams, deps.specDir);
  const cors = createCors(deps.corsOrigins ?? []);

  function dispatch(req: IncomingMessage, res: ServerResponse, requestId: string): void {
    const service = ownerOf(req.url ?? "/", deps.upstreams);
    if (service) return forwarder.forward(service, req, res, requestId);
    req.headers["x-request-id"] = requestId;
    res.setHeader("X-Request-Id", requestId);
    requestContext.run({ requestId }, () => ownEndpoints(req, res));
  }

  return (req, res) => {
    const requestId = requestIdOf(req);
    // same-origin requests (the storefront) carry no Origin header and skip CORS entirely
    if (cors && req.headers.origin !== undefined) cors(req, res, () => dispatch(req, res, requestId));
    else dispatch(req, res, requestId);
  };
}
