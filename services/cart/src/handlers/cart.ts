import { userOf, type HandlerMap } from "@disqo-commerce/kit";
import type { Transaction } from "sequelize";
import type { operations } from "../generated/openapi.js";
import type { CartDomain } from "./index.js";

type CartOps = Pick<operations, "getCart" | "clearCart" | "addCartItem" | "updateCartItem" | "removeCartItem">;

export function cartHandlers(d: CartDomain): HandlerMap<CartOps> {
  return {
    async getCart({ principal }) {
      return { status: 200, body: await d.carts.getCart(userOf(principal).userId) };
    },
    async clearCart({ principal }) {
      return { status: 200, body: await d.carts.clear(userOf(principal).userId) };
    },
    async addCartItem({ principal, body, idempotency }) {
      const answer = idempotency && ((t: Transaction, cart: unknown) => idempotency.storeWith(t, 201, cart));
      return { status: 201, body: await d.carts.addItem(userOf(principal).userId, body.product_id, body.quantity, answer) };
    },
    async updateCartItem({ principal, params, body }) {
      // path parameters reach the route as strings; the validator has checked they are integers
      return { status: 200, body: await d.carts.updateItem(userOf(principal).userId, Number(params.item_id), body.quantity) };
    },
    async removeCartItem({ principal, params }) {
      return { status: 200, body: await d.carts.removeItem(userOf(principal).userId, Number(params.item_id)) };
    },
  };
}
