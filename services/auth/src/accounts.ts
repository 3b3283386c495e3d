import { conflict, isUniqueViolation, notFound, unauthenticated, type EventRecorder } from "@disqo-commerce/kit";
import type { AuthModels, UserModel } from "./models/index.js";
import { assertStrongPassword, hashPassword, normaliseEmail, verifyAgainstDummy, verifyPassword } from "./passwords.js";
import { toUserDto, type UserDto } from "./users.js";
import type { Sessions } from "./sessions.js";

export interface Registration {
  email: string;
  password: string;
  first_name: string;
  last_name: string;
}

// the same set the contract's email patterns refuse: C0 controls and DEL
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export function createAccounts(deps: { models: AuthModels; sessions: Sessions; events: EventRecorder }) {
  const { User } = deps.models;

  return {
    async register(input: Registration, role: "customer" | "admin" = "customer"): Promise<UserModel> {
      const email = normaliseEmail(input.email);
      assertStrongPassword(input.password, email);
      const existing = await User.findOne({ where: { email } });
      if (existing) throw conflict("email_taken", "An account with this email already exists.");
      const passwordHash = await hashPassword(input.password);
      try {
        // the signup event commits with the user or not at all; it carries the user id only
        return await User.sequelize!.transaction(async (transaction) => {
          const user = await User.create({ email, password_hash: passwordHash, first_name: input.first_name.trim(), last_name: input.last_name.trim(), role }, { transaction });
          await deps.events.record("signup", { userId: user.id }, {}, transaction);
          return user;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict("email_taken", "An account with this email already exists.");
        throw error;
      }
    },

    /**
     * The user whose credentials these are, or null. Takes the same time whether the email
     * is unknown or the password is wrong, and treats a deactivated user as unknown.
     */
    async verifyCredentials(rawEmail: string, password: string): Promise<UserModel | null> {
      // No email holds a control character, and MariaDB's collation ignores some (a trailing
      // NUL compares equal), so such an email is nobody's, whichever route let it through.
      if (CONTROL_CHARACTER.test(rawEmail)) return verifyAgainstDummy(password).then(() => null);
      const user = await User.findOne({ where: { email: normaliseEmail(rawEmail) } });
      if (!user) return verifyAgainstDummy(password).then(() => null);
      const ok = await verifyPassword(user.password_hash, password);
      return ok && user.is_active ? user : null;
    },

    async changePassword(userId: number, currentPassword: string, newPassword: string): Promise<void> {
      const user = await User.findByPk(userId);
      if (!user) throw notFound("No such user.");
      if (!(await verifyPassword(user.password_hash, currentPassword))) {
        throw unauthenticated("The current password is wrong.", "invalid_credentials");
      }
      assertStrongPassword(newPassword, user.email);
      await user.update({ password_hash: await hashPassword(newPassword) });
      await deps.sessions.revokeAllFor(userId);
    },

    async adminUpdate(userId: number, changes: { role?: "customer" | "admin"; is_active?: boolean }): Promise<UserDto> {
      const user = await User.findByPk(userId);
      if (!user) throw notFound("No such user.");
      await user.update(changes);
      if (changes.is_active === false) await deps.sessions.revokeAllFor(userId);
      return toUserDto(user);
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
