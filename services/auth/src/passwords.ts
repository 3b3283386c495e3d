import { hash, verify } from "@node-rs/argon2";
import { unprocessable } from "@disqo-commerce/kit";

/** OWASP's recommended argon2id cost (m=19 MiB, t=2, p=1). */
// @node-rs/argon2 defaults to argon2id.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Burns the same time as a real check when the email is unknown, so a wrong email and a
 * wrong password cannot be told apart by timing.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("dummy-password-for-timing-equalisation");
  await verifyPassword(await dummyHash, password);
  return false;
}

export function assertStrongPassword(password: string, email: string): void {
  if (password.length < 10) {
    throw unprocessable("weak_password", "The password needs at least 10 characters.", { errors: [{ path: "/body/password", message: "must have at least 10 characters" }] });
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    throw unprocessable("weak_password", "The password must not be the email.", { errors: [{ path: "/body/password", message: "must differ from the email" }] });
  }
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
