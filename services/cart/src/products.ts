/*
 * The cart's only way to the product service: the generated SDK client, a service
 * credential, and a timeout on every call. A product service that does not answer (down,
 * slow, 5xx, or refusing our credential) becomes a 503 `service_unavailable` for our caller;
 * nothing is changed on our side before the answer is known.
 */
import { Configuration, FetchError, InventoryApi, ProductsApi, ResponseError, type Product } from "@disqo-commerce/sdk/generated/product";
import { serviceUnavailable, type Logger } from "@disqo-commerce/kit";

export interface CatalogProduct {
  id: number;
  name: string;
  price: number;
  currency: string;
  isActive: boolean;
  available: number;
}

export interface Shortage {
  product_id: number;
  requested: number;
  available: number;
}

export type ReserveResult = { ok: true } | { ok: false; code: "insufficient_stock" | "product_unavailable"; detail: string; products: Shortage[] };

export interface ProductClient {
  /** The given products that exist (active or not), by id; unknown ids are absent. */
  getProducts(ids: number[]): Promise<Map<number, CatalogProduct>>;
  /** Holds the items under `reservationId` until `expiresAt`, all or nothing. */
  reserve(reservationId: string, items: { product_id: number; quantity: number }[], expiresAt: Date): Promise<ReserveResult>;
  /** Frees a reservation; releasing one that is gone or never was is not an error. */
  release(reservationId: string): Promise<void>;
}

export interface ProductClientOptions {
  baseUrl: string;
  serviceToken: () => string;
  timeoutMs: number;
  logger: Logger;
  fetchApi?: typeof fetch;
}

/** The product service's `ids` filter takes at most 100 ids per call. */
const IDS_PER_CALL = 100;

async function problemBody(error: ResponseError): Promise<Record<string, unknown>> {
  try {
    return (await error.response.json()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function toCatalogProduct(p: Product): CatalogProduct {
  return { id: p.id, name: p.name, price: p.price.amount, currency: p.price.currency, isActive: p.is_active, available: p.available };
}

export function createProductClient(options: ProductClientOptions): ProductClient {
  const config = new Configuration({ basePath: options.baseUrl.replace(/\/$/, ""), accessToken: () => options.serviceToken(), fetchApi: options.fetchApi });
  const products = new ProductsApi(config);
  const inventory = new InventoryApi(config);
  const init = () => ({ signal: AbortSignal.timeout(options.timeoutMs) });

  /** Any failure that is not a definite answer we handle is the product service being unavailable. */
  function unavailable(operation: string, error: unknown): never {
    const status = error instanceof ResponseError ? error.response.status : undefined;
    const cause = error instanceof FetchError ? error.cause : error;
    options.logger.warn({ operation, status, err: cause }, "product service call failed");
    throw serviceUnavailable("The product service did not answer; try again shortly.");
  }

  return {
    async getProducts(ids) {
      const unique = [...new Set(ids)];
      const found = new Map<number, CatalogProduct>();
      for (let i = 0; i < unique.length; i += IDS_PER_CALL) {
        const batch = unique.slice(i, i + IDS_PER_CALL);
        try {
          const page = await products.searchProducts({ ids: batch.join(","), limit: IDS_PER_CALL }, init());
          for (const p of page.data) found.set(p.id, toCatalogProduct(p));
        } catch (error) {
          unavailable("searchProducts", error);
        }
      }
      return found;
    },

    async reserve(reservationId, items, expiresAt) {
      try {
        await inventory.putReservation({ reservation_id: reservationId, ReservationInput: { items, expires_at: new Date(expiresAt).toISOString() } }, init());
        return { ok: true };
      } catch (error) {
        if (error instanceof ResponseError && error.response.status === 409) {
          const body = await problemBody(error);
          if (body.code === "insufficient_stock" || body.code === "product_unavailable") {
            return { ok: false, code: body.code, detail: String(body.detail ?? "Some products are not available."), products: (body.products as Shortage[] | undefined) ?? [] };
          }
        }
        return unavailable("putReservation", error);
      }
    },

    async release(reservationId) {
      try {
        await inventory.releaseReservation({ reservation_id: reservationId }, init());
      } catch (error) {
        if (error instanceof ResponseError && error.response.status === 404) return;
        unavailable("releaseReservation", error);
      }
    },
  };
}
