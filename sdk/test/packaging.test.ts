/**
 * SLOW (~60 s): packaging as an integrator meets it. Builds the SDK, packs it the way it is
 * published (`npm run pack:release -w sdk`), installs the tarball into an empty project outside the
 * monorepo (offline: the SDK has no runtime dependencies), then runs an ESM script and a
 * CommonJS script that log in and search against a local stub API, and type-checks the README's
 * quick start with `tsc --noEmit` under `strict` and `exactOptionalPropertyTypes`, in `nodenext`
 * (ESM and CommonJS) and `bundler` resolution, with Node's types and no DOM lib, every
 * declaration checked (no `skipLibCheck`). SKIP_SDK_PACKAGING=1 skips it.
 * (`make sdk-publish-test` does the same through a registry, and runs the quick start.)
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const sdkDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(join(sdkDir, "package.json")).resolve("typescript/bin/tsc");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const TOKENS = { access_token: "pack-access", refresh_token: "pack-refresh", token_type: "Bearer", expires_in: 900 };
const USER = { id: 1, email: "shopper@example.com", first_name: "Ada", last_name: "Lovelace", role: "customer", is_active: true, created_at: "2026-01-01T12:00:00.000Z", updated_at: "2026-01-01T12:00:00.000Z" };
const product = (id: number) => ({ id, name: `Book ${id}`, description: "A book", sku: `B-${id}`, category: "books", price: { amount: 1999, currency: "USD" }, images: [], is_active: true, stock: 5, available: 5, created_at: "2026-01-01T12:00:00.000Z", updated_at: "2026-01-01T12:00:00.000Z" });

/** Just enough of the API for a log-in and a two-page search. */
function stubApi(): Server {
  return createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stub");
      const send = (status: number, payload: unknown, type = "application/json") => {
        res.writeHead(status, { "content-type": type, "x-request-id": "stub-req-1" });
        res.end(JSON.stringify(payload));
      };
      if (req.method === "POST" && url.pathname === "/v1/auth/login") {
        const creds = JSON.parse(body || "{}");
        if (creds.email === "shopper@example.com" && creds.password === "shopper-demo-pass") return send(200, { user: USER, tokens: TOKENS });
        return send(401, { type: "about:blank", title: "Unauthenticated", status: 401, code: "invalid_credentials", detail: "Wrong email or password." }, "application/problem+json");
      }
      if (req.method === "GET" && url.pathname === "/v1/products" && url.searchParams.get("q") === "book") {
        if (req.headers.authorization !== `Bearer ${TOKENS.access_token}`) return send(400, { error: "the token did not come along" });
        const second = url.searchParams.get("cursor") === "p2";
        return send(200, { data: second ? [product(3)] : [product(1), product(2)], next_cursor: second ? null : "p2", total_count: 3, total_count_is_lower_bound: false });
      }
      send(404, { type: "about:blank", title: "Not found", status: 404, code: "not_found", detail: "No such resource." }, "application/problem+json");
    });
  });
}

const ESM_SCRIPT = `
import { DisqoCommerce, ApiError, NotFoundError } from "@disqo-commerce/sdk";
import { ProductsApi } from "@disqo-commerce/sdk/generated/product";
const shop = new DisqoCommerce({ baseUrl: process.argv[2] });
const { user } = await shop.auth.login({ email: "shopper@example.com", password: "shopper-demo-pass" });
const names = [];
for await (const p of shop.products.list({ q: "book", limit: 2 })) names.push(p.name);
let notFound;
try { await shop.orders.get("00000000-0000-4000-8000-000000000000"); } catch (e) { notFound = { api: e instanceof ApiError, nf: e instanceof NotFoundError, status: e.status, code: e.code, requestId: e.requestId }; }
console.log(JSON.stringify({ format: "esm", email: user.email, names, notFound, generated: typeof ProductsApi }));
`;

const CJS_SCRIPT = `
const { DisqoCommerce, ApiError, NotFoundError } = require("@disqo-commerce/sdk");
const { ProductsApi } = require("@disqo-commerce/sdk/generated/product");
(async () => {
  const shop = new DisqoCommerce({ baseUrl: process.argv[2] });
  const { user } = await shop.auth.login({ email: "shopper@example.com", password: "shopper-demo-pass" });
  const names = [];
  for await (const p of shop.products.list({ q: "book", limit: 2 })) names.push(p.name);
  let notFound;
  try { await shop.orders.get("00000000-0000-4000-8000-000000000000"); } catch (e) { notFound = { api: e instanceof ApiError, nf: e instanceof NotFoundError, status: e.status, code: e.code, requestId: e.requestId }; }
  console.log(JSON.stringify({ format: "cjs", email: user.email, names, notFound, generated: typeof ProductsApi }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

// The README's quick start, verbatim (a test below checks the README still shows it), plus
// typed use of what the SDK adds: the resume pattern under exactOptionalPropertyTypes,
// withResponse(), typed problems, AbortError, the generated clients.
export const QUICK_START = `import { DisqoCommerce, NotFoundError } from "@disqo-commerce/sdk";

const shop = new DisqoCommerce({ baseUrl: process.env.DISQO_API_URL ?? "http://localhost:8080" });
await shop.auth.login({ email: "shopper@example.com", password: "shopper-demo-pass" });
let found = 0;
for await (const product of shop.products.list({ q: "book", limit: 20 })) found++; // every page
await shop.cart.addItem({ product_id: 1, quantity: 2 });
const quote = await shop.quotes.create({ promo_code: "WELCOME10" });
const { data, requestId } = await shop.checkout
  .create({ quote_id: quote.id, payment_method: { type: "card", token: "tok_visa" } })
  .withResponse();
console.log(found, data.order.id, data.order.status, requestId);
try {
  await shop.orders.get("00000000-0000-4000-8000-000000000000"); // order ids are UUID strings
} catch (e) {
  if (e instanceof NotFoundError) console.log(e.status, e.code, e.requestId);
}
`;

const TYPED_ESM = `${QUICK_START}
import { AbortError, ApiError, ErrorCode, PaymentRequiredError, type ClientOptions, type JwkSet, type Order, type PaymentProblem, type Price, type Product, type Reservation } from "@disqo-commerce/sdk";
import { Configuration, ProductsApi } from "@disqo-commerce/sdk/generated/product";
const order = data.order;
const page = await shop.products.list({ q: "book" });
const total: number = page.total_count;
const lowerBound: boolean = page.total_count_is_lower_bound;
const first: Product | undefined = page.data[0];
const paid: Order["status"] = order.status;
// The README's resume pattern: a kept cursor that may be absent.
const kept: string | null = page.next_cursor;
const cursor = kept ?? undefined;
await shop.products.list({ q: "book", cursor });
await shop.orders.list({ limit: 10, cursor });
const options: ClientOptions = { baseUrl: "x", timeoutMs: 1000, maxRetries: 0, accessToken: undefined, onTokens: (t) => void t.refresh_token };
const { response } = await shop.orders.get(order.id).withResponse();
const status: number = response.status;
const code: ErrorCode | undefined = new ApiError({ status: 404, headers: new Headers(), body: undefined }).code;
try { await shop.products.get(1, { signal: AbortSignal.timeout(1), timeoutMs: undefined }); } catch (e) {
  if (e instanceof PaymentRequiredError) { const p: PaymentProblem | undefined = e.problem; console.log(p?.decline_code); }
  if (e instanceof AbortError) console.log(e.cause);
}
const shapes: Array<Price | Reservation | JwkSet | undefined> = [];
new ProductsApi(new Configuration({ basePath: "http://localhost:8080" }));
// @ts-expect-error wire names are snake_case: productId is not a field
await shop.cart.addItem({ productId: 1, quantity: 2 });
// @ts-expect-error order ids are UUID strings, not numbers
await shop.orders.get(999999);
export { total, lowerBound, first, paid, options, code, status, shapes };
`;

const TYPED_CJS = `
import sdk = require("@disqo-commerce/sdk");
const shop = new sdk.DisqoCommerce({ baseUrl: "http://localhost:8080" });
async function main(): Promise<string[]> {
  await shop.auth.login({ email: "shopper@example.com", password: "shopper-demo-pass" });
  const names: string[] = [];
  for await (const p of shop.products.list({ q: "book" })) names.push(p.name);
  return names;
}
main().catch((e: unknown) => { if (e instanceof sdk.ApiError) console.log(e.status, e.code); });
`;

describe("sdk packaging (SLOW: builds, packs and installs the tarball)", function () {
  this.timeout(240_000);
  let work: string;
  let server: Server;
  let baseUrl: string;

  before(async function () {
    if (process.env.SKIP_SDK_PACKAGING === "1") {
      console.log("    sdk packaging: skipped (SKIP_SDK_PACKAGING=1)");
      this.skip();
    }
    work = mkdtempSync(join(tmpdir(), "disqo-sdk-consumer-"));
    const packed = await run(process.execPath, [join(sdkDir, "scripts/pack.mjs"), work], { cwd: sdkDir, maxBuffer: 16 * 1024 * 1024 });
    const tarball = packed.stdout.trim().split("\n").pop()!;
    const app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "sdk-consumer", version: "1.0.0", private: true }, null, 2));
    await run(npm, ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], { cwd: app });
    server = stubApi();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("when installed, then the package holds dist only, with no development condition and no runtime dependencies", () => {
    const pkg = JSON.parse(readFileSync(join(work, "app/node_modules/@disqo-commerce/sdk/package.json"), "utf8"));
    expect(JSON.stringify(pkg.exports)).not.to.contain("development");
    expect(JSON.stringify(pkg.exports)).not.to.contain("./src");
    expect(pkg.dependencies ?? {}).to.deep.equal({});
    expect(pkg.scripts).to.equal(undefined);
    const cjsType = JSON.parse(readFileSync(join(work, "app/node_modules/@disqo-commerce/sdk/dist/cjs/package.json"), "utf8"));
    expect(cjsType).to.deep.equal({ type: "commonjs" });
  });

  for (const [format, file, source] of [
    ["ESM", "login-and-search.mjs", ESM_SCRIPT],
    ["CommonJS", "login-and-search.cjs", CJS_SCRIPT],
  ] as const) {
    it(`when a ${format} script imports the package, then it logs in, searches every page and gets typed errors`, async () => {
      writeFileSync(join(work, "app", file), source);
      const { stdout } = await run(process.execPath, [file, baseUrl], { cwd: join(work, "app") });
      const out = JSON.parse(stdout.trim());
      expect(out.email).to.equal("shopper@example.com");
      expect(out.names).to.deep.equal(["Book 1", "Book 2", "Book 3"]);
      expect(out.notFound).to.deep.equal({ api: true, nf: true, status: 404, code: "not_found", requestId: "stub-req-1" });
      expect(out.generated).to.equal("function");
    });
  }

  it("when the README is read, then its quick start is the one this test installs, type-checks and runs", () => {
    expect(readFileSync(join(sdkDir, "README.md"), "utf8")).to.contain("```ts\n" + QUICK_START + "```");
  });

  // An integrator's strictest usual settings: strict, exactOptionalPropertyTypes, Node's types and
  // no DOM lib, every declaration file checked (no skipLibCheck).
  const STRICT = { target: "ES2022", strict: true, exactOptionalPropertyTypes: true, noEmit: true, lib: ["ES2022"], types: ["node"], skipLibCheck: false };
  for (const [resolution, module, files] of [
    ["nodenext", "NodeNext", { "quick-start.mts": TYPED_ESM, "require-style.cts": TYPED_CJS }],
    ["bundler", "ESNext", { "quick-start.ts": TYPED_ESM }],
  ] as const) {
    it(`when the quick start is type-checked with ${resolution} resolution, strict and exact optional types, without the DOM lib or skipLibCheck, then there are no errors`, async () => {
      const dir = join(work, "app", `tsc-${resolution}`);
      mkdirSync(dir, { recursive: true });
      for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
      // Node's types from the monorepo: the consumer project is installed offline, with the SDK only.
      const typeRoots = [join(sdkDir, "../node_modules/@types")];
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...STRICT, module, moduleResolution: resolution, typeRoots }, files: Object.keys(files) }));
      const result = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir }).catch((e: { stdout: string }) => e);
      expect(result.stdout, result.stdout).to.equal("");
    });
  }

  it("when built, then every module has a source map with its sources inlined", () => {
    const dist = join(work, "app/node_modules/@disqo-commerce/sdk/dist");
    for (const format of ["esm", "cjs"]) {
      const js = readFileSync(join(dist, format, "client.js"), "utf8");
      expect(js).to.match(/\/\/# sourceMappingURL=client\.js\.map\s*$/);
      const map = JSON.parse(readFileSync(join(dist, format, "client.js.map"), "utf8")) as { sources: string[]; sourcesContent?: string[] };
      expect(map.sources[0]).to.match(/client\.ts$/);
      expect(map.sourcesContent?.[0]).to.contain("export class DisqoCommerce");
    }
  });
});
