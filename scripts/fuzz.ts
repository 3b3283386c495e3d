/**
 * `make fuzz`: property-based tests of every service against its own contract. Starts the
 * platform on a fresh data dir (ports 17001-17005, plus PORT_OFFSET) and runs Schemathesis
 * (`st run openapi/dist/<svc>.json --checks all`, installed by `make fuzz` into .venv-fuzz
 * from scripts/fuzz/requirements.txt) against each service.
 *
 * Every operation gets the caller its security requirement asks for, so the fuzzer reaches
 * the handlers and not only the 401s (its `ignored_auth` check still sends each request
 * without credentials): the demo admin for admin-only operations, a fresh shopper for the
 * other user operations, and for service-only operations a service token signed with the
 * development SERVICE_SECRET, the way the services sign them for each other.
 *
 * Bounded: FUZZ_MAX_EXAMPLES cases per operation and phase (default 25), FUZZ_SEED for a
 * reproducible run (default: a fixed seed, so CI is deterministic; any integer explores more).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEV_SERVICE_SECRET } from "../services/kit/src/config.js";
import { signServiceToken } from "../services/kit/src/tokens.js";
import { ROOT, startPlatform } from "./platform.js";

const SERVICES = ["auth", "product", "cart", "order", "analytics"] as const;
type Service = (typeof SERVICES)[number];
type Operation = { operationId?: string; security?: Record<string, string[]>[]; "x-required-role"?: string };
type Spec = { security?: Record<string, string[]>[]; paths: Record<string, Record<string, Operation>> };

// the venv `make fuzz` installs (FUZZ_VENV, default .venv-fuzz)
const ST = path.resolve(ROOT, process.env.FUZZ_VENV ?? ".venv-fuzz", "bin/st");
const offset = Number(process.env.PORT_OFFSET ?? 0);
const ports = { auth: 17001 + offset, product: 17002 + offset, cart: 17003 + offset, order: 17004 + offset, analytics: 17005 + offset };
const maxExamples = Number(process.env.FUZZ_MAX_EXAMPLES ?? 25);
const seed = process.env.FUZZ_SEED ?? "20261203";
const only = process.env.FUZZ_SERVICES ? process.env.FUZZ_SERVICES.split(",") : [...SERVICES];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-fuzz-"));
const logFile = path.join(dataDir, "platform.log");

if (!fs.existsSync(ST)) {
  process.stderr.write(`fuzz: ${ST} is missing; run \`make fuzz\` (it installs scripts/fuzz/requirements.txt into .venv-fuzz)\n`);
  process.exit(1);
}

async function post(url: string, body: unknown): Promise<{ tokens: { access_token: string } }> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json() as never;
}

type Caller = "admin" | "shopper" | "service";

/** The caller each operation's security requirement asks for (undefined: a public operation). */
function callerFor(spec: Spec, op: Operation): Caller | undefined {
  const schemes = new Set((op.security ?? spec.security ?? []).flatMap((r) => Object.keys(r)));
  if (op["x-required-role"] === "admin") return "admin";
  if (schemes.has("bearerAuth")) return "shopper";
  if (schemes.has("serviceAuth")) return "service";
  return undefined;
}

/** operationId -> caller, for scripts/fuzz/hooks.py (FUZZ_CALLERS). */
function callersOf(spec: Spec): Record<string, Caller> {
  const callers: Record<string, Caller> = {};
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      const caller = op.operationId ? callerFor(spec, op) : undefined;
      if (caller) callers[op.operationId!] = caller;
    }
  }
  return callers;
}

/** What the positive-data check accepts by default for a valid request (Schemathesis' own list). */
const ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"];

/**
 * The only exceptions, each a rule the contract states in words because OpenAPI 3.0 schemas
 * cannot: for these operations a schema-valid request may also get the listed status.
 * (Values the fuzzer cannot invent, such as cursors and Idempotency-Keys, are handled in
 * scripts/fuzz/hooks.py instead; a 5xx is never accepted: `not_a_server_error` still runs.)
 */
const ALSO_ACCEPTED: Record<string, { statuses: string[]; why: string }> = {
  legacyLogin: { statuses: ["400"], why: "the original write-up's contract answers wrong credentials with 400 {error}, not 401" },
  createPromoCode: { statuses: ["422"], why: "exactly one of percent_off/amount_off, matching `kind`, and amounts in USD: cross-field rules" },
  // rules on the caller's current cart, documented with their own codes: a valid request may meet them
  addCartItem: { statuses: ["422"], why: "a cart line holds at most 99 units in total (the line may already hold some)" },
  createQuote: { statuses: ["422"], why: "an empty cart gets 422 cart_empty; an unknown or expired promo code 422 invalid_promo_code" },
  // product images: what the bytes are is known only once they are decoded
  uploadProductImage: {
    statuses: ["400", "413", "415", "422"],
    why: "the file part must decode as a PNG, JPEG or WebP (415) at least 160 px wide and not truncated (422), at most 5 MB (413); busboy refuses some part headers the schema cannot describe (400)",
  },
  deleteProductImage: { statuses: ["422"], why: "the stateful phase's inferred links put a product id in `image_id`, which its pattern refuses" },
  // analytics: rules across fields and on the clock
  trackEvents: { statuses: ["422"], why: "a visitor id in the header or the body; occurred_at at most 5 minutes ahead; each type's own properties" },
  ingestEvents: { statuses: ["422"], why: "each event type needs its own properties (e.g. a search its term and result_count)" },
  getFunnel: { statuses: ["422"], why: "`from` on or before `to`, and a window of at most the documented number of days" },
  getKpiSummary: { statuses: ["422"], why: "`from` on or before `to`, and a window of at most the documented number of days" },
};

/** Checks that do not apply to a whole spec. */
const EXCLUDED_CHECKS: Partial<Record<Service, { checks: string[]; why: string }>> = {
  // Visibility depends on the caller, by contract: DELETE /v1/products/{id} deactivates (a
  // soft delete: admins still see the product), and an inactive product (created so, or
  // deactivated) is 404 for the anonymous reads. A reservation has no GET.
  product: { checks: ["use_after_free", "ensure_resource_availability"], why: "soft delete; inactive products are invisible to anonymous callers" },
};

/** A schemathesis.toml with the documented exceptions (the callers are set by scripts/fuzz/hooks.py). */
function configFor(spec: Spec, cacheDir: string): string {
  // a cache per run: Schemathesis replays cached failures first, which would make runs depend on earlier ones
  const lines = ["# generated by scripts/fuzz.ts for one run", `cache.directory = ${JSON.stringify(cacheDir)}`, ""];
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      const also = op.operationId ? ALSO_ACCEPTED[op.operationId] : undefined;
      if (!also) continue;
      lines.push("[[operations]]", `include-operation-id = "${op.operationId}"`);
      if (also) lines.push(`# ${also.why}`, `checks.positive_data_acceptance.expected-statuses = ${JSON.stringify([...ACCEPTED.filter((s) => s !== "5xx"), ...also.statuses])}`);
      lines.push("");
    }
  }
  return lines.join("\n");
}

function runSchemathesis(service: Service, url: string, configFile: string, env: Record<string, string>): Promise<{ code: number; output: string; seconds: number }> {
  const args = [
    "--config-file", configFile,
    "run", `openapi/dist/${service}.json`,
    "--url", url,
    "--checks", "all",
    ...(EXCLUDED_CHECKS[service] ? ["--exclude-checks", EXCLUDED_CHECKS[service]!.checks.join(",")] : []),
    "--max-examples", String(maxExamples),
    "--seed", seed,
    // one worker: Python 3.11's AST compiler is not thread-safe under Schemathesis' coverage phase
    "--workers", "1",
    "--request-timeout", "20",
    "--no-color",
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(ST, args, { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: "1", SCHEMATHESIS_HOOKS: path.join(ROOT, "scripts/fuzz/hooks.py") } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 }));
  });
}

const platform = await startPlatform({ dataDir, ports, include: [...SERVICES], output: logFile, env: { LOG_LEVEL: "warn", NODE_ENV: "development" } });
let failed = false;
const summary: string[] = [];
try {
  const admin = await post(`${platform.urls.auth}/v1/auth/login`, { email: "admin@example.com", password: "admin-demo-pass" });
  const tag = Date.now().toString(36);
  const shopper = await post(`${platform.urls.auth}/v1/auth/register`, { email: `fuzz-${tag}@example.com`, password: `fuzz-${tag}-password`, first_name: "Fuzz", last_name: "Shopper" });
  const tokens = { admin: admin.tokens.access_token, shopper: shopper.tokens.access_token, service: signServiceToken("order", process.env.SERVICE_SECRET ?? DEV_SERVICE_SECRET, 3600) };
  for (const service of SERVICES.filter((s) => only.includes(s))) {
    const spec = JSON.parse(fs.readFileSync(path.join(ROOT, "openapi/dist", `${service}.json`), "utf8")) as Spec;
    const configFile = path.join(dataDir, `${service}.toml`);
    fs.writeFileSync(configFile, configFor(spec, path.join(dataDir, "schemathesis-cache")));
    const env = { FUZZ_CALLERS: JSON.stringify(callersOf(spec)), FUZZ_TOKEN_ADMIN: tokens.admin, FUZZ_TOKEN_SHOPPER: tokens.shopper, FUZZ_TOKEN_SERVICE: tokens.service };
    const { code, output, seconds } = await runSchemathesis(service, platform.urls[service], configFile, env);
    fs.writeFileSync(path.join(dataDir, `${service}.out`), output);
    // "Test cases:" is followed by e.g. "898 generated, 898 passed, 8 skipped"
    const lines = output.split("\n");
    const line = lines[lines.findIndex((l) => l.trim() === "Test cases:") + 1]?.trim() || "no summary";
    summary.push(`fuzz ${service}: ${code === 0 ? "ok" : "FAILED"} in ${seconds.toFixed(0)} s (${line})`);
    if (code !== 0) {
      failed = true;
      process.stdout.write(output.split("\n").slice(-400).join("\n") + "\n");
    }
  }
} finally {
  await platform.stop();
}
process.stdout.write(summary.join("\n") + "\n");
if (failed) {
  process.stdout.write(`fuzz: FAILED (platform log and fuzzer output: ${dataDir})\n`);
  process.exit(1);
}
fs.rmSync(dataDir, { recursive: true, force: true });
process.stdout.write("fuzz: every service holds its contract under generated requests\n");
