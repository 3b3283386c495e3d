import { userOf, type HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { AuthDomain } from "./index.js";

type UserOps = Pick<operations, "getCurrentUser" | "updateCurrentUser" | "changePassword" | "listUsers" | "updateUser">;

export function userHandlers(d: AuthDomain): HandlerMap<UserOps> {
  return {
    async getCurrentUser({ principal }) {
      return { status: 200, body: await d.users.get(userOf(principal).userId) };
    },
    async updateCurrentUser({ principal, body }) {
      return { status: 200, body: await d.users.updateProfile(userOf(principal).userId, body) };
    },
    async changePassword({ principal, body }) {
      await d.changePassword(userOf(principal).userId, body.current_password, body.new_password);
      return { status: 204 };
    },
    async listUsers({ query }) {
      return { status: 200, body: await d.users.list({ limit: query.limit ?? 20, cursor: query.cursor, email: query.email }) };
    },
    async updateUser({ params, body }) {
      return { status: 200, body: await d.accounts.adminUpdate(params.id, body) };
    },
  };
}
