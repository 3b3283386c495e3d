import { expect } from "chai";
import type { CountDelta, RollupRow, StepDay } from "../src/data-access/events-store.js";
import { rollupChanges } from "../src/domain/funnel-rollup.js";
import { prng } from "../src/domain/synthetic.js";

/** An in-memory rollup that applies changes as the store does, and answers the funnel query as its SQL does. */
function memoryRollup() {
  const rows = new Map<string, RollupRow>();
  const counts = new Map<string, CountDelta>();
  const rowKey = (r: { step: string; day: string; person: string }) => `${r.step}|${r.day}|${r.person}`;
  return {
    record(reached: StepDay[]) {
      const people = new Set(reached.map((r) => r.person));
      const changes = rollupChanges([...rows.values()].filter((r) => people.has(r.person)), reached);
      for (const r of changes.inserts) {
        expect(rows.has(rowKey(r)), `row ${rowKey(r)} inserted twice`).to.equal(false);
        rows.set(rowKey(r), { ...r });
      }
      for (const r of changes.relinks) {
        expect(rows.has(rowKey(r)), `re-linked row ${rowKey(r)} is stored`).to.equal(true);
        rows.get(rowKey(r))!.prevDay = r.prevDay;
      }
      for (const d of changes.deltas) {
        const key = `${d.step}|${d.day}|${d.prevDay}`;
        const c = counts.get(key) ?? { ...d, people: 0 };
        c.people += d.people;
        counts.set(key, c);
      }
      return changes;
    },
    people(step: string, from: string, to: string): number {
      let n = 0;
      for (const c of counts.values()) if (c.step === step && c.day >= from && c.day <= to && c.prevDay < from) n += c.people;
      return n;
    },
    counts,
  };
}

const day = (n: number) => `2026-11-${String(n).padStart(2, "0")}`;

describe("analytics funnel rollup (people per step in a window, without counting distinct people at query time)", () => {
  it("counts a person once in a window however many days they come back in it", () => {
    const rollup = memoryRollup();
    rollup.record([1, 3, 5].map((d) => ({ step: "visitors", day: day(d), person: "v:a" })));
    rollup.record([{ step: "visitors", day: day(3), person: "v:b" }]);
    expect(rollup.people("visitors", day(1), day(5))).to.equal(2);
    expect(rollup.people("visitors", day(2), day(4))).to.equal(2);
    expect(rollup.people("visitors", day(4), day(5))).to.equal(1);
    expect(rollup.people("visitors", day(6), day(9))).to.equal(0);
  });

  it("re-links the next stored day when an earlier day arrives later, and moves its count", () => {
    const rollup = memoryRollup();
    rollup.record([{ step: "buyers", day: day(5), person: "u:7" }]);
    const changes = rollup.record([{ step: "buyers", day: day(2), person: "u:7" }]);
    expect(changes.inserts).to.deep.equal([{ step: "buyers", day: day(2), person: "u:7", prevDay: "" }]);
    expect(changes.relinks).to.deep.equal([{ step: "buyers", day: day(5), person: "u:7", prevDay: day(2) }]);
    expect(rollup.people("buyers", day(1), day(9))).to.equal(1);
    expect(rollup.people("buyers", day(3), day(9))).to.equal(1);
    expect(rollup.people("buyers", day(1), day(3))).to.equal(1);
  });

  it("changes nothing for a day already stored (a redelivered event)", () => {
    const rollup = memoryRollup();
    rollup.record([{ step: "searchers", day: day(4), person: "v:a" }]);
    const again = rollup.record([
      { step: "searchers", day: day(4), person: "v:a" },
      { step: "searchers", day: day(4), person: "v:a" },
    ]);
    expect(again).to.deep.equal({ inserts: [], relinks: [], deltas: [] });
  });

  it("keeps steps apart: a visit is not a purchase", () => {
    const rollup = memoryRollup();
    rollup.record([
      { step: "visitors", day: day(1), person: "v:a" },
      { step: "buyers", day: day(2), person: "v:a" },
    ]);
    expect(rollup.people("visitors", day(2), day(2))).to.equal(0);
    expect(rollup.people("buyers", day(2), day(2))).to.equal(1);
  });

  it("agrees with counting distinct people, for random arrivals in random batches and every window", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = prng(seed);
      const rollup = memoryRollup();
      const truth: StepDay[] = [];
      for (let batch = 0; batch < 12; batch++) {
        const reached = Array.from({ length: 1 + Math.floor(random() * 8) }, () => ({
          step: random() < 0.7 ? "visitors" : "buyers",
          day: day(1 + Math.floor(random() * 12)),
          person: `v:${Math.floor(random() * 6)}`,
        }));
        truth.push(...reached);
        rollup.record(reached);
      }
      for (const step of ["visitors", "buyers"]) {
        for (let from = 1; from <= 12; from++) {
          for (let to = from; to <= 12; to++) {
            const distinct = new Set(truth.filter((r) => r.step === step && r.day >= day(from) && r.day <= day(to)).map((r) => r.person)).size;
            expect(rollup.people(step, day(from), day(to)), `seed ${seed}, ${step} ${from}..${to}`).to.equal(distinct);
          }
        }
      }
      for (const c of rollup.counts.values()) expect(c.people, `seed ${seed}: no negative count`).to.be.at.least(0);
    }
  });
});
