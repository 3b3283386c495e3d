import { z } from "zod";
import { loadConfig } from "@disqo-commerce/kit";

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      PORT: z.coerce.number().int().min(0).max(65535).default(8001),
      /** PEM (PKCS#8) EC P-256 private key; required in production, generated under DATA_DIR in development. */
      JWT_PRIVATE_KEY: z.string().optional(),
      ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(900),
      REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().positive().default(30),
      LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
      LOGIN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().positive().default(5),
      LOGIN_MAX_FAILURES_PER_CLIENT: z.coerce.number().int().positive().default(50),
      /** Registrations per client address (TRUSTED_PROXIES decides the address) per window. */
      REGISTER_MAX_PER_CLIENT: z.coerce.number().int().positive().default(20),
      REGISTER_WINDOW_SECONDS: z.coerce.number().int().positive().default(3600),
      /** Wrong current passwords per user within LOGIN_WINDOW_SECONDS. */
      PASSWORD_CHANGE_MAX_FAILURES: z.coerce.number().int().positive().default(5),
    },
    env,
  );
}

export type AuthConfig = ReturnType<typeof readConfig>;
