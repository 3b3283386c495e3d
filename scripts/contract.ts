/**
 * `make contract`: starts the platform on a fresh data dir (ports 18001-18005, plus PORT_OFFSET) and runs
 * dredd for every service against its own bundled spec with its hooks. CONTRACT_SERVICES narrows
 * the run; SEARCH_BACKEND=opensearch + OPENSEARCH_URL run the product service on OpenSearch.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, startPlatform } from "./platform.js";

// CONTRACT_SERVICES=product,cart runs only those contracts (auth and the gateway always start)
const only = process.env.CONTRACT_SERVICES?.split(",").map((s) => s.trim());
const SERVICES = ["auth", "product", "cart", "order", "analytics"].filter(
  (s) => fs.existsSync(path.join(ROOT, "openapi/dist", `${s}.json`)) && fs.existsSync(path.join(ROOT, `services/${s}/src/main.ts`)) && (!only || only.includes(s)),
);
// PORT_OFFSET lets several runs (parallel CI stages, parallel worktrees) share one machine.
const offset = Number(process.env.PORT_OFFSET ?? 0);
const ports = { auth: 18001 + offset, product: 18002 + offset, cart: 18003 + offset, order: 18004 + offset, analytics: 18005 + offset, gateway: 18080 + offset };
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-contract-"));
const logFile = path.join(dataDir, "platform.log");
// SEARCH_BACKEND=opensearch and OPENSEARCH_URL reach the product service from this environment
// (`make contract-opensearch`); its indices get a prefix of this run's own and are removed afterwards.
const opensearch = process.env.SEARCH_BACKEND === "opensearch" ? { url: process.env.OPENSEARCH_URL ?? "", prefix: `contract_${offset}_${process.pid}_` } : undefined;

type Param = { $ref?: string; name: string; in: string; required?: boolean; example?: unknown; schema?: { type?: string; format?: string } };

/**
 * The bundled spec as dredd needs it: dredd builds each URL from the path parameters' examples,
 * and the ids only a checkout or a cart creates have none in the spec (Swagger UI must not
 * pre-fill an id that answers 404). They get a placeholder of their type here; every hook that
 * reaches such a path sets a real id.
 */
function dreddSpec(service: string): string {
  const spec = JSON.parse(fs.readFileSync(path.join(ROOT, "openapi/dist", `${service}.json`), "utf8")) as {
    paths: Record<string, Record<string, { parameters?: Param[] } | Param[]>>;
    components?: { parameters?: Record<string, Param> };
  };
  const placeholder = (p: Param) => (p.schema?.type === "integer" ? 1 : p.schema?.format === "uuid" ? "00000000-0000-4000-8000-000000000000" : "placeholder");
  const fill = (p: Param) => {
    const param = p.$ref ? spec.components?.parameters?.[p.$ref.split("/").pop()!] : p;
    if (param && param.in === "path" && param.example === undefined) param.example = placeholder(param);
  };
  for (const item of Object.values(spec.paths)) {
    for (const [key, value] of Object.entries(item)) {
      if (key === "parameters") (value as Param[]).forEach(fill);
      else ((value as { parameters?: Param[] }).parameters ?? []).forEach(fill);
    }
  }
  const file = path.join(dataDir, `${service}.dredd.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  return file;
}

function runDredd(service: string, url: string, env: Record<string, string>): Promise<{ output: string; code: number }> {
  const hooks = path.join("scripts/contract/hooks", `${service}.cjs`);
  const args = ["dredd", dreddSpec(service), url, "--loglevel=warning", "--reporter=dot", "--color=false"];
  if (fs.existsSync(path.join(ROOT, hooks))) args.push(`--hookfiles=${hooks}`);
  return new Promise((resolve) => {
    const child = spawn("npx", ["--no-install", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ output, code: code ?? 1 }));
  });
}

const platform = await startPlatform({
  dataDir,
  ports,
  include: [...new Set(["auth", ...SERVICES, "gateway"])],
  output: logFile,
  // Every test user registers from loopback: the per-client registration limit is raised well
  // above what the hooks register, and the auth hooks' 429 uses up a client address of its own.
  env: { LOG_LEVEL: "warn", NODE_ENV: "development", REGISTER_MAX_PER_CLIENT: "500", ...(opensearch ? { OPENSEARCH_INDEX_PREFIX: opensearch.prefix } : {}) },
});
let failed = false;
const summary: string[] = [];
try {
  const env = {
    AUTH_URL: platform.urls.auth,
    PRODUCT_URL: platform.urls.product ?? "",
    CART_URL: platform.urls.cart ?? "",
    ORDER_URL: platform.urls.order ?? "",
    ANALYTICS_URL: platform.urls.analytics ?? "",
    GATEWAY_URL: platform.urls.gateway,
  };
  for (const service of SERVICES) {
    const { output, code } = await runDredd(service, platform.urls[service], env);
    const complete = /complete: (.*)/.exec(output)?.[1] ?? "no summary";
    const passing = Number(/(\d+) passing/.exec(complete)?.[1] ?? 0);
    const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(complete)?.[1] ?? 0);
    // skipped transactions count against the total: every documented status must be exercised
    const total = passing + count("failing") + count("errors") + count("skipped");
    summary.push(`contract ${service}: ${passing}/${total} transactions passing (${complete.trim()})`);
    if (code !== 0 || passing !== total || total === 0) {
      failed = true;
      process.stdout.write(output.split("\n").filter((l) => /fail|error|Error|expected|actual/i.test(l)).slice(0, 80).join("\n") + "\n");
    }
  }
} finally {
  await platform.stop();
  if (opensearch) await fetch(`${opensearch.url}/${opensearch.prefix}*`, { method: "DELETE" }).catch(() => undefined);
}
process.stdout.write(summary.join("\n") + "\n");
if (failed) {
  process.stdout.write(`contract: FAILED (platform log: ${logFile})\n`);
  process.exit(1);
}
fs.rmSync(dataDir, { recursive: true, force: true });
process.stdout.write("contract: all services match their contracts\n");
