import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import { clientEvents, serverEvents, type ClientEventInput, type ServerEventInput } from "../domain/track.js";
import type { AnalyticsDomain } from "./index.js";

type EventOps = Pick<operations, "trackEvents" | "ingestEvents">;

export function eventHandlers(d: AnalyticsDomain): HandlerMap<EventOps> {
  return {
    async trackEvents({ body, principal, req }) {
      d.rateLimit.take(req.ip ?? "unknown", body.events.length);
      const events = clientEvents({ visitorHeader: req.header("x-disqo-visitor-id"), visitorBody: body.visitor_id, events: body.events as ClientEventInput[] }, principal, d.now());
      return { status: 202, body: await d.ingest.record(events) };
    },
    async ingestEvents({ body }) {
      return { status: 200, body: await d.ingest.record(serverEvents(body.events as ServerEventInput[])) };
    },
  };
}
