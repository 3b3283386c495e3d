/*
 * Test support for the analytics service's HTTP tests: the service in process on port 0 on a
 * fresh database of the backend under test, and a small JSON client.
 */
import { createLogger, listen, migrate, openDatabase, type RunningServer } from "@disqo-commerce/kit";
import { freshDatabase, testTokens, type TestTokens } from "@disqo-commerce/kit/testing";
import { createApp, type AnalyticsAppDeps } from "../src/app.js";
import { migrations } from "../src/migrations/index.js";

export type Backend = "sqlite" | "mariadb";

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface AnalyticsHarness {
  url: string;
  tokens: TestTokens;
  domain: ReturnType<typeof createApp>["domain"];
  post(path: string, body: unknown, options?: { token?: string; headers?: Record<string, string> }): Promise<Answer>;
  get(path: string, token?: string): Promise<Answer>;
  /** Stops listening like a killed process (the database stays); `revive` listens again on the same port. */
  kill(): Promise<void>;
  revive(): Promise<void>;
  close(): Promise<void>;
}

export async function startAnalytics(backend: Backend, deps: Partial<AnalyticsAppDeps> = {}): Promise<AnalyticsHarness> {
  const tokens = testTokens();
  const db = await freshDatabase("analytics", backend);
  const sequelize = openDatabase({ url: db.url, sqliteFile: db.sqliteFile, name: "analytics" });
  await migrate(sequelize, migrations);
  const { app, domain } = createApp({ sequelize, logger: createLogger({ service: "analytics-test", level: "silent" }), verifier: tokens.verifier, validateResponses: true, ...deps });
  let running: RunningServer = await listen(app, 0);
  const port = running.port;
  let alive = true;
  const answer = async (response: Response): Promise<Answer> => {
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    url: running.url,
    async kill() {
      alive = false;
      running.server.closeAllConnections();
      await running.close();
    },
    async revive() {
      running = await listen(app, port);
      alive = true;
    },
    tokens,
    domain,
    async post(path, body, options = {}) {
      const headers: Record<string, string> = { "Content-Type": "application/json", ...options.headers };
      if (options.token) headers.Authorization = `Bearer ${options.token}`;
      return answer(await fetch(`${running.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) }));
    },
    async get(path, token) {
      return answer(await fetch(`${running.url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }));
    },
    async close() {
      if (alive) await running.close();
      await sequelize.close();
      await db.drop();
    },
  };
}
