/** Register, log in and log out; a guest cart moves into the account on the way in. */
import { Router, type Request, type Response } from "express";
import type { RouteContext } from "../app.js";
import { apiCode, apiMessage, apiStatus, fieldErrors, isUnreachable, retryAfterSeconds } from "../errors.js";
import { raw, text } from "../forms.js";
import { mergeGuestCart, mergeMessage, readGuestCart, writeGuestCart } from "../guest-cart.js";
import { locals, safeNext } from "../session.js";

export const MIN_PASSWORD_LENGTH = 10;

export function authRoutes({ sessions, logger, cookieSecure }: RouteContext): Router {
  const router = Router();

  /** After login or signup: the guest cart joins the user's cart. If the cart service fails, the guest cart is kept for next time. */
  async function welcome(req: Request, res: Response, greeting: string): Promise<void> {
    const guest = readGuestCart(req);
    let moved: string | null = null;
    if (guest.length) {
      try {
        moved = mergeMessage(await mergeGuestCart(locals(res).shop, guest));
        writeGuestCart(res, [], cookieSecure);
      } catch (error) {
        logger.warn({ err: error }, "guest cart not merged; kept for the next login");
      }
    }
    sessions.flash(res, "success", moved ? `${greeting} ${moved}` : greeting);
  }

  const loginPage = (res: Response, data: { email?: string; next: string; error?: string | null; status?: number }) =>
    res.status(data.status ?? 200).render("login.njk", { title: "Log in", email: data.email ?? "", next: data.next, error: data.error ?? null });

  router.get("/login", (req, res) => {
    const next = safeNext(req.query.next);
    if (locals(res).session) return res.redirect(303, next);
    loginPage(res, { next });
  });

  router.post("/login", async (req, res) => {
    const email = text(req.body, "email", 254);
    const password = raw(req.body, "password", 200);
    const next = safeNext(req.body?.next);
    if (!email || !password) {
      return loginPage(res, { email, next, status: 422, error: "Enter your email and password." });
    }
    try {
      const result = await locals(res).shop.auth.login({ email, password });
      sessions.start(res, result.tokens);
      await welcome(req, res, `Welcome back, ${result.user.first_name}!`);
      res.redirect(303, next);
    } catch (error) {
      const status = apiStatus(error);
      if (status === 401) return loginPage(res, { email, next, status: 401, error: "That email and password don't match an account. Check them and try again." });
      if (status === 429) {
        return loginPage(res, { email, next, status: 429, error: `Too many login attempts. For your security, please try again ${tryAgainIn(error)}.` });
      }
      if (status === 422 || status === 400) return loginPage(res, { email, next, status: 422, error: "Enter a valid email and password." });
      if (!isUnreachable(error)) logger.warn({ err: error }, "login failed");
      throw error;
    }
  });

  const registerPage = (res: Response, data: { values?: Record<string, string>; errors?: Record<string, string>; error?: string | null; next: string; status?: number }) =>
    res.status(data.status ?? 200).render("register.njk", {
      title: "Create an account",
      values: data.values ?? {},
      errors: data.errors ?? {},
      error: data.error ?? null,
      next: data.next,
      minPasswordLength: MIN_PASSWORD_LENGTH,
    });

  router.get("/register", (req, res) => {
    const next = safeNext(req.query.next);
    if (locals(res).session) return res.redirect(303, next);
    registerPage(res, { next });
  });

  router.post("/register", async (req, res) => {
    const values = {
      first_name: text(req.body, "first_name", 100),
      last_name: text(req.body, "last_name", 100),
      email: text(req.body, "email", 254),
    };
    const password = raw(req.body, "password", 200);
    const confirm = raw(req.body, "password_confirm", 200);
    const next = safeNext(req.body?.next);

    const errors: Record<string, string> = {};
    if (!values.first_name) errors.first_name = "Enter your first name";
    if (!values.last_name) errors.last_name = "Enter your last name";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = "Enter an email address like name@example.com";
    if (password.length < MIN_PASSWORD_LENGTH) errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters`;
    else if (password.trim().toLowerCase() === values.email.toLowerCase()) errors.password = "Your password must not be your email";
    if (confirm !== password) errors.password_confirm = "The passwords don't match";
    if (Object.keys(errors).length > 0) return registerPage(res, { values, errors, next, status: 422, error: "Please fix the fields marked below." });

    try {
      const result = await locals(res).shop.auth.register({ ...values, password });
      sessions.start(res, result.tokens);
      await welcome(req, res, `Welcome, ${result.user.first_name}! Your account is ready.`);
      res.redirect(303, next);
    } catch (error) {
      const status = apiStatus(error);
      if (status === 409 || apiCode(error) === "email_taken") {
        return registerPage(res, { values, next, status: 409, errors: { email: "An account with this email already exists. Log in instead?" }, error: "That email is already registered." });
      }
      if (status === 429) {
        return registerPage(res, { values, next, status: 429, error: `Too many new accounts from your network. Please try again ${tryAgainIn(error)}.` });
      }
      if (status === 422 || status === 400) {
        const fields = fieldErrors(error);
        if (apiCode(error) === "weak_password" && !fields.password) fields.password = apiMessage(error);
        return registerPage(res, { values, next, status: 422, errors: fields, error: apiMessage(error, "Please fix the fields marked below.") });
      }
      throw error;
    }
  });

  router.post("/logout", async (req, res) => {
    const refreshToken = sessions.refreshToken(req);
    if (refreshToken) {
      try {
        await locals(res).shop.auth.logout({ refresh_token: refreshToken });
      } catch (error) {
        // The cookies go whatever the API said: logging out must always work for the shopper.
        logger.warn({ err: error }, "logout could not revoke the refresh token");
      }
    }
    sessions.end(res);
    sessions.flash(res, "info", "You have been logged out.");
    res.redirect(303, "/");
  });

  return router;
}

/** "in 30 seconds", "in 5 minutes" or "in a little while", from a 429's Retry-After. */
function tryAgainIn(error: unknown): string {
  const wait = retryAfterSeconds(error);
  return wait ? `in ${wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`}` : "in a little while";
}
