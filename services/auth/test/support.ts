/*
 * Test support for the auth service's HTTP tests: the app in process on port 0 with a fresh
 * database, clients built from the generated SDK, and a factory for users.
 */
import { randomBytes } from "node:crypto";
import { createLogger, listen, migrate, openDatabase, signAccessToken, type RunningServer } from "@disqo-commerce/kit";
import { freshDatabase, type FreshDatabase } from "@disqo-commerce/kit/testing";
import type { Sequelize } from "sequelize";
import {
  AuthApi,
  Configuration,
  KeysApi,
  LegacyApi,
  UsersApi,
  type AuthResult,
  type InitOverrideFunction,
  type Middleware,
  type RegisterRequest,
} from "../../../sdk/src/generated/auth/index.js";
import { createApp, type AuthAppDeps } from "../src/app.js";
import { migrations } from "../src/migrations/index.js";
import { generateSigningKey, type SigningKey } from "../src/signing-key.js";

export type Backend = "sqlite" | "mariadb";

export interface AuthHarness {
  url: string;
  key: SigningKey;
  sequelize: Sequelize;
  domain: ReturnType<typeof createApp>["domain"];
  /** SDK clients; with a token they send it as the bearer token. */
  client(options?: { token?: string; headers?: Record<string, string> }): Clients;
  /** Every response body the clients saw, to check that none leaks a password hash. */
  seenBodies: string[];
  close(): Promise<void>;
}

export interface Clients {
  auth: AuthApi;
  users: UsersApi;
  keys: KeysApi;
  legacy: LegacyApi;
}

export async function startAuth(backend: Backend, options: Pick<AuthAppDeps, "limiter" | "accessTtlSeconds" | "trustProxy"> = {}): Promise<AuthHarness> {
  const db: FreshDatabase = await freshDatabase("auth", backend);
  const logger = createLogger({ service: "auth-test", level: "silent" });
  const sequelize = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "auth" });
  await migrate(sequelize, migrations);
  const key = generateSigningKey();
  const { app, domain } = createApp({
    sequelize,
    logger,
    key,
    serviceSecret: "auth-test-service-secret-0123456789",
    validateResponses: true,
    // Generous defaults, so tests that fail logins (or register many users) on purpose do not
    // trip the limits; the rate-limit tests pass their own small limits.
    limiter: { maxPerEmail: 100, maxPerClient: 1000, registerMaxPerClient: 100_000, passwordMaxPerUser: 1000, ...options.limiter },
    trustProxy: options.trustProxy,
    accessTtlSeconds: options.accessTtlSeconds,
  });
  const running: RunningServer = await listen(app, 0);
  const seenBodies: string[] = [];
  const recorder: Middleware = {
    async post({ response }) {
      seenBodies.push(await response.clone().text());
    },
  };
  return {
    url: running.url,
    key,
    sequelize,
    domain,
    seenBodies,
    client({ token, headers } = {}) {
      const config = new Configuration({ basePath: running.url, accessToken: token, headers, middleware: [recorder] });
      return { auth: new AuthApi(config), users: new UsersApi(config), keys: new KeysApi(config), legacy: new LegacyApi(config) };
    },
    async close() {
      // A safety net under every test file: no answer, of any route, ever carries a password hash.
      const leak = seenBodies.find((body) => /"password_hash"\s*:/.test(body) || body.includes("$argon2"));
      await running.close();
      await sequelize.close();
      await db.drop();
      if (leak) throw new Error(`a response body leaked a password hash: ${leak.slice(0, 200)}`);
    },
  };
}

/** A registration with a unique email; tests pass only what matters to them. */
export function buildUser(overrides: Partial<RegisterRequest> = {}): RegisterRequest {
  const tag = randomBytes(5).toString("hex");
  return {
    email: `user-${tag}@example.test`,
    password: `pass-${tag}-long-enough`,
    first_name: "Test",
    last_name: `User ${tag}`,
    ...overrides,
  };
}

/** Registers a user through the API; returns what the registration answered plus the password. */
export async function registerUser(h: AuthHarness, overrides: Partial<RegisterRequest> = {}): Promise<AuthResult & { password: string }> {
  const input = buildUser(overrides);
  const result = await h.client().auth.registerUser({ RegisterRequest: input });
  return { ...result, password: input.password };
}

/** An admin, created in the domain (the API cannot make one) and logged in through the API. */
export async function registerAdmin(h: AuthHarness): Promise<AuthResult> {
  const input = buildUser({ first_name: "Admin" });
  await h.domain.accounts.register(input, "admin");
  return h.client().auth.loginUser({ LoginRequest: { email: input.email, password: input.password } });
}

/** An access token signed with the service's own key (for expired or otherwise crafted tokens). */
export function accessToken(h: AuthHarness, userId: number, role: "customer" | "admin" = "customer", ttlSeconds = 900): string {
  return signAccessToken(h.key.privateKey, h.key.kid, { userId, role }, ttlSeconds);
}

import { outcome, type Outcome } from "@disqo-commerce/kit/testing";
export { outcome, type Outcome };

/** The form-encoded variant of an SDK call that only knows JSON (login accepts both). */
export function asForm(fields: Record<string, string>) {
  return async ({ init }: { init: RequestInit }) => ({
    headers: { ...(init.headers as Record<string, string>), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

/** A JWT with `alg: none` (no signature) claiming whatever the caller wants. */
export function unsignedToken(claims: Record<string, unknown>, kid: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "none", typ: "JWT", kid })}.${enc(claims)}.`;
}

/** The same token with its payload changed and the original signature kept. */
export function tamperedToken(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  return `${header}.${Buffer.from(JSON.stringify({ ...claims, ...change })).toString("base64url")}.${signature}`;
}

/**
 * Sends this body instead of the one the SDK would serialise: for requests its types forbid
 * (unknown or missing fields). The SDK still JSON-encodes it.
 */
export function rawBody(body: object): InitOverrideFunction {
  return async () => ({ body: body as unknown as BodyInit });
}

/** Sends these bytes as the JSON body, unparsed (the SDK passes a Blob through untouched). */
export function malformedBody(text: string): InitOverrideFunction {
  return async () => ({ body: new Blob([text]) });
}
