/**
 * What the floor and checkout benchmarks share: CPU time of a process read from /proc (so a
 * server's own CPU is measured, not the load generator's), a wait for a quiet machine, and a
 * fixed-duration HTTP load at N keep-alive connections (autocannon) with the CPU each
 * watched process spent per answered request.
 */
import { execSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";

export const say = (line: string) => process.stdout.write(`${line}\n`);

/** CPU seconds (user + system) a process has used so far; NaN when it is gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = 100; // USER_HZ on Linux
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return NaN;
  }
}

/** CPU seconds of several processes, by name. */
export function cpuOf(pids: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
}

/** Waits (30 s steps, at most `maxWaitS`) while the 1-minute load average is above `maxLoad`; returns the load then. */
export async function quietMachine(maxLoad: number, maxWaitS = 120): Promise<number> {
  const deadline = Date.now() + maxWaitS * 1000;
  while (os.loadavg()[0]! > maxLoad && Date.now() < deadline) {
    say(`  1-minute load ${os.loadavg()[0]!.toFixed(2)} > ${maxLoad}: waiting 30 s`);
    await sleep(30_000);
  }
  return os.loadavg()[0]!;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  non2xx: number;
  errors: number;
  p50ms: number;
  /** CPU microseconds per answered request, per watched process. */
  cpuUsPerRequest: Record<string, number>;
}

/** `seconds` of GET load at `connections` keep-alive connections, cycling through `paths`. */
export async function load(options: { url: string; paths: string[]; seconds: number; connections: number; watch: Record<string, number | undefined>; headers?: Record<string, string> }): Promise<LoadResult> {
  let i = 0;
  const before = cpuOf(options.watch);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: options.paths[i++ % options.paths.length]! }) }],
  });
  const after = cpuOf(options.watch);
  const answered = result.requests.total;
  return {
    requests: answered,
    perSecond: answered / options.seconds,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50ms: result.latency.p50,
    cpuUsPerRequest: Object.fromEntries(Object.keys(options.watch).map((name) => [name, ((after[name]! - before[name]!) * 1e6) / Math.max(1, answered)])),
  };
}

/** Starts a plain node script as a child (its pid is the server's) and waits for GET /healthz. */
export async function startScript(script: string, env: Record<string, string>, port: number): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "inherit", "inherit"] });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`${script} did not answer on port ${port}`);
    await sleep(100);
  }
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export function uptime(): string {
  return execSync("uptime").toString().trim();
}
