/** The shopper's account: profile and address, password. */
import { Router, type Response } from "express";
import type { RouteContext } from "../app.js";
import { apiMessage, apiStatus, fieldErrors } from "../errors.js";
import { raw, text } from "../forms.js";
import { locals, requireLogin } from "../session.js";
import { MIN_PASSWORD_LENGTH } from "./auth.js";

const PROFILE_FIELDS = ["first_name", "last_name", "address_1", "address_2", "city", "state", "zip_code", "phone"] as const;
type ProfileField = (typeof PROFILE_FIELDS)[number];
const REQUIRED: ReadonlySet<ProfileField> = new Set(["first_name", "last_name"]);
const MAX_LENGTH: Record<ProfileField, number> = {
  first_name: 100,
  last_name: 100,
  address_1: 200,
  address_2: 200,
  city: 100,
  state: 2,
  zip_code: 10,
  phone: 30,
};

export function accountRoutes({ sessions }: RouteContext): Router {
  const router = Router();

  async function page(
    res: Response,
    options: { values?: Record<string, string>; errors?: Record<string, string>; passwordErrors?: Record<string, string>; error?: string | null; status?: number },
  ) {
    const user = await locals(res).shop.users.me();
    const values: Record<string, string> = {};
    for (const field of PROFILE_FIELDS) values[field] = options.values?.[field] ?? (user[field] as string | null | undefined) ?? "";
    res.status(options.status ?? 200).render("account.njk", {
      title: "Your account",
      user,
      values,
      errors: options.errors ?? {},
      passwordErrors: options.passwordErrors ?? {},
      error: options.error ?? null,
      minPasswordLength: MIN_PASSWORD_LENGTH,
    });
  }

  router.get("/account", requireLogin, async (_req, res) => {
    await page(res, {});
  });

  router.post("/account/profile", requireLogin, async (req, res) => {
    const values: Record<string, string> = {};
    for (const field of PROFILE_FIELDS) values[field] = text(req.body, field, MAX_LENGTH[field] + 20);
    values.state = values.state.toUpperCase();

    const errors: Record<string, string> = {};
    for (const field of REQUIRED) if (!values[field]) errors[field] = "This field is required";
    for (const field of PROFILE_FIELDS) if (values[field].length > MAX_LENGTH[field]) errors[field] = `Use at most ${MAX_LENGTH[field]} characters`;
    if (values.state && !/^[A-Z]{2}$/.test(values.state)) errors.state = "Use the two-letter state code, like CA";
    if (values.zip_code && !/^[0-9]{5}(-[0-9]{4})?$/.test(values.zip_code)) errors.zip_code = "Use a ZIP code like 90001 or 90001-1234";
    if (Object.keys(errors).length > 0) return page(res, { values, errors, status: 422, error: "Please fix the fields marked below." });

    // Empty optional fields clear the stored value.
    const update: Record<string, string | null> = {};
    for (const field of PROFILE_FIELDS) update[field] = values[field] === "" && !REQUIRED.has(field) ? null : values[field];
    try {
      await locals(res).shop.users.updateMe(update);
      sessions.flash(res, "success", "Your profile was saved.");
      res.redirect(303, "/account");
    } catch (error) {
      if (apiStatus(error) !== 422 && apiStatus(error) !== 400) throw error;
      return page(res, { values, errors: fieldErrors(error), status: 422, error: apiMessage(error, "Please fix the fields marked below.") });
    }
  });

  router.post("/account/password", requireLogin, async (req, res) => {
    const current = raw(req.body, "current_password", 200);
    const next = raw(req.body, "new_password", 200);
    const confirm = raw(req.body, "new_password_confirm", 200);
    const passwordErrors: Record<string, string> = {};
    if (!current) passwordErrors.current_password = "Enter your current password";
    if (next.length < MIN_PASSWORD_LENGTH) passwordErrors.new_password = `Use at least ${MIN_PASSWORD_LENGTH} characters`;
    if (confirm !== next) passwordErrors.new_password_confirm = "The passwords don't match";
    if (Object.keys(passwordErrors).length > 0) return page(res, { passwordErrors, status: 422 });

    const { shop } = locals(res);
    const user = await shop.users.me();
    try {
      await shop.users.changePassword({ current_password: current, new_password: next });
    } catch (error) {
      const status = apiStatus(error);
      // A wrong current password: the session itself is fine, so this is a form error, not a logout.
      if (status === 401 || status === 403) return page(res, { passwordErrors: { current_password: "That is not your current password" }, status: 422 });
      if (status === 422 || status === 400) {
        const fields = fieldErrors(error);
        return page(res, { passwordErrors: { new_password: fields.new_password ?? apiMessage(error, "Choose a different password") }, status: 422 });
      }
      throw error;
    }
    // Changing the password revokes every refresh token, this session's too: log in again
    // with the new password so the shopper stays signed in here (and only here).
    const result = await shop.auth.login({ email: user.email, password: next });
    sessions.start(res, result.tokens);
    sessions.flash(res, "success", "Your password was changed. Other devices have been signed out.");
    res.redirect(303, "/account");
  });

  return router;
}
