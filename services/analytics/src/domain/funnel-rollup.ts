/**
 * The funnel rollup that answers "how many people reached each step in a window" without
 * counting distinct people at query time.
 *
 * Each (step, day, person) row remembers the person's previous day at that step (`prevDay`,
 * "" for none). A person reached a step in the window [from, to] exactly when they have a row
 * in it, and exactly one of those rows has its previous day before `from` (the first one in
 * the window). So the people of a step are the rows with `day` in the window and
 * `prevDay < from`, and those are summed from per-(step, day, prevDay) counts: a table of a
 * few thousand rows instead of a scan of every person-day.
 *
 * A day that arrives out of order (between two days already stored) becomes the previous day
 * of the next stored one: that row is re-linked and the counts move with it.
 */
import type { CountDelta, RollupChanges, RollupRow, StepDay } from "../data-access/events-store.js";

const keyOf = (step: string, person: string) => `${step}\u0000${person}`;

/** Where `day` goes in the sorted `days`. */
function insertionPoint(days: string[], day: string): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What to write for the step-days `reached`, given every stored row of the same people
 * (`stored`, at least those steps). Days already stored change nothing.
 */
export function rollupChanges(stored: RollupRow[], reached: StepDay[]): RollupChanges {
  const days = new Map<string, string[]>();
  for (const row of stored) {
    const key = keyOf(row.step, row.person);
    const list = days.get(key) ?? [];
    list.push(row.day);
    days.set(key, list);
  }
  for (const list of days.values()) list.sort();

  const inserted = new Map<string, RollupRow>();
  const relinked = new Map<string, RollupRow>();
  const deltas = new Map<string, CountDelta>();
  const count = (step: string, day: string, prevDay: string, people: number) => {
    const key = `${step}\u0000${day}\u0000${prevDay}`;
    const delta = deltas.get(key) ?? { step, day, prevDay, people: 0 };
    delta.people += people;
    deltas.set(key, delta);
  };

  const ordered = [...reached].sort((a, b) => (a.step < b.step ? -1 : a.step > b.step ? 1 : a.person < b.person ? -1 : a.person > b.person ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  for (const { step, day, person } of ordered) {
    const key = keyOf(step, person);
    const list = days.get(key) ?? [];
    days.set(key, list);
    const at = insertionPoint(list, day);
    if (list[at] === day) continue;
    const prevDay = list[at - 1] ?? "";
    const row = { step, day, person, prevDay };
    inserted.set(`${key}\u0000${day}`, row);
    count(step, day, prevDay, 1);
    const next = list[at];
    if (next !== undefined) {
      // the next day's previous day was prevDay; it is now this day
      count(step, next, prevDay, -1);
      count(step, next, day, 1);
      const nextKey = `${key}\u0000${next}`;
      const fresh = inserted.get(nextKey);
      if (fresh) fresh.prevDay = day;
      else relinked.set(nextKey, { step, day: next, person, prevDay: day });
    }
    list.splice(at, 0, day);
  }
  return { inserts: [...inserted.values()], relinks: [...relinked.values()], deltas: [...deltas.values()].filter((d) => d.people !== 0) };
}
