/**
 * Two builds of the gateway side by side in one run, in front of one product service: the
 * gateway's own CPU per proxied `GET /v1/products/{id}`, in interleaved rounds (A, B, A, B...),
 * each build's median round. For changes to the forwarder, whose effect is smaller than the
 * drift of the floor benchmark between runs.
 *
 *   make build; cp -r services/gateway/dist /tmp/gw-b        # the change
 *   git stash; (cd services/gateway && npx tsc -p tsconfig.json); cp -r services/gateway/dist /tmp/gw-a; git stash pop
 *   npx tsx scripts/bench/gateway/ab.ts /tmp/gw-a /tmp/gw-b [--rounds 4] [--seconds 5]
 *
 * Each build is copied into the gateway's folder for the run (`services/gateway/.ab-<n>`),
 * so that it resolves the same packages as the built one; the copies are removed after.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, startPlatform } from "../../platform.js";
import { load, say } from "../lib/measure.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const builds = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
if (builds.length < 2) throw new Error("usage: ab.ts <gateway dist A> <gateway dist B> [--rounds 4] [--seconds 5]");
const rounds = Number(arg("rounds", "4"));
const seconds = Number(arg("seconds", "5"));

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-gateway-ab-"));
const platform = await startPlatform({
  dataDir,
  ports: { auth: 39001, product: 39002, cart: 39003, order: 39004, gateway: 39080 },
  include: ["product"],
  built: true,
  output: path.join(dataDir, "platform.log"),
  env: { NODE_ENV: "production", SERVICE_SECRET: crypto.randomBytes(24).toString("hex"), VALIDATE_RESPONSES: "false", SEED_DEMO_DATA: "true", SEED_PRODUCT_COUNT: "1000" },
});

async function startGateway(dist: string, port: number) {
  const copy = path.join(ROOT, "services/gateway", `.ab-${port}`);
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(dist, copy, { recursive: true });
  copies.push(copy);
  const env = { ...process.env, NODE_ENV: "production", SERVICE_SECRET: crypto.randomBytes(24).toString("hex"), PRODUCT_URL: platform.urls.product!, PORT: String(port) };
  const child = spawn(process.execPath, [path.join(copy, "main.js")], { env, stdio: "ignore" });
  for (let i = 0; !(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)); i++) {
    if (child.exitCode !== null || i > 300) throw new Error(`${dist} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dist, port, child };
}

const copies: string[] = [];
const gateways = [];
for (const [i, dist] of builds.entries()) gateways.push(await startGateway(dist, 39100 + i));
const paths = Array.from({ length: 1000 }, (_, k) => `/v1/products/${1 + ((k * 7919) % 1000)}`);
const cpu = new Map<string, number[]>(builds.map((b) => [b, []]));
try {
  for (let round = 0; round <= rounds; round++) {
    for (const g of gateways) {
      // round 0 warms each up
      const r = await load({ url: `http://127.0.0.1:${g.port}`, paths, seconds, connections: 20, watch: { gateway: g.child.pid } });
      if (r.non2xx || r.errors) throw new Error(`${g.dist}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      if (round === 0) continue;
      say(`  ${g.dist}, round ${round}: ${r.perSecond.toFixed(0)} req/s, gateway CPU ${r.cpuUsPerRequest.gateway!.toFixed(0)} us/req`);
      cpu.get(g.dist)!.push(r.cpuUsPerRequest.gateway!);
    }
  }
  say("");
  say("| gateway build | CPU us per proxied request, median (rounds) |");
  say("|---|---:|");
  for (const [dist, xs] of cpu) say(`| ${dist} | ${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0)} (${xs.map((x) => x.toFixed(0)).join(", ")}) |`);
} finally {
  for (const g of gateways) g.child.kill("SIGTERM");
  await platform.stop();
  for (const copy of copies) fs.rmSync(copy, { recursive: true, force: true });
}
process.exit(0);
