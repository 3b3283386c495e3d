import type { AuthModels } from "./models/index.js";
import { createAttemptLimiter, type Limit } from "./attempt-limiter.js";

/** The auth service's limits (README "Security limits" lists them). */
export interface LimiterOptions {
  /** Window of the login and password-change limits. */
  windowSeconds: number;
  /** Failed logins per email (any client). */
  maxPerEmail: number;
  /** Failed logins per client address (any email). */
  maxPerClient: number;
  /** Registrations (successful or not) per client address within registerWindowSeconds. */
  registerMaxPerClient: number;
  registerWindowSeconds: number;
  /** Wrong current passwords per user when changing the password. */
  passwordMaxPerUser: number;
}

export const DEFAULT_LIMITS: LimiterOptions = {
  windowSeconds: 900,
  maxPerEmail: 5,
  maxPerClient: 50,
  registerMaxPerClient: 20,
  registerWindowSeconds: 3600,
  passwordMaxPerUser: 5,
};

/**
 * What is limited and by which key. Failures stay recorded (they are what counts); an attempt
 * that succeeds takes its record back, and a success clears the failures of its email or user.
 */
export function createAuthLimits(models: AuthModels, options: LimiterOptions) {
  const limiter = createAttemptLimiter(models);
  const emailBucket = (email: string) => `email:${email}`;
  const passwordBucket = (userId: number) => `password:${userId}`;

  return {
    /** Counts a login attempt of this email from this client; 429 when either is over its limit. */
    reserveLogin(email: string, client: string) {
      const limits: Limit[] = [
        { bucket: emailBucket(email), max: options.maxPerEmail, windowSeconds: options.windowSeconds },
        { bucket: `client:${client}`, max: options.maxPerClient, windowSeconds: options.windowSeconds },
      ];
      return limiter.reserve(limits, "Too many failed login attempts; try again later.");
    },

    /** After a successful login: the email's failures stop counting. */
    clearEmail(email: string) {
      return limiter.clear(emailBucket(email));
    },

    /** Counts a registration from this client; every attempt counts, accounts or not. */
    async reserveRegistration(client: string): Promise<void> {
      await limiter.reserve(
        [{ bucket: `register:${client}`, max: options.registerMaxPerClient, windowSeconds: options.registerWindowSeconds }],
        "Too many registrations from this address; try again later.",
      );
    },

    /** Counts a guess of this user's current password; 429 when over the limit. */
    reservePasswordChange(userId: number) {
      return limiter.reserve(
        [{ bucket: passwordBucket(userId), max: options.passwordMaxPerUser, windowSeconds: options.windowSeconds }],
        "Too many wrong current passwords; try again later.",
      );
    },

    clearPasswordChange(userId: number) {
      return limiter.clear(passwordBucket(userId));
    },

    purgeOld() {
      return limiter.purgeOlderThan(Math.max(options.windowSeconds, options.registerWindowSeconds));
    },
  };
}

export type AuthLimits = ReturnType<typeof createAuthLimits>;
