/** Home, search results and product pages: public, no session needed. */
import { Router } from "express";
import type { Product, ProductCategory, ProductFacets } from "@disqo-commerce/sdk";
import type { RouteContext } from "../app.js";
import { apiMessage, apiStatus } from "../errors.js";
import { list, pathId, query, text } from "../forms.js";
import { parseMajorUnits, toMajorUnits } from "../money.js";
import { locals } from "../session.js";
import { trackOnPage } from "../page-views.js";
import { CATEGORIES, categoryLabel } from "../views.js";

export const SORTS = [
  { value: "relevance", label: "Best match" },
  { value: "price_asc", label: "Price: low to high" },
  { value: "price_desc", label: "Price: high to low" },
  { value: "newest", label: "Newest" },
] as const;
type Sort = (typeof SORTS)[number]["value"];

export const PAGE_SIZE = 20;
const RELATED = 4;

/** A price band as shoppers read it: "Under $10", "$10 to $24.99", "$100 and up". */
export function bandLabel(band: { min: number; max: number | null }): string {
  const dollars = (cents: number) => `$${toMajorUnits(cents, "USD").replace(/\.00$/, "")}`;
  if (band.min === 0 && band.max !== null) return `Under ${dollars(band.max + 1)}`;
  if (band.max === null) return `${dollars(band.min)} and up`;
  return `${dollars(band.min)} to ${dollars(band.max)}`;
}

const isCategory = (value: string): value is ProductCategory => (CATEGORIES as readonly string[]).includes(value);

export function catalogRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.get("/", async (_req, res) => {
    const { shop } = locals(res);
    const page = await shop.products.list({ sort: "newest", limit: 8, facets: true });
    // with more than 10,000 products the counts are not given (null): every category is listed without one
    const categories = page.facets ? page.facets.category.map((c) => ({ value: c.value, count: c.count })) : CATEGORIES.map((value) => ({ value, count: null }));
    res.render("home.njk", { title: "Welcome", products: page.data, categories });
  });

  router.get("/search", async (req, res) => {
    const { shop } = locals(res);
    const q = text(req.query, "q", 200);
    const minText = text(req.query, "min_price", 12);
    const maxText = text(req.query, "max_price", 12);
    const sortText = text(req.query, "sort", 20);
    const cursor = text(req.query, "cursor", 300);
    const categoryText = text(req.query, "category", 20);
    const category = isCategory(categoryText) ? categoryText : undefined;
    // The cursors of the pages before this one, so "Previous" can walk back.
    const prev = list(req.query, "prev");

    const errors: Record<string, string> = {};
    const minPrice = minText ? parseMajorUnits(minText) : null;
    const maxPrice = maxText ? parseMajorUnits(maxText) : null;
    if (minText && minPrice === null) errors.min_price = "Enter a price like 10 or 9.99";
    if (maxText && maxPrice === null) errors.max_price = "Enter a price like 50 or 49.99";
    if (minPrice !== null && maxPrice !== null && minPrice > maxPrice) errors.max_price = "The maximum must not be below the minimum";
    const defaultSort: Sort = q ? "relevance" : "newest";
    const sort: Sort = SORTS.some((s) => s.value === sortText) ? (sortText as Sort) : defaultSort;

    const form = { q, min_price: minText, max_price: maxText, sort, category: category ?? "" };
    const filters = { q, min_price: errors.min_price ? undefined : minText, max_price: errors.max_price ? undefined : maxText, sort, category };

    let products: Product[] = [];
    let nextCursor: string | null = null;
    let total: number | null = null;
    let totalCapped = false;
    let facets: ProductFacets | null = null;
    let problem: string | null = null;
    try {
      const page = await shop.products.list({
        q: q || undefined,
        min_price: errors.min_price || minPrice === null ? undefined : minPrice,
        max_price: errors.max_price || maxPrice === null ? undefined : maxPrice,
        // Relevance only means something for a text query.
        sort: !q && sort === "relevance" ? "newest" : sort,
        category,
        facets: true,
        limit: PAGE_SIZE,
        cursor: cursor || undefined,
      });
      facets = page.facets ?? null;
      products = page.data;
      nextCursor = page.next_cursor ?? null;
      total = typeof page.total_count === "number" ? page.total_count : null;
      totalCapped = page.total_count_is_lower_bound === true;
    } catch (error) {
      if (apiStatus(error) !== 422 && apiStatus(error) !== 400) throw error;
      problem = apiMessage(error, "That search could not run. Check the filters and try again.");
    }

    const pageNumber = prev.length + (cursor ? 1 : 0) + 1;
    const nextUrl = nextCursor ? `/search${query({ ...filters, cursor: nextCursor, prev: cursor ? [...prev, cursor] : prev })}` : null;
    let prevUrl: string | null = null;
    if (cursor) {
      const before = prev.slice(0, -1);
      prevUrl = `/search${query({ ...filters, cursor: prev.length > 0 ? prev[prev.length - 1] : undefined, prev: before })}`;
    }

    // each facet is a link to these results narrowed by it (a new search: no cursor)
    const narrowed = (change: Record<string, string | undefined>) => `/search${query({ ...filters, ...change })}`;
    const categoryFacets = (facets?.category ?? []).map((c) => ({ label: categoryLabel(c.value), count: c.count, url: narrowed({ category: c.value }), current: c.value === category }));
    const priceFacets = (facets?.price ?? []).map((b) => {
      const min = toMajorUnits(b.min, "USD");
      const max = b.max === null ? undefined : toMajorUnits(b.max, "USD");
      return { label: bandLabel(b), count: b.count, url: narrowed({ min_price: min, max_price: max }), current: min === minText && (max ?? "") === maxText };
    });
    const activeFilters = [
      ...(category ? [{ label: categoryLabel(category), url: narrowed({ category: undefined }) }] : []),
      ...(filters.min_price || filters.max_price ? [{ label: `Price ${filters.min_price ? `from $${filters.min_price}` : ""} ${filters.max_price ? `to $${filters.max_price}` : ""}`.trim(), url: narrowed({ min_price: undefined, max_price: undefined }) }] : []),
    ];

    res.render("search.njk", {
      title: q ? `Results for “${q}”` : category ? categoryLabel(category) : "All products",
      categories: CATEGORIES.map((value) => ({ value, label: categoryLabel(value) })),
      categoryFacets,
      priceFacets,
      activeFilters,
      form,
      errors,
      sorts: SORTS,
      products,
      total,
      totalCapped,
      problem,
      pageNumber,
      nextUrl,
      prevUrl,
    });
  });

  router.get("/products/:id", async (req, res) => {
    const { shop } = locals(res);
    const product = await shop.products.get(pathId(req.params.id));
    trackOnPage(res, { type: "product_view", properties: { product_id: product.id } });
    // related products are a nice-to-have: the page stands without them
    const related = await shop.products
      .list({ category: product.category, limit: RELATED + 1 })
      .then((page) => page.data.filter((p) => p.id !== product.id).slice(0, RELATED))
      .catch((err: unknown) => {
        ctx.logger.warn({ err, product_id: product.id }, "related products could not be listed; the page goes without them");
        return [] as Product[];
      });
    res.render("product.njk", {
      title: product.name,
      product,
      related,
      categoryName: categoryLabel(product.category),
      maxQuantity: Math.max(1, Math.min(99, product.available ?? 99)),
    });
  });

  return router;
}
