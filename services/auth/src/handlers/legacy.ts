import { AppError, type HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { AuthDomain } from "./index.js";

/** The write-up's `POST /api/v1/login`, kept for old clients: its own body shapes, no problem+json. */
export function legacyHandlers(d: AuthDomain): HandlerMap<Pick<operations, "legacyLogin">> {
  return {
    async legacyLogin({ req, res }) {
      try {
        const { tokens } = await d.login(req, res);
        return { status: 200, body: { token: tokens.access_token } };
      } catch (error) {
        if (error instanceof AppError && (error.status === 401 || error.status === 429)) {
          return { status: 400, body: { error: error.status === 429 ? "Too many failed attempts; try again later" : "Invalid email or password" } };
        }
        throw error;
      }
    },
  };
}
