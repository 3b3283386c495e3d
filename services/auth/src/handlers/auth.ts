import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { AuthDomain } from "./index.js";
import { toUserDto } from "../users.js";

type AuthOps = Pick<operations, "registerUser" | "loginUser" | "refreshTokens" | "logoutUser">;

export function authHandlers(d: AuthDomain): HandlerMap<AuthOps> {
  return {
    async registerUser({ body, req }) {
      await d.limits.reserveRegistration(req.ip ?? "unknown");
      const user = await d.accounts.register(body);
      return { status: 201, body: { user: toUserDto(user), tokens: await d.sessions.start(user) } };
    },
    async loginUser({ req, res }) {
      const { user, tokens } = await d.login(req, res);
      return { status: 200, body: { user: toUserDto(user), tokens } };
    },
    async refreshTokens({ body }) {
      return { status: 200, body: await d.sessions.rotate(body.refresh_token) };
    },
    async logoutUser({ body }) {
      await d.sessions.revoke(body.refresh_token);
      return { status: 204 };
    },
  };
}
