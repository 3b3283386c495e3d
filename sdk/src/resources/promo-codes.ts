import { Configuration, PromoCodesApi } from "../generated/cart/index.js";
import type { ListPromoCodesRequest, PromoCode, PromoCodeInput, PromoCodePage } from "../generated/cart/index.js";
import type { ApiPromise } from "../api-promise.js";
import type { AllowUndefined, Core, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";

/** Promo codes (admin). */
export class PromoCodesResource {
  private readonly api: PromoCodesApi;

  constructor(private readonly core: Core) {
    this.api = new PromoCodesApi(new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi, accessToken: core.tokenProvider }));
  }

  /** Every promo code (admin). */
  list(params: AllowUndefined<ListPromoCodesRequest> = {}, options?: RequestOptions): PagePromise<PromoCode, PromoCodePage> {
    return new PagePromise((cursor) =>
      this.core.call(options, (o) => this.api.listPromoCodes({ ...params, cursor: cursor ?? params.cursor }, o)),
    );
  }

  /** Creates a promo code (admin). */
  create(body: AllowUndefined<PromoCodeInput>, options?: RequestOptions): ApiPromise<PromoCode> {
    return this.core.call(options, (o) => this.api.createPromoCode({ PromoCodeInput: body }, o));
  }
}
