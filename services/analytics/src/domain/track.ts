import { unprocessable, type FieldError, type Principal } from "@disqo-commerce/kit";
import { propertyErrors, type ClientEventType, type ServerEventType } from "./event-types.js";
import type { IncomingEvent } from "./ingest.js";

/** How far ahead of our clock a client's `occurred_at` may be (clocks drift). */
const FUTURE_SLACK_MS = 5 * 60_000;

export interface ClientEventInput {
  id: string;
  type: ClientEventType;
  occurred_at?: string;
  properties: Record<string, unknown>;
}

export interface ServerEventInput {
  id: string;
  type: ServerEventType;
  occurred_at: string;
  visitor_id?: string | null;
  user_id?: number | null;
  properties: Record<string, unknown>;
}

function refuse(errors: FieldError[]): never {
  throw unprocessable("validation_failed", "The events do not match the contract.", { errors });
}

/** Client events of one visitor, from the header or the body; the user from a valid bearer token. */
export function clientEvents(input: { visitorHeader?: string; visitorBody?: string; events: ClientEventInput[] }, principal: Principal | null, now: Date): IncomingEvent[] {
  const visitorId = input.visitorHeader ?? input.visitorBody;
  if (!visitorId) refuse([{ path: "/header/x-disqo-visitor-id", message: "a visitor id is required (header or body visitor_id)" }]);
  const userId = principal?.kind === "user" ? principal.userId : null;
  const errors: FieldError[] = [];
  const events = input.events.map((e, i) => {
    errors.push(...propertyErrors(e.type, e.properties, `/body/events/${i}/properties`));
    const occurredAt = e.occurred_at ? new Date(e.occurred_at) : now;
    if (occurredAt.getTime() > now.getTime() + FUTURE_SLACK_MS) errors.push({ path: `/body/events/${i}/occurred_at`, message: "must not be more than 5 minutes in the future" });
    return { id: e.id, type: e.type, occurredAt, visitorId, userId, properties: e.properties };
  });
  if (errors.length) refuse(errors);
  return events;
}

/** Server events as a service's outbox delivers them. */
export function serverEvents(events: ServerEventInput[]): IncomingEvent[] {
  const errors = events.flatMap((e, i) => propertyErrors(e.type, e.properties, `/body/events/${i}/properties`));
  if (errors.length) refuse(errors);
  return events.map((e) => ({ id: e.id, type: e.type, occurredAt: new Date(e.occurred_at), visitorId: e.visitor_id ?? null, userId: e.user_id ?? null, properties: e.properties }));
}
