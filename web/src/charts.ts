/**
 * Chart geometry for the admin dashboard, computed here and drawn as inline SVG by the
 * templates (autoescaped, no script, no CDN). Every chart also has a table with the same
 * numbers, so the SVG is a picture of data a screen reader can read in full.
 */

export interface Bar {
  label: string;
  valueLabel: string;
  /** Conversion from the step before, as text ("" for the first). */
  note: string;
  /** The bar's length in percent of the largest step. */
  width: number;
}

export interface LinePoint {
  x: number;
  y: number;
  label: string;
  valueLabel: string;
}

export interface Tick {
  at: number;
  label: string;
}

export interface LineChart {
  width: number;
  height: number;
  /** The plot area: left, top, right, bottom edges. */
  plot: { left: number; top: number; right: number; bottom: number };
  /** SVG path data through the points ("" when there are none). */
  path: string;
  points: LinePoint[];
  yTicks: Tick[];
  xTicks: Tick[];
}

/** "12.5%" with at most one decimal; "–" when the rate is unknown. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "–";
  return `${Math.round(rate * 1000) / 10}%`;
}

/** The smallest 1, 2 or 5 times a power of ten that is at least `value` (an axis top). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** Horizontal bars, one per funnel step, in percent of the largest step. */
export function funnelBars(steps: Array<{ label: string; people: number; conversion: number | null }>): Bar[] {
  const top = Math.max(1, ...steps.map((s) => s.people));
  return steps.map((s, i) => ({
    label: s.label,
    valueLabel: s.people.toLocaleString("en-US"),
    note: i === 0 ? "" : `${percent(s.conversion)} of the step before`,
    // A step with people stays visible however small it is next to the largest.
    width: s.people === 0 ? 0 : Math.max(1, round((s.people / top) * 100)),
  }));
}

/** A line over equally spaced intervals, with a y axis from 0 to a round top. */
export function lineChart(series: Array<{ label: string; value: number | null }>, format: (value: number) => string, size = { width: 360, height: 200 }): LineChart {
  const plot = { left: 60, top: 10, right: size.width - 14, bottom: size.height - 24 };
  const top = niceCeiling(Math.max(0, ...series.map((s) => s.value ?? 0)));
  const span = plot.right - plot.left;
  const x = (i: number) => (series.length <= 1 ? plot.left + span / 2 : plot.left + (span * i) / (series.length - 1));
  const y = (v: number) => plot.bottom - ((plot.bottom - plot.top) * v) / top;
  const points: LinePoint[] = [];
  series.forEach((s, i) => {
    if (s.value === null) return;
    points.push({ x: round(x(i)), y: round(y(s.value)), label: s.label, valueLabel: format(s.value) });
  });
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x} ${p.y}`).join(" ");
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ at: round(y(top * f)), label: format(top * f) }));
  // At most about six date labels, so they never overlap on a phone.
  const every = Math.max(1, Math.ceil(series.length / 6));
  const xTicks = series.flatMap((s, i) => (i % every === 0 ? [{ at: round(x(i)), label: s.label }] : []));
  return { width: size.width, height: size.height, plot, path, points, yTicks, xTicks };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
