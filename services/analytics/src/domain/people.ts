/**
 * Who an event counts for. A visitor id (the storefront's first-party cookie) is the person
 * whenever the event has one; an event with only a user id counts for the visitor first seen
 * with that user, else for the user. So the anonymous visits before a signup and the orders
 * after it are one person, and an SDK integrator that sends no visitor id still counts users.
 */
export function personOf(visitorId: string | null, userId: number | null, linked: Map<number, string>): string | null {
  if (visitorId) return `v:${visitorId}`;
  if (userId === null) return null;
  const visitor = linked.get(userId);
  return visitor ? `v:${visitor}` : `u:${userId}`;
}
