import { Configuration, ProductsApi } from "../generated/product/index.js";
import type { GetProductImageWidthEnum, Product, ProductCreate, ProductPage, ProductUpdate, SearchProductsRequest } from "../generated/product/index.js";
import type { ApiPromise } from "../api-promise.js";
import type { AllowUndefined, Core, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";

/** The catalog: search and browse for everyone; create, update and deactivate for admins. */
export class ProductsResource {
  private readonly api: ProductsApi;

  constructor(private readonly core: Core) {
    this.api = new ProductsApi(new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi, accessToken: core.tokenProvider }));
  }

  /**
   * Searches (`q`: every word must match, prefixes too) or browses the catalog; filters
   * `min_price`/`max_price` (minor units), `category`, `sort`, `ids`; `facets: true` adds the
   * counts per category and price band. Await it for one page (`data`, `next_cursor`,
   * `total_count`, `total_count_is_lower_bound`, `facets`), or `for await` it for every
   * matching product.
   */
  list(params: AllowUndefined<SearchProductsRequest> = {}, options?: RequestOptions): PagePromise<Product, ProductPage> {
    return new PagePromise((cursor) =>
      this.core.call(this.withToken(options), (o) => this.api.searchProducts({ ...params, cursor: cursor ?? params.cursor }, o)),
    );
  }

  /** One product with its available stock. */
  get(id: number, options?: RequestOptions): ApiPromise<Product> {
    return this.core.call(this.withToken(options), (o) => this.api.getProduct({ id }, o));
  }

  /** Adds a product (admin). 409 `sku_taken` for a duplicate sku. */
  create(body: AllowUndefined<ProductCreate>, options?: RequestOptions): ApiPromise<Product> {
    return this.core.call(options, (o) => this.api.createProduct({ ProductCreate: body }, o));
  }

  /** Changes a product (admin). */
  update(id: number, body: AllowUndefined<ProductUpdate>, options?: RequestOptions): ApiPromise<Product> {
    return this.core.call(options, (o) => this.api.updateProduct({ id, ProductUpdate: body }, o));
  }

  /** Deactivates a product (admin): shoppers no longer see it; its row and history stay. */
  deactivate(id: number, options?: RequestOptions): ApiPromise<Product> {
    return this.core.call(options, (o) => this.api.deactivateProduct({ id }, o));
  }

  /** Adds an image (admin): PNG, JPEG or WebP up to 5 MB, with its alt text; answers the product with its images. */
  uploadImage(id: number, file: Blob, alt: string, options?: RequestOptions): ApiPromise<Product> {
    return this.core.call(options, (o) => this.api.uploadProductImage({ id, file, alt }, o));
  }

  /** Removes one of a product's images (admin); answers the product with the others. */
  deleteImage(id: number, imageId: string, options?: RequestOptions): ApiPromise<Product> {
    return this.core.call(options, (o) => this.api.deleteProductImage({ id, image_id: imageId }, o));
  }

  /** One rendition of an image (WebP bytes), by the width its `srcset` lists. */
  image(imageId: string, width: GetProductImageWidthEnum | 160 | 320 | 640 | 1024, options?: RequestOptions): ApiPromise<Blob> {
    return this.core.call(options, (o) => this.api.getProductImage({ image_id: imageId, width: width as GetProductImageWidthEnum }, o));
  }

  /**
   * Reading the catalog needs no token, but an admin's token shows inactive products too, so
   * the client's token goes along when it holds one.
   */
  private withToken(options: RequestOptions | undefined): RequestOptions | undefined {
    const token = this.core.accessToken;
    if (!token || hasHeader(options?.headers, "authorization")) return options;
    return { ...options, headers: { ...(options?.headers ?? {}), Authorization: `Bearer ${token}` } };
  }
}

function hasHeader(headers: Record<string, string> | undefined, name: string): boolean {
  return headers !== undefined && Object.keys(headers).some((key) => key.toLowerCase() === name);
}
