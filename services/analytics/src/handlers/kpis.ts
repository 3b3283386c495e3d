import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import { funnel } from "../domain/funnel.js";
import { summary } from "../domain/summary.js";
import { dayWindow } from "../domain/window.js";
import type { AnalyticsDomain } from "./index.js";

type KpiOps = Pick<operations, "getFunnel" | "getKpiSummary">;

export function kpiHandlers(d: AnalyticsDomain): HandlerMap<KpiOps> {
  return {
    async getFunnel({ query }) {
      return { status: 200, body: await funnel(d.store, dayWindow(query.from, query.to)) };
    },
    async getKpiSummary({ query }) {
      const window = dayWindow(query.from, query.to);
      const body = await summary(d.store, window, { interval: query.interval ?? "day", abandonAfterHours: query.abandon_after_hours ?? 24, currency: d.currency, now: d.now() });
      return { status: 200, body };
    },
  };
}
