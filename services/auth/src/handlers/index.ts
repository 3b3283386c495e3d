import type { HandlerMap } from "@disqo-commerce/kit";
import type { operations } from "../generated/openapi.js";
import type { Accounts } from "../accounts.js";
import type { AuthLimits } from "../limits.js";
import type { Login } from "../login.js";
import type { PasswordChange } from "../password-change.js";
import type { Sessions } from "../sessions.js";
import type { SigningKey } from "../signing-key.js";
import type { UserDirectory } from "../users.js";
import { authHandlers } from "./auth.js";
import { keyHandlers } from "./keys.js";
import { legacyHandlers } from "./legacy.js";
import { userHandlers } from "./users.js";

export interface AuthDomain {
  accounts: Accounts;
  sessions: Sessions;
  users: UserDirectory;
  login: Login;
  limits: AuthLimits;
  changePassword: PasswordChange;
  key: SigningKey;
}

/** Every operation of openapi/auth.yaml, keyed by operationId. */
export function createHandlers(d: AuthDomain): HandlerMap<operations> {
  return { ...authHandlers(d), ...userHandlers(d), ...keyHandlers(d), ...legacyHandlers(d) };
}
