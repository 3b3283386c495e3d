import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { DEV_SERVICE_SECRET } from "./config.js";
import { StaticKeys, TokenVerifier, signAccessToken, signServiceToken, type Role } from "./tokens.js";

/*
 * Test support shared by every service's tests: a fresh database per test file (SQLite
 * file, or a throwaway MariaDB database when TEST_MYSQL_URL is set) and tokens minted with
 * a throwaway key, so a service's tests need no running auth service.
 */

export interface FreshDatabase {
  url?: string;
  sqliteFile?: string;
  label: string;
  drop(): Promise<void>;
}

/**
 * `backend` picks the engine (as listed by testBackends()); without it, MariaDB when
 * TEST_MYSQL_URL is set, else SQLite.
 */
export async function freshDatabase(name: string, backend?: "sqlite" | "mariadb"): Promise<FreshDatabase> {
  const mysqlUrl = backend === "sqlite" ? undefined : process.env.TEST_MYSQL_URL;
  if (backend === "mariadb" && !mysqlUrl) throw new Error("the mariadb test backend needs TEST_MYSQL_URL");
  const suffix = randomBytes(4).toString("hex");
  if (mysqlUrl) {
    const { default: mysql } = await import("mysql2/promise");
    const dbName = `t_${name.replace(/\W/g, "_")}_${suffix}`;
    const admin = await mysql.createConnection(mysqlUrl);
    await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const url = new URL(mysqlUrl);
    url.pathname = `/${dbName}`;
    return {
      url: url.toString(),
      label: "mariadb",
      async drop() {
        const c = await mysql.createConnection(mysqlUrl);
        await c.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `disqo-${name}-`));
  return {
    sqliteFile: path.join(dir, `${name}.sqlite`),
    label: "sqlite",
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The backends the HTTP tests run on: SQLite always, MariaDB too when TEST_MYSQL_URL is set. */
export function testBackends(): ("sqlite" | "mariadb")[] {
  return process.env.TEST_MYSQL_URL ? ["sqlite", "mariadb"] : ["sqlite"];
}

export interface TestTokens {
  verifier: TokenVerifier;
  keys: StaticKeys;
  privateKey: KeyObject;
  kid: string;
  serviceSecret: string;
  user(userId: number, role?: Role, ttlSeconds?: number): string;
  admin(userId?: number): string;
  expired(userId: number): string;
  service(name?: string): string;
}

export function testTokens(): TestTokens {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const kid = "test-key";
  const keys = new StaticKeys(new Map([[kid, publicKey]]));
  const serviceSecret = DEV_SERVICE_SECRET;
  return {
    verifier: new TokenVerifier(keys, serviceSecret),
    keys,
    privateKey,
    kid,
    serviceSecret,
    user: (userId, role = "customer", ttl = 900) => signAccessToken(privateKey, kid, { userId, role }, ttl),
    admin: (userId = 999_001) => signAccessToken(privateKey, kid, { userId, role: "admin" }, 900),
    expired: (userId) => signAccessToken(privateKey, kid, { userId, role: "customer" }, -10),
    service: (name = "test") => signServiceToken(name, serviceSecret),
  };
}

export interface Outcome {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * Runs a generated SDK call (its `...Raw` form) and answers its status, headers and parsed
 * body whether it succeeded or not: the "act" client of the tests, which never throws for an
 * HTTP status. Each service's generated client has its own ResponseError class, so the
 * failed response is recognised by shape, not by class.
 */
export async function outcome(call: Promise<{ raw: Response }>): Promise<Outcome> {
  let response: Response;
  try {
    response = (await call).raw;
  } catch (error) {
    const failed = (error as { response?: unknown } | null)?.response;
    if (!(failed instanceof Response)) throw error;
    response = failed;
  }
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
