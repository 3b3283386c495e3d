import type { Request, Response } from "express";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import { unauthenticated } from "@disqo-commerce/kit";
import type { Accounts } from "./accounts.js";
import type { AuthLimits } from "./limits.js";
import type { Sessions, TokenPair } from "./sessions.js";
import type { UserModel } from "./models/index.js";
import { normaliseEmail } from "./passwords.js";

/**
 * Login with passport-local (JSON or form body, fields `email` and `password`), behind the
 * failed-login limiter. Passport runs without sessions: a successful login answers tokens.
 */
export function createLogin(deps: { accounts: Accounts; limits: AuthLimits; sessions: Sessions }) {
  const authenticator = new passport.Passport();
  authenticator.use(
    new LocalStrategy({ usernameField: "email", passwordField: "password", session: false }, (email, password, done) => {
      deps.accounts.verifyCredentials(email, password).then(
        (user) => done(null, user ?? false),
        (error) => done(error),
      );
    }),
  );

  function authenticate(req: Request, res: Response): Promise<UserModel | null> {
    return new Promise((resolve, reject) => {
      authenticator.authenticate("local", { session: false }, (error: unknown, user: UserModel | false) => {
        if (error) reject(error);
        else resolve(user || null);
      })(req, res, (error: unknown) => (error ? reject(error) : resolve(null)));
    });
  }

  return async function login(req: Request, res: Response): Promise<{ user: UserModel; tokens: TokenPair }> {
    const email = normaliseEmail(String(req.body?.email ?? ""));
    // req.ip is the client behind the trusted proxies (TRUSTED_PROXIES), not the last hop.
    const client = req.ip ?? "unknown";
    // Counted before the password is checked, so parallel guesses cannot all slip under the limit.
    const attempt = await deps.limits.reserveLogin(email, client);
    let user: UserModel | null;
    try {
      user = await authenticate(req, res);
    } catch (error) {
      await attempt.release();
      throw error;
    }
    // A wrong password keeps its record: that is the failure that counts.
    if (!user) throw unauthenticated("The email or password is wrong.", "invalid_credentials");
    await attempt.release();
    await deps.limits.clearEmail(email);
    return { user, tokens: await deps.sessions.start(user) };
  };
}

export type Login = ReturnType<typeof createLogin>;
