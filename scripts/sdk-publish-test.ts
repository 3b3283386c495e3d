/**
 * `make sdk-publish-test`: proves the SDK's release the way an integrator meets it.
 *
 *  1. Installs Verdaccio (a real npm registry server, pinned) into .tools/verdaccio, once.
 *  2. Starts it on a local port with no uplinks (nothing is proxied: no internet needed) and
 *     creates a user through the registry's own user API (what `npm adduser` calls): a token.
 *  3. Publishes the release build with `npm run release -w sdk` (plain `npm publish`), checks
 *     the registry's metadata (version, gitHead, integrity), and that the same version cannot
 *     be published twice.
 *  4. In an empty project whose .npmrc maps the @disqo-commerce scope to that registry,
 *     `npm install @disqo-commerce/sdk` by name.
 *  5. Starts the platform (fresh data dir, demo seed) and runs the README's quick start,
 *     extracted from sdk/README.md, against it.
 *
 * Ports: SDK_PUBLISH_PORT_BASE (default 21000) + PORT_OFFSET; the registry is on base+873,
 * the services on base+1..4 and the gateway on base+80.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT, startPlatform, type Platform } from "./platform.js";

// The newest line that still runs on Node 20 (6.9 and later need Node 22).
const VERDACCIO_VERSION = "6.8.0";
const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const base = Number(process.env.SDK_PUBLISH_PORT_BASE ?? 21000) + Number(process.env.PORT_OFFSET ?? 0);
const registryPort = base + 873;
const registry = `http://127.0.0.1:${registryPort}/`;
const started = Date.now();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-sdk-publish-"));
let verdaccio: ChildProcess | undefined;
let platform: Platform | undefined;

function step(message: string): void {
  process.stdout.write(`sdk-publish-test [${((Date.now() - started) / 1000).toFixed(1)} s] ${message}\n`);
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`sdk-publish-test: ${message}`);
}

/** Verdaccio is ~65 MB of dependencies: kept out of the monorepo's install, fetched here once. */
async function installVerdaccio(): Promise<string> {
  const prefix = path.join(ROOT, ".tools/verdaccio");
  const bin = path.join(prefix, "node_modules/verdaccio/bin/verdaccio");
  const installed = path.join(prefix, "node_modules/verdaccio/package.json");
  if (fs.existsSync(installed) && JSON.parse(fs.readFileSync(installed, "utf8")).version === VERDACCIO_VERSION) return bin;
  step(`installing verdaccio@${VERDACCIO_VERSION} into .tools/verdaccio`);
  fs.mkdirSync(prefix, { recursive: true });
  await run(npm, ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", `verdaccio@${VERDACCIO_VERSION}`], { cwd: prefix });
  return bin;
}

/** A registry that keeps what is published to it and proxies nothing. */
function writeRegistryConfig(): string {
  const dir = path.join(work, "registry");
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, "config.yaml");
  fs.writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(path.join(dir, "storage"))}`,
      "auth:",
      "  htpasswd:",
      `    file: ${JSON.stringify(path.join(dir, "htpasswd"))}`,
      "    max_users: 1",
      "uplinks: {}",
      "packages:",
      "  '@disqo-commerce/*':",
      "    access: $all",
      "    publish: $authenticated",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "web:",
      "  enable: false",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  return config;
}

async function startRegistry(bin: string): Promise<void> {
  const config = writeRegistryConfig();
  const log = fs.openSync(path.join(work, "registry.log"), "a");
  verdaccio = spawn(process.execPath, [bin, "--config", config, "--listen", `127.0.0.1:${registryPort}`], { stdio: ["ignore", log, log] });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    check(verdaccio.exitCode === null, `verdaccio exited (${verdaccio.exitCode}); see ${path.join(work, "registry.log")}`);
    const up = await fetch(`${registry}-/ping`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (up) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`sdk-publish-test: verdaccio did not answer on ${registry} within 60 s`);
}

/** Creates the publishing user the way `npm adduser` does, and returns its token. */
async function addUser(): Promise<string> {
  const name = "sdk-release";
  const response = await fetch(`${registry}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password: `pw-${process.pid}-${Date.now()}`, type: "user", roles: [], date: new Date().toISOString() }),
  });
  const body = (await response.json()) as { token?: string };
  check(response.status === 201 && body.token, `adduser answered ${response.status}: ${JSON.stringify(body)}`);
  return body.token;
}

/** An .npmrc of its own (never the user's): the registry's token, and the scope mapped to it. */
function npmrc(dir: string, token?: string): string {
  const file = path.join(dir, ".npmrc");
  const host = registry.replace(/^http:/, "");
  const lines = [`@disqo-commerce:registry=${registry}`, ...(token ? [`${host}:_authToken=${token}`] : [])];
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

async function publish(token: string): Promise<void> {
  const userconfig = npmrc(fs.mkdtempSync(path.join(work, "publisher-")), token);
  const env = { ...process.env, npm_config_userconfig: userconfig, SDK_RELEASE_ALLOW_DIRTY: process.env.SDK_RELEASE_ALLOW_DIRTY ?? "1" };
  const args = [path.join(ROOT, "sdk/scripts/publish.mjs"), "--registry", registry];
  await run(process.execPath, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  // The same version again (same build): a registry never lets a published version change.
  const again = await run(process.execPath, args, { cwd: ROOT, env: { ...env, SDK_PACK_SKIP_BUILD: "1" }, maxBuffer: 16 * 1024 * 1024 }).then(
    () => undefined,
    (e: { stderr: string }) => e.stderr,
  );
  check(again !== undefined && /EPUBLISHCONFLICT|cannot publish over|403|409/i.test(again), `republishing the same version was not refused: ${again}`);
}

async function checkMetadata(version: string): Promise<{ gitHead: string; integrity: string }> {
  const response = await fetch(`${registry}@disqo-commerce%2fsdk`);
  check(response.ok, `the registry has no @disqo-commerce/sdk (${response.status})`);
  const doc = (await response.json()) as { "dist-tags": Record<string, string>; versions: Record<string, { gitHead?: string; dist: { integrity: string; tarball: string } }> };
  check(doc["dist-tags"].latest === version, `latest is ${doc["dist-tags"].latest}, not ${version}`);
  const meta = doc.versions[version];
  const head = (await run("git", ["rev-parse", "HEAD"], { cwd: ROOT })).stdout.trim();
  check(meta.gitHead === head, `gitHead ${meta.gitHead} is not HEAD ${head}`);
  const tarball = Buffer.from(await (await fetch(meta.dist.tarball)).arrayBuffer());
  const integrity = `sha512-${createHash("sha512").update(tarball).digest("base64")}`;
  check(integrity === meta.dist.integrity, "the tarball does not match the integrity the registry announces");
  return { gitHead: meta.gitHead, integrity };
}

async function installByName(): Promise<string> {
  const app = path.join(work, "app");
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "sdk-integrator", version: "1.0.0", private: true, type: "module" }, null, 2));
  const userconfig = npmrc(app);
  await run(npm, ["install", "--no-audit", "--no-fund", "@disqo-commerce/sdk"], { cwd: app, env: { ...process.env, npm_config_userconfig: userconfig } });
  return app;
}

/** The first ```ts block under "## Quick start" in sdk/README.md: what integrators copy. */
function readmeQuickStart(): string {
  const readme = fs.readFileSync(path.join(ROOT, "sdk/README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  check(match, "sdk/README.md has no ```ts block under ## Quick start");
  return match[1];
}

async function main(): Promise<void> {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, "sdk/package.json"), "utf8")).version as string;
  const bin = await installVerdaccio();
  step(`starting verdaccio ${VERDACCIO_VERSION} on ${registry} (no uplinks)`);
  await startRegistry(bin);
  const token = await addUser();
  step("user created; publishing the release build");
  await publish(token);
  const { gitHead, integrity } = await checkMetadata(version);
  step(`published @disqo-commerce/sdk@${version} (gitHead ${gitHead.slice(0, 12)}); republishing it was refused`);

  const app = await installByName();
  const installed = JSON.parse(fs.readFileSync(path.join(app, "node_modules/@disqo-commerce/sdk/package.json"), "utf8"));
  const info = JSON.parse(fs.readFileSync(path.join(app, "node_modules/@disqo-commerce/sdk/BUILD-INFO.json"), "utf8"));
  check(installed.version === version && info.gitHead === gitHead, "the installed package is not the published one");
  const lock = JSON.parse(fs.readFileSync(path.join(app, "package-lock.json"), "utf8"));
  check(lock.packages["node_modules/@disqo-commerce/sdk"]?.integrity === integrity, "the lockfile's integrity is not the published tarball's");
  step(`installed @disqo-commerce/sdk@${version} by name into an empty project`);

  const dataDir = path.join(work, "data");
  platform = await startPlatform({
    dataDir,
    ports: { auth: base + 1, product: base + 2, cart: base + 3, order: base + 4, gateway: base + 80 },
    include: ["auth", "product", "cart", "order", "gateway"],
    output: path.join(work, "platform.log"),
    env: { LOG_LEVEL: "warn", SEED_PRODUCT_COUNT: "300" },
  });
  step(`platform up, gateway ${platform.urls.gateway}; running the README quick start`);
  fs.writeFileSync(path.join(app, "quick-start.mjs"), readmeQuickStart());
  const { stdout } = await run(process.execPath, ["quick-start.mjs"], { cwd: app, env: { ...process.env, DISQO_API_URL: platform.urls.gateway } });
  const [paidLine, notFoundLine] = stdout.trim().split("\n");
  const [found, orderId, status, requestId] = paidLine.split(" ");
  check(Number(found) > 0, `the search found nothing: ${paidLine}`);
  check(/^[0-9a-f-]{36}$/.test(orderId) && status === "paid" && requestId && requestId !== "undefined", `checkout did not pay: ${paidLine}`);
  check(/^404 not_found \S+$/.test(notFoundLine ?? ""), `the unknown order was not a typed 404: ${notFoundLine}`);
  step(`quick start: ${found} products found, order ${orderId} ${status} (request ${requestId}); unknown order -> ${notFoundLine}`);
}

try {
  await main();
  step("PASSED");
} catch (error) {
  process.stdout.write(`${error instanceof Error ? error.message : String(error)}\nlogs: ${work}\n`);
  process.exitCode = 1;
} finally {
  await platform?.stop();
  verdaccio?.kill("SIGTERM");
  if (process.exitCode !== 1) fs.rmSync(work, { recursive: true, force: true });
}
