import { unprocessable } from "@disqo-commerce/kit";

export const MAX_WINDOW_DAYS = 366;
const DAY_MS = 86_400_000;

/** A window of whole UTC days, both ends inclusive. */
export interface DayWindow {
  from: string;
  to: string;
}

export interface Interval {
  start: string;
  end: string;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The window asked for, or 422 when it ends before it starts or spans more than 366 days. */
export function dayWindow(from: string, to: string): DayWindow {
  const start = msOf(from);
  const end = msOf(to);
  if (Number.isNaN(start) || Number.isNaN(end)) throw unprocessable("validation_failed", "`from` and `to` must be dates (YYYY-MM-DD).");
  if (end < start) throw unprocessable("validation_failed", "The window ends before it starts.", { errors: [{ path: "/query/to", message: "must not be before from" }] });
  if ((end - start) / DAY_MS + 1 > MAX_WINDOW_DAYS) throw unprocessable("validation_failed", `The window spans more than ${MAX_WINDOW_DAYS} days.`, { errors: [{ path: "/query/to", message: `must be at most ${MAX_WINDOW_DAYS - 1} days after from` }] });
  return { from, to };
}

/** The window's days, or its ISO weeks (Monday to Sunday) cut to the window. */
export function intervalsOf(window: DayWindow, interval: "day" | "week"): Interval[] {
  const out: Interval[] = [];
  const last = msOf(window.to);
  for (let day = msOf(window.from); day <= last; ) {
    const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
    const end = interval === "day" ? day : Math.min(last, day + (6 - weekday) * DAY_MS);
    out.push({ start: isoDay(day), end: isoDay(end) });
    day = end + DAY_MS;
  }
  return out;
}

/** The first instant of a day and the first instant after another: [start of from, end of to). */
export function instantsOf(window: DayWindow): { start: Date; end: Date } {
  return { start: new Date(msOf(window.from)), end: new Date(msOf(window.to) + DAY_MS) };
}
