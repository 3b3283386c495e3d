import type { Sequelize, Transaction } from "sequelize";
import { AppError, isUniqueViolation, notFound, sqlDate, unprocessable, writeOutsideTransaction, type EventRecorder } from "@disqo-commerce/kit";
import { createCartLines } from "./data-access/cart-lines.js";
import type { CartReads } from "./data-access/cart-reads.js";
import type { components } from "./generated/openapi.js";
import type { CartModels } from "./models/index.js";
import { CURRENCY, money } from "./money.js";
import type { CatalogProduct, ProductClient } from "./products.js";

type CartView = components["schemas"]["Cart"];
/** Stores a keyed request's answer in the transaction of its change (the kit's IdempotentAnswer). */
export type StoreAnswer = (t: Transaction, cart: CartView) => Promise<void>;

export const MAX_LINE_QUANTITY = 99;
/** The product service reserves and looks up at most 100 products per call. */
export const MAX_CART_LINES = 100;

export interface CartDeps {
  sequelize: Sequelize;
  models: CartModels;
  products: ProductClient;
  now: () => Date;
  events: EventRecorder;
  reads: CartReads;
}

const productUnavailable = (productId: number) => new AppError(404, "product_unavailable", `Product ${productId} does not exist or is not for sale.`);

export function createCarts(deps: CartDeps) {
  const { sequelize, models, products, now, reads } = deps;
  const lines = createCartLines(sequelize);


  /** The user's active cart, created on first use; two first requests racing end with one cart. */
  async function ensureActiveCart(userId: number): Promise<{ id: number }> {
    const existing = await reads.activeCartId(userId);
    if (existing !== undefined) return { id: existing };
    try {
      // not on the shared connection (see writeOutsideTransaction): under 8 shoppers on SQLite that stalled the service
      return await writeOutsideTransaction(sequelize, (transaction) => models.Cart.create({ user_id: userId, active_user_id: userId, is_active: true }, { transaction }));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await models.Cart.findOne({ where: { active_user_id: userId } });
      if (!winner) throw error;
      return winner;
    }
  }

  /**
   * Runs a change of the user's active cart in a transaction holding the cart's row lock, so
   * concurrent changes of one cart apply one after the other (SQLite serializes writers
   * anyway). If the cart stopped being active meanwhile (its quote was accepted), the change
   * goes to the new active cart.
   */
  async function changeCart(userId: number, change: (cart: { id: number }, t: Transaction) => Promise<void>, answer?: StoreAnswer): Promise<CartView> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const cart = await ensureActiveCart(userId);
      const changed = await sequelize.transaction(async (t) => {
        if (!(await lines.lockActiveCart(cart.id, userId, t))) return undefined;
        await change(cart, t);
        await lines.touchCart(cart.id, t);
        if (!answer) return null;
        // the answer is the cart as this transaction leaves it, stored with the change (see the kit's IdempotentAnswer)
        const after = await view(cart.id, t);
        await answer(t, after);
        return after;
      });
      if (changed !== undefined) return changed ?? view(cart.id);
    }
    throw new Error(`the active cart of user ${userId} kept changing`);
  }

  async function assertStock(cartId: number, product: CatalogProduct, quantity: number, t: Transaction): Promise<void> {
    // units this cart's own open quotes hold: the shopper may use them again
    const available = product.available + (await lines.heldByOwnQuotes(cartId, product.id, now(), t));
    if (quantity > available) {
      throw unprocessable("insufficient_stock", `Only ${available} of product ${product.id} can be had now.`, {
        products: [{ product_id: product.id, requested: quantity, available }],
      });
    }
  }

  async function activeProduct(productId: number): Promise<CatalogProduct> {
    const product = (await products.getProducts([productId])).get(productId);
    if (!product || !product.isActive || product.currency !== CURRENCY) throw productUnavailable(productId);
    return product;
  }

  function tooMany(quantity: number): AppError {
    return unprocessable("validation_failed", `A cart line holds at most ${MAX_LINE_QUANTITY} units.`, {
      errors: [{ path: "/body/quantity", message: `the line would hold ${quantity}; at most ${MAX_LINE_QUANTITY}` }],
    });
  }

  /** The cart's view; inside a transaction `t`, as that transaction sees it. */
  async function view(cartId: number, t?: Transaction): Promise<CartView> {
    const cart = await reads.cart(cartId, t);
    if (!cart) throw new Error(`cart ${cartId} vanished`);
    const items = await reads.cartItems(cartId, t);
    const lines = items.map((item) => {
      const unit = Number(item.unit_price);
      const quantity = Number(item.quantity);
      return {
        id: Number(item.id),
        product_id: Number(item.product_id),
        name: item.name,
        quantity,
        unit_price: money(unit, item.currency),
        line_total: money(unit * quantity, item.currency),
        added_at: sqlDate(item.created_at).toISOString(),
      };
    });
    return {
      id: Number(cart.id),
      items: lines,
      item_count: lines.reduce((n, l) => n + l.quantity, 0),
      subtotal: money(lines.reduce((s, l) => s + l.line_total.amount, 0)),
      created_at: sqlDate(cart.created_at).toISOString(),
      updated_at: sqlDate(cart.updated_at).toISOString(),
    };
  }

  /** The item of the user's active cart, or a 404 (another user's item is just as absent). */
  async function ownItem(userId: number, itemId: number) {
    const cart = await models.Cart.findOne({ where: { active_user_id: userId } });
    const item = cart ? await models.CartItem.findOne({ where: { id: itemId, cart_id: cart.id } }) : null;
    if (!item) throw notFound(`No item ${itemId} in your cart.`);
    return item;
  }

  return {
    ensureActiveCart,
    view,

    async getCart(userId: number): Promise<CartView> {
      return view((await ensureActiveCart(userId)).id);
    },

    /** Adds units to a line: not safe to run twice, so a keyed request stores its answer with the change (`answer`). */
    async addItem(userId: number, productId: number, quantity: number, answer?: StoreAnswer): Promise<CartView> {
      const product = await activeProduct(productId);
      return changeCart(userId, async (cart, t) => {
        const item = await lines.lockLineOf(cart.id, productId, t);
        const total = (item?.quantity ?? 0) + quantity;
        if (total > MAX_LINE_QUANTITY) throw tooMany(total);
        if (!item && (await lines.countLines(cart.id, t)) >= MAX_CART_LINES) {
          throw unprocessable("validation_failed", `A cart holds at most ${MAX_CART_LINES} different products.`, {
            errors: [{ path: "/body/product_id", message: `the cart already holds ${MAX_CART_LINES} products` }],
          });
        }
        await assertStock(cart.id, product, total, t);
        if (item) await lines.setLineQuantity(item.id, total, t);
        else await lines.addLine({ cart_id: cart.id, product_id: productId, name: product.name, quantity: total, unit_price: product.price, currency: product.currency }, t);
        await deps.events.record("cart_item_added", { userId }, { product_id: productId, quantity }, t);
      }, answer);
    },

    async updateItem(userId: number, itemId: number, quantity: number): Promise<CartView> {
      const known = await ownItem(userId, itemId);
      const product = await activeProduct(known.product_id);
      return changeCart(userId, async (cart, t) => {
        const item = await models.CartItem.findOne({ where: { id: itemId, cart_id: cart.id }, transaction: t, lock: t.LOCK.UPDATE });
        if (!item) throw notFound(`No item ${itemId} in your cart.`);
        // Lowering a quantity is always allowed: it can only free stock.
        if (quantity > item.quantity) await assertStock(cart.id, product, quantity, t);
        item.quantity = quantity;
        await item.save({ transaction: t });
      });
    },

    async removeItem(userId: number, itemId: number): Promise<CartView> {
      await ownItem(userId, itemId);
      return changeCart(userId, async (cart, t) => {
        const removed = await models.CartItem.destroy({ where: { id: itemId, cart_id: cart.id }, transaction: t });
        if (removed === 0) throw notFound(`No item ${itemId} in your cart.`);
      });
    },

    async clear(userId: number): Promise<CartView> {
      return changeCart(userId, async (cart, t) => {
        await models.CartItem.destroy({ where: { cart_id: cart.id }, transaction: t });
      });
    },
  };
}

export type Carts = ReturnType<typeof createCarts>;
