/**
 * One replica of a service: the BUILT service (`make build`, `<package>/dist/main.js`) run by
 * node in production configuration on its own port, logging to `<cluster dir>/logs/`.
 * It can be killed (any signal) and started again on the same port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, stopChild, waitHealthy } from "../platform.js";
import type { ServiceName } from "./settings.js";

const PACKAGE_DIR: Record<ServiceName, string> = {
  auth: "services/auth",
  product: "services/product",
  cart: "services/cart",
  order: "services/order",
  analytics: "services/analytics",
  gateway: "services/gateway",
  web: "web",
};

export function builtEntry(service: ServiceName): string {
  return path.join(ROOT, PACKAGE_DIR[service], "dist", "main.js");
}

export class Replica {
  readonly name: string;
  private child?: ChildProcess;
  /** Set when the replica exits although nobody stopped or killed it. */
  onCrash: (replica: Replica, code: number | null) => void = () => {};
  private expectExit = false;

  constructor(
    readonly service: ServiceName,
    readonly index: number,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {
    this.name = `${service}-${index}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and resolves once it is ready (/readyz; the storefront has only /healthz). */
  async start(timeoutMs = 120_000): Promise<void> {
    fs.mkdirSync(this.logDir, { recursive: true });
    const log = fs.openSync(path.join(this.logDir, `${this.name}.log`), "a");
    this.expectExit = false;
    const child = spawn(process.execPath, [builtEntry(this.service)], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, NODE_ENV: "production", PORT: String(this.port) },
      stdio: ["ignore", log, log],
      // its own process group: Ctrl-C reaches the cluster script only, which stops replicas in order
      detached: true,
    });
    fs.closeSync(log);
    this.child = child;
    // an exit before it was ready is a failed start (start rejects), not a crash
    let ready = false;
    child.once("exit", (code) => {
      if (ready && !this.expectExit) this.onCrash(this, code);
    });
    try {
      await waitHealthy(`${this.url}/${this.service === "web" ? "healthz" : "readyz"}`, child, timeoutMs);
    } catch (error) {
      // a start that never became ready must not linger on the port a retry needs
      if (child.exitCode === null && child.signalCode === null) await stopChild(child, 0, "SIGKILL");
      throw error;
    }
    ready = true;
  }

  /** `kill -9`: no graceful shutdown, in-flight requests and transactions are cut off. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectExit = true;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }

  /** Graceful stop (SIGTERM: finish in-flight requests, close the database). */
  async stop(): Promise<void> {
    if (!this.child) return;
    this.expectExit = true;
    await stopChild(this.child, 15_000);
  }
}
