/* Test support for the kit's own tests: a tiny spec and app built with buildApp, logs captured. */
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import type { Sequelize } from "sequelize";
import { buildApp, idempotencyHolderMigration, idempotencyMigration, listen, migrate, openDatabase, type OpenApiDocument, type RunningServer } from "../src/index.js";
import { freshDatabase, testTokens, type FreshDatabase, type TestTokens } from "../src/testing.js";

export function captureLogs(): { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: "info" }, stream);
  return {
    logger,
    text: () => chunks.join(""),
    lines: () => chunks.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l)),
  };
}

/** Opens a fresh database with the kit's own table (idempotency keys). */
export async function kitDatabase(backend: "sqlite" | "mariadb"): Promise<{ sequelize: Sequelize; db: FreshDatabase }> {
  const db = await freshDatabase("kit", backend);
  const sequelize = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "kit" });
  await migrate(sequelize, [idempotencyMigration, idempotencyHolderMigration]);
  return { sequelize, db };
}

const problem = { description: "A problem.", content: { "application/problem+json": { schema: { type: "object" } } } };

/** A small contract exercising what buildApp wires: body validation, params, security, roles, idempotency. */
export const miniSpec: OpenApiDocument = {
  openapi: "3.0.3",
  info: { title: "kit test API", version: "1.0.0" } as { title: string },
  paths: {
    "/things": {
      post: {
        operationId: "createThing",
        parameters: [{ $ref: "#/components/parameters/IdempotencyKey" }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["name"],
                additionalProperties: false,
                properties: { name: { type: "string", minLength: 1 }, count: { type: "integer", minimum: 1 } },
              },
            },
          },
        },
        responses: {
          "201": { description: "Created.", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
          default: problem,
        },
      } as never,
    },
    "/things/{kind}": {
      get: {
        operationId: "getThing",
        parameters: [{ name: "kind", in: "path", required: true, schema: { type: "string" } } as never],
        responses: {
          "200": { description: "A thing.", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
          default: problem,
        },
      } as never,
    },
    "/admin": {
      get: {
        operationId: "adminOnly",
        security: [{ bearerAuth: [] }],
        "x-required-role": "admin",
        responses: { "200": { description: "Yes.", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } }, default: problem },
      } as never,
    },
    "/internal": {
      get: {
        operationId: "internalOnly",
        security: [{ serviceAuth: [] }],
        responses: { "200": { description: "Yes.", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } }, default: problem },
      } as never,
      post: {
        operationId: "internalCreate",
        security: [{ serviceAuth: [] }],
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/NewThing" } } } },
        responses: { "200": { description: "Yes.", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } }, default: problem },
      } as never,
    },
    "/admin/things/{id}": {
      patch: {
        operationId: "adminUpdate",
        security: [{ bearerAuth: [] }],
        "x-required-role": "admin",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1 } } as never],
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/NewThing" } } } },
        responses: { "200": { description: "Yes.", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } }, default: problem },
      } as never,
    },
  },
  components: {
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" }, serviceAuth: { type: "http", scheme: "bearer" } },
    parameters: { IdempotencyKey: { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", minLength: 8, maxLength: 200 } } },
    schemas: {
      Thing: { type: "object", required: ["id", "name"], additionalProperties: false, properties: { id: { type: "integer" }, name: { type: "string" } } },
      NewThing: { type: "object", required: ["name"], additionalProperties: false, properties: { name: { type: "string", minLength: 1 } } },
    },
  },
};

/** A handler for every operation of the mini spec: the given ones, and a plain thing for the rest. */
export function stubHandlers(handlers: Record<string, (ctx: never) => Promise<never>> = {}): Record<string, (ctx: never) => Promise<never>> {
  const stub = async () => ({ status: 200, body: { id: 1, name: "stub" } }) as never;
  const ids = Object.values(miniSpec.paths).flatMap((item) => Object.values(item).map((op) => op?.operationId ?? ""));
  return Object.fromEntries(ids.map((id) => [id, handlers[id] ?? stub]));
}

export interface MiniApp {
  url: string;
  tokens: TestTokens;
  logs: ReturnType<typeof captureLogs>;
  close(): Promise<void>;
}

/** The mini spec's app with the given handlers, on port 0, logging into memory. */
export async function startMiniApp(
  backend: "sqlite" | "mariadb",
  handlers: Record<string, (ctx: never) => Promise<never>>,
  options: { readinessChecks?: (() => Promise<void>)[] } = {},
): Promise<MiniApp> {
  const { sequelize, db } = await kitDatabase(backend);
  const tokens = testTokens();
  const logs = captureLogs();
  const app = buildApp({ spec: miniSpec, handlers: stubHandlers(handlers), logger: logs.logger, verifier: tokens.verifier, sequelize, validateResponses: true, ...options });
  const running: RunningServer = await listen(app, 0);
  return {
    url: running.url,
    tokens,
    logs,
    async close() {
      await running.close();
      await sequelize.close();
      await db.drop();
    },
  };
}

export async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON; the raw text is the body
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, headers: res.headers, text, body: body as any };
}
