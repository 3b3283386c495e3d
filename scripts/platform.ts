/**
 * Starts the platform's processes (each service, the gateway, the web app) as children,
 * waits until each is healthy, and stops them all together. Used by `make start`,
 * `make contract` and the end-to-end tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface ProcessSpec {
  name: string;
  entry: string;
  port: number;
  env: Record<string, string>;
}

export interface Platform {
  ports: Record<string, number>;
  urls: Record<string, string>;
  /** The process id of each child (with `built`, the server process itself). */
  pids: Record<string, number>;
  stop(): Promise<void>;
  /** Resolves when any child exits on its own (a crash). */
  exited: Promise<{ name: string; code: number | null }>;
}

export interface PlatformOptions {
  dataDir: string;
  ports?: Partial<Record<"auth" | "product" | "cart" | "order" | "analytics" | "gateway" | "web", number>>;
  env?: Record<string, string>;
  /** Child output: "inherit" shows service logs, "ignore" hides them, or a file path. */
  output?: "inherit" | "ignore" | string;
  include?: string[];
  /** Extra node flags per child when `built` (e.g. `--cpu-prof`). */
  nodeArgs?: Record<string, string[]>;
  /** Run the production build (`make build`: <package>/dist/main.js under plain node) instead of the sources under tsx. */
  built?: boolean;
}

const DEFAULT_PORTS = { auth: 8001, product: 8002, cart: 8003, order: 8004, analytics: 8005, gateway: 8080, web: 3000 };

/** Polls `url` until it answers 2xx; fails early if the child exits. */
export async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms`);
}

/** services/x/src/main.ts -> services/x/dist/main.js, which must exist (`make build`). */
function builtEntry(entry: string): string {
  const built = entry.replace(/\/src\/main\.ts$/, "/dist/main.js");
  if (!fs.existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: run \`make build\` first`);
  return built;
}

/** SIGTERM (graceful shutdown), then SIGKILL after `graceMs`; resolves once the child is gone. */
export function stopChild(child: ChildProcess, graceMs = 15_000, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  // callers that predate the analytics service give the order port: analytics takes the next one
  const ports = { ...DEFAULT_PORTS, ...options.ports, analytics: options.ports?.analytics ?? (options.ports?.order ?? DEFAULT_PORTS.order) + 1 };
  const urls = Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, `http://127.0.0.1:${p}`])) as Record<keyof typeof ports, string>;
  fs.mkdirSync(options.dataDir, { recursive: true });
  const shared: Record<string, string> = {
    DATA_DIR: options.dataDir,
    AUTH_URL: urls.auth,
    PRODUCT_URL: urls.product,
    CART_URL: urls.cart,
    ORDER_URL: urls.order,
    AUTH_JWKS_URL: `${urls.auth}/.well-known/jwks.json`,
    API_BASE_URL: urls.gateway,
    ...options.env,
  };
  const candidates: ProcessSpec[] = [
    { name: "auth", entry: "services/auth/src/main.ts", port: ports.auth, env: {} },
    { name: "product", entry: "services/product/src/main.ts", port: ports.product, env: {} },
    { name: "cart", entry: "services/cart/src/main.ts", port: ports.cart, env: {} },
    { name: "order", entry: "services/order/src/main.ts", port: ports.order, env: {} },
    { name: "analytics", entry: "services/analytics/src/main.ts", port: ports.analytics, env: {} },
    { name: "gateway", entry: "services/gateway/src/main.ts", port: ports.gateway, env: {} },
    { name: "web", entry: "web/src/main.ts", port: ports.web, env: {} },
  ];
  const specs = candidates.filter((c) => fs.existsSync(path.join(ROOT, c.entry)) && (!options.include || options.include.includes(c.name)));
  // the services record analytics events only when there is an analytics service to deliver them to
  if (specs.some((s) => s.name === "analytics")) shared.ANALYTICS_URL ??= urls.analytics;
  const children = new Map<string, ChildProcess>();
  let outFd: number | undefined;
  if (options.output && options.output !== "inherit" && options.output !== "ignore") outFd = fs.openSync(options.output, "a");
  const stdio = outFd !== undefined ? (["ignore", outFd, outFd] as const) : options.output === "ignore" ? "ignore" : "inherit";

  let onExit: (v: { name: string; code: number | null }) => void = () => {};
  const exited = new Promise<{ name: string; code: number | null }>((resolve) => (onExit = resolve));
  let stopping = false;

  const stop = async () => {
    stopping = true;
    await Promise.all([...children.values()].reverse().map((child) => stopChild(child)));
    if (outFd !== undefined) fs.closeSync(outFd);
  };

  try {
    // auth first: the others verify tokens with its keys
    for (const group of [specs.filter((s) => s.name === "auth"), specs.filter((s) => s.name !== "auth")]) {
      await Promise.all(
        group.map(async (spec) => {
          const args = options.built ? [...(options.nodeArgs?.[spec.name] ?? []), builtEntry(spec.entry)] : ["--import", "tsx", "--conditions=development", spec.entry];
          const child = spawn(process.execPath, args, {
            cwd: ROOT,
            env: { ...process.env, ...shared, ...spec.env, PORT: String(spec.port) },
            stdio: stdio as never,
          });
          children.set(spec.name, child);
          child.once("exit", (code) => {
            if (!stopping) onExit({ name: spec.name, code });
          });
          await waitHealthy(`http://127.0.0.1:${spec.port}/healthz`, child, 120_000);
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const started = Object.fromEntries(specs.map((s) => [s.name, s.port]));
  const pids = Object.fromEntries([...children].map(([name, child]) => [name, child.pid!]));
  return { ports: started, pids, urls: Object.fromEntries(specs.map((s) => [s.name, `http://127.0.0.1:${s.port}`])), stop, exited };
}
