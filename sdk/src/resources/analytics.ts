import { Configuration, EventsApi, KPIsApi } from "../generated/analytics/index.js";
import type { ClientEvent, Funnel, GetFunnelRequest, GetKpiSummaryRequest, IngestResult, KpiSummary } from "../generated/analytics/index.js";
import type { ApiPromise } from "../api-promise.js";
import type { AllowUndefined, Core, RequestOptions } from "../core.js";
import { randomUuid } from "../uuid.js";

/** A client-side event to track; `id` (what makes a resend count once) is made when omitted. */
export type TrackedEvent = Omit<AllowUndefined<ClientEvent>, "id"> & { id?: string | undefined };

/** Client-side events: page and product views of the visitor the client was made for. */
export class AnalyticsResource {
  private readonly api: EventsApi;

  constructor(private readonly core: Core) {
    this.api = new EventsApi(new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi, accessToken: core.tokenProvider }));
  }

  /**
   * Records one event or a batch of up to 50 (`page_view`, `product_view`). The visitor is the
   * client's `visitorId` option; a logged-in client's user is linked to it. Accepted events
   * answer 202 with how many were new (a repeated id counts once, so a retry is safe).
   */
  track(events: TrackedEvent | TrackedEvent[], options?: RequestOptions): ApiPromise<IngestResult> {
    const list = (Array.isArray(events) ? events : [events]).map((event) => ({ ...event, id: event.id ?? randomUuid() }) as ClientEvent);
    const visitor = this.core.visitorId;
    return this.core.call(options, (o) => this.api.trackEvents({ ClientEventBatch: { events: list, ...(visitor ? { visitor_id: visitor } : {}) } }, o));
  }
}

/** The shopping funnel's KPIs (admin). Windows are whole UTC days, `from` and `to` included. */
export class KpisResource {
  private readonly api: KPIsApi;

  constructor(private readonly core: Core) {
    this.api = new KPIsApi(new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi, accessToken: core.tokenProvider }));
  }

  /** Distinct people at each funnel step, with step-to-step and overall conversion. */
  funnel(params: GetFunnelRequest, options?: RequestOptions): ApiPromise<Funnel> {
    return this.core.call(options, (o) => this.api.getFunnel(params, o));
  }

  /** Orders, revenue, average order value, conversion and abandoned carts per day or week. */
  summary(params: AllowUndefined<GetKpiSummaryRequest>, options?: RequestOptions): ApiPromise<KpiSummary> {
    return this.core.call(options, (o) => this.api.getKpiSummary(params as GetKpiSummaryRequest, o));
  }
}
