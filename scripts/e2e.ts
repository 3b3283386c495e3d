/**
 * `make e2e`: starts the whole platform (services, gateway, web) on a fresh data dir and
 * runs the browser journeys in web/test/e2e against it, in Debian's Chromium.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, startPlatform } from "./platform.js";

if (!fs.existsSync("/usr/bin/chromium")) {
  process.stdout.write("e2e: SKIPPED - /usr/bin/chromium is not installed\n");
  process.exit(0);
}
const specs = fs.existsSync(path.join(ROOT, "web/test/e2e")) ? fs.readdirSync(path.join(ROOT, "web/test/e2e")).filter((f) => f.endsWith(".e2e.ts")) : [];
if (specs.length === 0 || !fs.existsSync(path.join(ROOT, "web/src/main.ts"))) {
  process.stdout.write("e2e: SKIPPED - no web app or browser journeys yet\n");
  process.exit(0);
}
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-e2e-"));
const logFile = path.join(dataDir, "platform.log");
const platform = await startPlatform({
  dataDir,
  // PORT_OFFSET lets several runs share one machine
  ports: Object.fromEntries(Object.entries({ auth: 19001, product: 19002, cart: 19003, order: 19004, analytics: 19005, gateway: 19080, web: 19000 }).map(([k, p]) => [k, p + Number(process.env.PORT_OFFSET ?? 0)])),
  output: logFile,
  // Every test user registers from loopback: lift the per-client registration limit.
  env: { LOG_LEVEL: "warn", REGISTER_MAX_PER_CLIENT: "100000" },
});
const code = await new Promise<number>((resolve) => {
  const child = spawn("npx", ["--no-install", "mocha", "--no-config", "--node-option=import=tsx", "--node-option=conditions=development", "--timeout=120000", ...specs.map((s) => `web/test/e2e/${s}`)], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, WEB_URL: platform.urls.web, API_BASE_URL: platform.urls.gateway, ...Object.fromEntries(Object.entries(platform.urls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v])) },
  });
  child.on("exit", (c) => resolve(c ?? 1));
});
await platform.stop();
if (code !== 0) {
  process.stdout.write(`e2e: FAILED (platform log: ${logFile})\n`);
  process.exit(code);
}
fs.rmSync(dataDir, { recursive: true, force: true });
