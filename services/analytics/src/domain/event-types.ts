import type { FieldError } from "@disqo-commerce/kit";

/** What each event type must carry in `properties`, and nothing else (the spec lists them per type). */
export const EVENT_PROPERTIES = {
  signup: [],
  search: ["term", "result_count"],
  cart_item_added: ["product_id", "quantity"],
  quote_created: ["quote_id", "total"],
  checkout_succeeded: ["order_id", "quote_id", "total"],
  checkout_declined: ["quote_id", "code"],
  order_cancelled: ["order_id", "total"],
  page_view: ["path"],
  product_view: ["product_id"],
} as const satisfies Record<string, readonly string[]>;

export type EventType = keyof typeof EVENT_PROPERTIES;
export const SERVER_EVENT_TYPES = ["signup", "search", "cart_item_added", "quote_created", "checkout_succeeded", "checkout_declined", "order_cancelled"] as const;
export const CLIENT_EVENT_TYPES = ["page_view", "product_view"] as const;
export type ServerEventType = (typeof SERVER_EVENT_TYPES)[number];
export type ClientEventType = (typeof CLIENT_EVENT_TYPES)[number];

/** The funnel step an event type counts for (every event also counts its person as a visitor). */
export const FUNNEL_STEP_OF: Partial<Record<EventType, string>> = {
  signup: "signups",
  search: "searchers",
  product_view: "product_viewers",
  cart_item_added: "cart_adders",
  quote_created: "quote_creators",
  checkout_succeeded: "buyers",
};

export const FUNNEL_STEPS = ["visitors", "signups", "searchers", "product_viewers", "cart_adders", "quote_creators", "buyers"] as const;

/** The properties an event of this type lacks or must not have, as field errors under `at`. */
export function propertyErrors(type: EventType, properties: Record<string, unknown>, at: string): FieldError[] {
  const wanted: readonly string[] = EVENT_PROPERTIES[type];
  const errors: FieldError[] = [];
  for (const name of wanted) if (properties[name] === undefined) errors.push({ path: `${at}/${name}`, message: `is required for ${type}` });
  for (const name of Object.keys(properties)) if (!wanted.includes(name)) errors.push({ path: `${at}/${name}`, message: `is not a property of ${type}` });
  return errors;
}
