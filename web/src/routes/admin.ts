/**
 * The shop's admin pages: products (create, edit, deactivate) and orders (filter, ship,
 * deliver). Admins only; the role is asked of the API, which enforces it again on every call.
 */
import { Router, type NextFunction, type Request, type Response } from "express";
import type { OrderStatus, Product, ProductCategory } from "@disqo-commerce/sdk";
import type { RouteContext } from "../app.js";
import { apiCode, apiMessage, apiStatus, fieldErrors, PageError } from "../errors.js";
import { integer, list, pathId, pathKey, query, text } from "../forms.js";
import { parseMajorUnits, toMajorUnits } from "../money.js";
import { locals, requireLogin } from "../session.js";
import { CATEGORIES, categoryLabel, humanize, shortId } from "../views.js";
import { uploadedImage } from "../image-upload.js";
import { analyticsDashboard } from "./admin-analytics.js";

export const ORDER_STATUSES: readonly OrderStatus[] = ["pending", "paid", "cancelling", "partially_shipped", "shipped", "delivered", "cancelled"];
/** The catalog is priced in US dollars (the product contract's only currency). */
const CURRENCY = "USD" as const;

async function requireAdmin(_req: Request, res: Response, next: NextFunction): Promise<void> {
  const user = await locals(res).shop.users.me();
  if (user.role !== "admin") throw new PageError(403, "This page is for the shop's administrators.");
  res.locals.adminUser = user;
  next();
}

interface ProductForm {
  name: string;
  description: string;
  sku: string;
  price: string;
  stock: string;
  category: ProductCategory;
  is_active: boolean;
}

function readProductForm(body: unknown): { form: ProductForm; errors: Record<string, string>; price: number | null; stock: number | null } {
  const form: ProductForm = {
    name: text(body, "name", 220),
    description: text(body, "description", 5100),
    sku: text(body, "sku", 80),
    price: text(body, "price", 20),
    stock: text(body, "stock", 12),
    category: (CATEGORIES as readonly string[]).includes(text(body, "category", 20)) ? (text(body, "category", 20) as ProductCategory) : "other",
    is_active: text(body, "is_active", 10) === "on",
  };
  const errors: Record<string, string> = {};
  if (!form.name) errors.name = "Enter a name";
  else if (form.name.length > 200) errors.name = "Use at most 200 characters";
  if (form.description.length > 5000) errors.description = "Use at most 5000 characters";
  if (!form.sku) errors.sku = "Enter a SKU";
  else if (form.sku.length > 64) errors.sku = "Use at most 64 characters";
  const price = parseMajorUnits(form.price, CURRENCY);
  if (price === null) errors.price = "Enter a price like 19.99";
  const stock = integer(form.stock, 0, 1_000_000);
  if (stock === null) errors.stock = "Enter a whole number from 0";
  return { form, errors, price, stock };
}

export function adminRoutes({ sessions }: RouteContext): Router {
  const router = Router();
  router.use(requireLogin, requireAdmin);

  router.get("/", (_req, res) => res.redirect(303, "/admin/products"));
  router.use(analyticsDashboard());

  router.get("/products", async (req, res) => {
    const q = text(req.query, "q", 200);
    const cursor = text(req.query, "cursor", 300);
    const prev = list(req.query, "prev");
    const page = await locals(res).shop.products.list({ q: q || undefined, sort: q ? "relevance" : "newest", limit: 25, cursor: cursor || undefined });
    const nextUrl = page.next_cursor ? `/admin/products${query({ q, cursor: page.next_cursor, prev: cursor ? [...prev, cursor] : prev })}` : null;
    const prevUrl = cursor ? `/admin/products${query({ q, cursor: prev[prev.length - 1], prev: prev.slice(0, -1) })}` : null;
    res.render("admin/products.njk", { title: "Products", q, products: page.data, nextUrl, prevUrl });
  });

  const productPage = (res: Response, data: { product?: Pick<Product, "id"> & Partial<Product>; form: ProductForm; errors?: Record<string, string>; error?: string | null; status?: number }) =>
    res.status(data.status ?? 200).render("admin/product-form.njk", {
      title: data.product ? `Edit product #${data.product.id}` : "New product",
      product: data.product ?? null,
      categories: CATEGORIES.map((value) => ({ value, label: categoryLabel(value) })),
      form: data.form,
      errors: data.errors ?? {},
      error: data.error ?? null,
    });

  router.get("/products/new", (_req, res) => {
    productPage(res, { form: { name: "", description: "", sku: "", price: "", stock: "0", category: "other", is_active: true } });
  });

  router.post("/products", async (req, res) => {
    const { form, errors, price, stock } = readProductForm(req.body);
    if (Object.keys(errors).length > 0 || price === null || stock === null) return productPage(res, { form, errors, status: 422, error: "Please fix the fields marked below." });
    try {
      const product = await locals(res).shop.products.create({
        name: form.name,
        description: form.description,
        sku: form.sku,
        category: form.category,
        price: { amount: price, currency: CURRENCY },
        stock,
      });
      sessions.flash(res, "success", `Product “${product.name}” was created.`);
      res.redirect(303, `/admin/products/${product.id}/edit`);
    } catch (error) {
      const handled = productError(error);
      if (!handled) throw error;
      productPage(res, { form, status: handled.status, errors: handled.errors, error: handled.message });
    }
  });

  router.get("/products/:id/edit", async (req, res) => {
    const product = await locals(res).shop.products.get(pathId(req.params.id));
    productPage(res, {
      product,
      form: {
        name: product.name,
        description: product.description ?? "",
        sku: product.sku,
        price: toMajorUnits(product.price.amount, product.price.currency),
        stock: String(product.stock),
        category: product.category,
        is_active: product.is_active,
      },
    });
  });

  router.post("/products/:id", async (req, res) => {
    const id = pathId(req.params.id);
    const { form, errors, price, stock } = readProductForm(req.body);
    if (Object.keys(errors).length > 0 || price === null || stock === null) {
      return productPage(res, { product: { id }, form, errors, status: 422, error: "Please fix the fields marked below." });
    }
    try {
      await locals(res).shop.products.update(id, {
        name: form.name,
        description: form.description,
        sku: form.sku,
        category: form.category,
        price: { amount: price, currency: CURRENCY },
        stock,
        is_active: form.is_active,
      });
      sessions.flash(res, "success", "The product was saved.");
      res.redirect(303, `/admin/products/${id}/edit`);
    } catch (error) {
      const handled = productError(error);
      if (!handled) throw error;
      productPage(res, { product: { id }, form, status: handled.status, errors: handled.errors, error: handled.message });
    }
  });

  // the multipart body was read before the CSRF check (image-upload.ts); the API checks the bytes
  router.post("/products/:id/images", async (req, res) => {
    const id = pathId(req.params.id);
    const upload = uploadedImage(req);
    const alt = text(req.body, "alt", 200);
    if ("problem" in upload) sessions.flash(res, "error", upload.problem);
    else if (!alt) sessions.flash(res, "error", "Describe the image in a few words (its alt text) before uploading it.");
    else {
      try {
        await locals(res).shop.products.uploadImage(id, new Blob([new Uint8Array(upload.data)], { type: upload.type }), alt);
        sessions.flash(res, "success", "The image was added.");
      } catch (error) {
        const status = apiStatus(error);
        if (status === undefined || status >= 500) throw error;
        sessions.flash(res, "error", apiMessage(error, "The image could not be added."));
      }
    }
    res.redirect(303, `/admin/products/${id}/edit#images`);
  });

  router.post("/products/:id/images/:imageId/delete", async (req, res) => {
    const id = pathId(req.params.id);
    const imageId = pathKey(req.params.imageId);
    try {
      await locals(res).shop.products.deleteImage(id, imageId);
      sessions.flash(res, "success", "The image was removed.");
    } catch (error) {
      if (apiStatus(error) !== 404 && apiStatus(error) !== 422) throw error;
      sessions.flash(res, "error", "That image is no longer on this product.");
    }
    res.redirect(303, `/admin/products/${id}/edit#images`);
  });

  router.post("/products/:id/deactivate", async (req, res) => {
    const id = pathId(req.params.id);
    await locals(res).shop.products.deactivate(id);
    sessions.flash(res, "success", `Product #${id} was deactivated: shoppers no longer see it.`);
    res.redirect(303, `/admin/products/${id}/edit`);
  });

  router.get("/orders", async (req, res) => {
    const statusText = text(req.query, "status", 30);
    const status = ORDER_STATUSES.find((s) => s === statusText);
    const userIdText = text(req.query, "user_id", 12);
    const userId = userIdText ? integer(userIdText, 1, Number.MAX_SAFE_INTEGER) : null;
    const cursor = text(req.query, "cursor", 300);
    const prev = list(req.query, "prev");
    const filters = { status, user_id: userId ?? undefined };
    const page = await locals(res).shop.orders.adminList({
      status,
      user_id: userId ?? undefined,
      limit: 25,
      cursor: cursor || undefined,
    });
    const nextUrl = page.next_cursor ? `/admin/orders${query({ ...filters, cursor: page.next_cursor, prev: cursor ? [...prev, cursor] : prev })}` : null;
    const prevUrl = cursor ? `/admin/orders${query({ ...filters, cursor: prev[prev.length - 1], prev: prev.slice(0, -1) })}` : null;
    res.render("admin/orders.njk", {
      title: "Orders",
      orders: page.data,
      statuses: ORDER_STATUSES,
      filter: { status: status ?? "", user_id: userIdText },
      userIdError: userIdText && userId === null ? "Enter a user number" : null,
      nextUrl,
      prevUrl,
      back: req.originalUrl,
      today: new Date().toISOString().slice(0, 10),
    });
  });

  const backTo = (req: Request) => {
    const back = text(req.body, "back", 1000);
    return back.startsWith("/admin/orders") ? back : "/admin/orders";
  };

  router.post("/orders/:id/ship", async (req, res) => {
    const id = pathKey(req.params.id);
    const carrier = text(req.body, "carrier", 100);
    const tracking = text(req.body, "tracking_number", 100);
    const arrival = text(req.body, "expected_arrival_date", 10);
    if (!carrier || !tracking || !/^\d{4}-\d{2}-\d{2}$/.test(arrival)) {
      sessions.flash(res, "error", `Order ${shortId(id)}: enter the carrier, the tracking number and the expected arrival date.`);
      return res.redirect(303, backTo(req));
    }
    try {
      await locals(res).shop.orders.ship(id, { carrier, tracking_number: tracking, expected_arrival_date: arrival });
      sessions.flash(res, "success", `Order ${shortId(id)} was marked shipped.`);
    } catch (error) {
      if (!transitionError(res, id, error)) throw error;
    }
    res.redirect(303, backTo(req));
  });

  router.post("/orders/:id/deliver", async (req, res) => {
    const id = pathKey(req.params.id);
    try {
      await locals(res).shop.orders.deliver(id);
      sessions.flash(res, "success", `Order ${shortId(id)} was marked delivered.`);
    } catch (error) {
      if (!transitionError(res, id, error)) throw error;
    }
    res.redirect(303, backTo(req));
  });

  function transitionError(res: Response, id: string, error: unknown): boolean {
    const status = apiStatus(error);
    if (status === 409) {
      const current = (error as { body?: { current_status?: string } }).body?.current_status;
      sessions.flash(res, "error", current ? `Order ${shortId(id)} is ${humanize(current).toLowerCase()}: that change is not possible.` : apiMessage(error));
      return true;
    }
    if (status === 422 || status === 400) {
      sessions.flash(res, "error", `Order ${shortId(id)}: ${apiMessage(error)}`);
      return true;
    }
    return false;
  }

  return router;
}

function productError(error: unknown): { status: number; errors: Record<string, string>; message: string } | null {
  if (apiCode(error) === "stock_below_reserved") {
    // the stock rule: the product service's detail names the units held and sold
    return { status: 409, errors: { stock: apiMessage(error) }, message: apiMessage(error) };
  }
  if (apiCode(error) === "sku_taken" || apiStatus(error) === 409) {
    return { status: 409, errors: { sku: "Another product already has this SKU" }, message: "That SKU is taken." };
  }
  if (apiStatus(error) === 422 || apiStatus(error) === 400) {
    const errors = fieldErrors(error);
    if (errors.amount && !errors.price) errors.price = errors.amount;
    return { status: 422, errors, message: apiMessage(error, "Please fix the fields marked below.") };
  }
  return null;
}
