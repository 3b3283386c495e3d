import type { IncomingMessage } from "node:http";
import type { OpenApiDocument, OperationObject } from "./contract.js";
import { forbidden, unauthenticated } from "./errors.js";
import type { Principal, TokenVerifier } from "./tokens.js";

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** Resolves the caller from the bearer token according to the operation's security requirement. */
export async function authenticate(verifier: TokenVerifier, req: IncomingMessage, op: OperationObject, spec: OpenApiDocument): Promise<Principal | null> {
  const requirements = op.security ?? spec.security ?? [];
  const schemes = new Set(requirements.flatMap((r) => Object.keys(r)));
  const token = bearerToken(req);
  if (schemes.size === 0) {
    // Public operation: a valid token still identifies the caller (admins see more); a bad one is ignored.
    if (!token) return null;
    return verifier.verifyAccessToken(token).catch(() => null);
  }
  if (!token) throw unauthenticated();
  if (schemes.has("bearerAuth")) {
    try {
      return await verifier.verifyAccessToken(token);
    } catch (error) {
      if (!schemes.has("serviceAuth")) throw error;
    }
  }
  return verifier.verifyServiceToken(token);
}

/** The operation's `x-required-role`, if any, must be the caller's. */
export function authorize(principal: Principal | null, op: OperationObject): void {
  const role = op["x-required-role"];
  if (!role) return;
  if (!principal || principal.kind !== "user" || principal.role !== role) throw forbidden(`This operation needs the ${role} role.`);
}
