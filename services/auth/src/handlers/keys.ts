import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { AuthDomain } from "./index.js";
import { jwks } from "../signing-key.js";

export function keyHandlers(d: AuthDomain): HandlerMap<Pick<operations, "getJwks">> {
  return {
    async getJwks({ res }) {
      res.setHeader("Cache-Control", "public, max-age=300");
      return { status: 200, body: jwks([d.key]) };
    },
  };
}
