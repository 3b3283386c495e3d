/**
 * `make sdk-polyglot`: the Python and Go SDKs against the running platform, each packaged the
 * way its ecosystem installs it. Starts the platform (fresh data dir, demo seed; ports
 * 21001-21004 and 21080, plus PORT_OFFSET), then:
 *   - Python: builds the wheel with `python -m build`, installs it with pytest into a fresh
 *     virtualenv, runs pytest sdk/python/tests (unit tests on a fake server, the journey, the
 *     typed errors and the README quick start against the platform);
 *   - Go: `go test` in sdk/go (unit tests) and in sdk/go/integration, a separate module that
 *     uses the SDK through a `replace` directive (journey, typed errors, README quick start).
 * Needs python3 (3.9+, with venv) and go (1.23+) on PATH, and PyPI for build, setuptools,
 * pytest (sdk/python/requirements-dev.txt) and the wheel's dependencies. The Go SDK needs no module outside the standard library.
 * PYTHON=... and GO=... choose the interpreters.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, startPlatform } from "./platform.js";

const PYTHON = process.env.PYTHON ?? "python3";
const GO = process.env.GO ?? "go";
const offset = Number(process.env.PORT_OFFSET ?? 0);
const ports = { auth: 21001 + offset, product: 21002 + offset, cart: 21003 + offset, order: 21004 + offset, gateway: 21080 + offset };
const work = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-sdk-polyglot-"));
const logFile = path.join(work, "platform.log");

interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Print the output only when the command fails (the wheel build's setuptools log is long). */
  quiet?: boolean;
}

/** Runs a command, its output shown as it comes; resolves with its exit code and everything it printed. */
function run(cmd: string, args: string[], options: RunOptions = {}): Promise<{ code: number; output: string }> {
  process.stdout.write(`\n$ ${cmd} ${args.join(" ")}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env } });
    let output = "";
    const tee = (chunk: Buffer) => {
      output += chunk;
      if (!options.quiet) process.stdout.write(chunk);
    };
    child.stdout.on("data", tee);
    child.stderr.on("data", tee);
    child.on("error", (error) => resolve({ code: 127, output: String(error) }));
    child.on("exit", (code) => {
      if (options.quiet && code !== 0) process.stdout.write(output);
      resolve({ code: code ?? 1, output });
    });
  });
}

async function must(cmd: string, args: string[], options?: RunOptions): Promise<string> {
  const { code, output } = await run(cmd, args, options);
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${code}`);
  return output;
}

/** Wheel built in one virtualenv, installed with pytest into another, fresh one; then pytest. */
async function python(baseUrl: string): Promise<string> {
  const tools = path.join(work, "venv-build");
  const venv = path.join(work, "venv-test");
  await must(PYTHON, ["-m", "venv", tools]);
  const devRequirements = path.join(ROOT, "sdk/python/requirements-dev.txt");
  await must(path.join(tools, "bin/python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", devRequirements]);
  await must(path.join(tools, "bin/python"), ["-m", "build", "--wheel", "--outdir", path.join(work, "wheel"), path.join(ROOT, "sdk/python")], { quiet: true });
  // setuptools leaves its scratch in the source tree (git-ignored); keep the checkout clean
  for (const scratch of ["build", "disqo_commerce.egg-info"]) fs.rmSync(path.join(ROOT, "sdk/python", scratch), { recursive: true, force: true });
  const wheel = fs.readdirSync(path.join(work, "wheel")).find((f) => f.endsWith(".whl"));
  if (!wheel) throw new Error("python -m build wrote no wheel");
  await must(PYTHON, ["-m", "venv", venv]);
  await must(path.join(venv, "bin/python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", devRequirements, path.join(work, "wheel", wheel)]);
  // Run from the work dir so the sources in sdk/python cannot shadow the installed wheel.
  const output = await must(path.join(venv, "bin/python"), ["-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", path.join(ROOT, "sdk/python/tests")], {
    cwd: work,
    env: { DISQO_BASE_URL: baseUrl, DISQO_EXPECT_WHEEL: "1" },
  });
  // every test must run: a skip would mean the platform's URL did not reach the suite
  if (/\d+ skipped/.test(output)) throw new Error("pytest skipped tests");
  return `python: ${/(\d+ passed[^\n]*)/.exec(output)?.[1] ?? "?"} (wheel ${wheel})`;
}

async function go(baseUrl: string): Promise<string> {
  const env = { DISQO_BASE_URL: baseUrl, GOWORK: "off" };
  const counts: string[] = [];
  for (const dir of ["sdk/go", "sdk/go/integration"]) {
    const output = await must(GO, ["test", "-count=1", "-v", "./..."], { cwd: path.join(ROOT, dir), env });
    const passed = output.split("\n").filter((l) => l.startsWith("--- PASS")).length;
    const skipped = output.split("\n").filter((l) => l.startsWith("--- SKIP")).length;
    if (skipped > 0) throw new Error(`go test in ${dir}: ${skipped} tests skipped`);
    counts.push(`${dir} ${passed} passed`);
  }
  return `go: ${counts.join(", ")}`;
}

const started = Date.now();
const platform = await startPlatform({
  dataDir: path.join(work, "data"),
  ports,
  include: ["auth", "product", "cart", "order", "gateway"],
  output: logFile,
  env: { LOG_LEVEL: "warn", SEED_DEMO_DATA: "true", SEED_PRODUCT_COUNT: "300" },
});
const summary: string[] = [];
let failed = false;
try {
  for (const suite of [python, go]) {
    try {
      summary.push(await suite(platform.urls.gateway));
    } catch (error) {
      failed = true;
      summary.push(`${suite.name}: FAILED (${(error as Error).message})`);
    }
  }
} finally {
  await platform.stop();
}
process.stdout.write(`\n${summary.join("\n")}\nsdk-polyglot: ${Math.round((Date.now() - started) / 1000)} s\n`);
if (failed) {
  process.stdout.write(`sdk-polyglot: FAILED (platform log: ${logFile})\n`);
  process.exit(1);
}
fs.rmSync(work, { recursive: true, force: true });
