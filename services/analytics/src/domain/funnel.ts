import type { EventsStore } from "../data-access/events-store.js";
import { FUNNEL_STEPS } from "./event-types.js";
import type { DayWindow } from "./window.js";

export interface FunnelStep {
  step: (typeof FUNNEL_STEPS)[number];
  people: number;
  conversion_from_previous: number | null;
  conversion_from_visitors: number | null;
}

/** part / whole to 4 decimals; null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/** Distinct people per step over the window, each step counted on its own, with its conversions. */
export async function funnel(store: EventsStore, window: DayWindow): Promise<{ from: string; to: string; steps: FunnelStep[] }> {
  const counts = await store.funnelCounts(window.from, window.to);
  const visitors = counts.get("visitors") ?? 0;
  const steps = FUNNEL_STEPS.map((step, i) => {
    const people = counts.get(step) ?? 0;
    const previous = i === 0 ? null : (counts.get(FUNNEL_STEPS[i - 1]!) ?? 0);
    return { step, people, conversion_from_previous: previous === null ? null : ratio(people, previous), conversion_from_visitors: ratio(people, visitors) };
  });
  return { from: window.from, to: window.to, steps };
}
