import { AppError } from "@disqo-commerce/kit";
import type { Accounts } from "./accounts.js";
import type { AuthLimits } from "./limits.js";

/**
 * A password change behind the limit on guesses of the current password: a stolen access
 * token must not become a password oracle. Only a wrong current password counts; a change
 * that succeeds clears the user's count.
 */
export function createPasswordChange(deps: { accounts: Accounts; limits: AuthLimits }) {
  return async function changePassword(userId: number, currentPassword: string, newPassword: string): Promise<void> {
    const attempt = await deps.limits.reservePasswordChange(userId);
    try {
      await deps.accounts.changePassword(userId, currentPassword, newPassword);
    } catch (error) {
      const wrongGuess = error instanceof AppError && error.code === "invalid_credentials";
      if (!wrongGuess) await attempt.release();
      throw error;
    }
    await deps.limits.clearPasswordChange(userId);
  };
}

export type PasswordChange = ReturnType<typeof createPasswordChange>;
