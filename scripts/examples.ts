/**
 * `make examples`: the specs' example requests, sent as Swagger UI's "Try it out" sends them,
 * to a fresh platform with its demo data (ports 16001-16005 and 16080, plus PORT_OFFSET).
 *
 * For every operation: its path and query parameters' examples, its body's example, and the
 * caller its security asks for (the demo admin for admin operations, the demo shopper for the
 * others, a service credential for service-only ones). The answer must be the operation's
 * documented success status. Operations run in spec order per service, so e.g. the cart's
 * example item exists when the quote example is tried.
 *
 * Some examples cannot succeed on any platform (an opaque refresh token, an order id, a
 * reservation): those are listed in UNREPEATABLE with the reason, and reported, not sent.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEV_SERVICE_SECRET } from "../services/kit/src/config.js";
import { signServiceToken } from "../services/kit/src/tokens.js";
import { ROOT, startPlatform } from "./platform.js";

type Schema = { $ref?: string; example?: unknown };
type Parameter = { $ref?: string; name: string; in: string; required?: boolean; example?: unknown; schema?: Schema };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  "x-required-role"?: string;
  requestBody?: { content: Record<string, { example?: unknown; schema?: Schema }> };
  responses: Record<string, unknown>;
};
type Spec = { security?: Record<string, string[]>[]; paths: Record<string, Record<string, Operation>>; components: { parameters?: Record<string, Parameter>; schemas?: Record<string, Schema> } };

/** operationId -> why its example request cannot succeed as written. */
const UNREPEATABLE: Record<string, string> = {
  refreshTokens: "a refresh token is opaque and single-use: no example can be a live one",
  changePassword: "would change the demo shopper's password for everyone after it",
  updateUser: "would deactivate the demo shopper",
  legacyLogin: "the write-up's legacy form endpoint is documented with its own form example",
  legacySearch: "the write-up's legacy form endpoint is documented with its own form example",
  deactivateProduct: "would take demo product 1 off sale, which the cart examples then add",
  uploadProductImage: "a multipart upload: Try it out asks for the image file",
  deleteProductImage: "would remove an image of the demo catalog for everyone after it",
  putReservation: "a reservation belongs to a quote the cart service creates; service-only",
  releaseReservation: "a reservation belongs to a quote the cart service creates; service-only",
  commitReservation: "a reservation belongs to a quote the cart service creates; service-only",
  updateCartItem: "no example id: a cart item exists only once the add-item call made it",
  removeCartItem: "no example id: a cart item exists only once the add-item call made it",
  getQuote: "no example id: a quote is the caller's own, made by the create-quote call",
  acceptQuote: "service-only: the order service accepts a quote it has charged",
  createCheckout: "a quote id is created by the create-quote call; the example's is illustrative",
  getOrder: "no example id: an order is the caller's own, made by a checkout",
  cancelOrder: "no example id: an order is the caller's own, made by a checkout",
  createShipment: "no example id: an order is made by a checkout",
  deliverOrder: "no example id: an order is made by a checkout",
  getReceipt: "no example id: a receipt is the caller's own, made by a checkout",
};

const offset = Number(process.env.PORT_OFFSET ?? 0);
const ports = { auth: 16001 + offset, product: 16002 + offset, cart: 16003 + offset, order: 16004 + offset, analytics: 16005 + offset, gateway: 16080 + offset };
const SERVICES = ["auth", "product", "cart", "order", "analytics"] as const;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-examples-"));

function resolve<T extends { $ref?: string }>(spec: Spec, item: T): T {
  if (!item.$ref) return item;
  const [, , kind, name] = item.$ref.split("/");
  return (spec.components as Record<string, Record<string, T>>)[kind!]![name!]!;
}

function exampleOf(spec: Spec, p: Parameter): unknown {
  const param = resolve(spec, p);
  return param.example ?? (param.schema ? resolve(spec, param.schema).example : undefined);
}

function bodyExample(spec: Spec, op: Operation): unknown {
  const json = op.requestBody?.content["application/json"];
  if (!json) return undefined;
  return json.example ?? (json.schema ? resolve(spec, json.schema).example : undefined);
}

async function tokenOf(url: string, body: unknown): Promise<string> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}`);
  return ((await response.json()) as { tokens: { access_token: string } }).tokens.access_token;
}

const platform = await startPlatform({
  dataDir,
  ports,
  include: [...SERVICES, "gateway"],
  output: path.join(dataDir, "platform.log"),
  env: { LOG_LEVEL: "warn", NODE_ENV: "development", SEED_DEMO_DATA: "true", SEED_PRODUCT_COUNT: "200", SEED_ANALYTICS_DAYS: "0" },
});
const lines: string[] = [];
const seen = new Set<string>();
const skipped: string[] = [];
let failed = 0;
let passed = 0;
try {
  const gateway = platform.urls.gateway!;
  const admin = await tokenOf(`${gateway}/v1/auth/login`, { email: "admin@example.com", password: "admin-demo-pass" });
  const shopper = await tokenOf(`${gateway}/v1/auth/login`, { email: "shopper@example.com", password: "shopper-demo-pass" });
  const service = signServiceToken("examples", process.env.SERVICE_SECRET ?? DEV_SERVICE_SECRET, 600);
  for (const name of SERVICES) {
    const spec = JSON.parse(fs.readFileSync(path.join(ROOT, "openapi/dist", `${name}.json`), "utf8")) as Spec;
    for (const [template, item] of Object.entries(spec.paths)) {
      // parameters declared on the path apply to each of its operations (as Swagger UI fills them)
      const shared = ((item as { parameters?: Parameter[] }).parameters ?? []) as Parameter[];
      for (const [method, op] of Object.entries(item)) {
        if (!op.operationId) continue;
        seen.add(op.operationId);
        const label = `${name} ${op.operationId} (${method.toUpperCase()} ${template})`;
        if (UNREPEATABLE[op.operationId]) {
          skipped.push(`${label}: ${UNREPEATABLE[op.operationId]}`);
          continue;
        }
        const success = Object.keys(op.responses).find((s) => s.startsWith("2"))!;
        const headers: Record<string, string> = {};
        const query = new URLSearchParams();
        let urlPath = template;
        for (const p of [...shared, ...(op.parameters ?? [])]) {
          const param = resolve(spec, p);
          const value = exampleOf(spec, p);
          if (value === undefined) continue;
          if (param.in === "path") urlPath = urlPath.replace(`{${param.name}}`, encodeURIComponent(String(value)));
          else if (param.in === "query") query.set(param.name, String(value));
          // Try it out sends the example Idempotency-Key; a fresh one keeps this check repeatable
          else if (param.in === "header") headers[param.name] = param.name.toLowerCase() === "idempotency-key" ? crypto.randomUUID() : String(value);
        }
        const schemes = new Set((op.security ?? spec.security ?? []).flatMap((r) => Object.keys(r)));
        if (op["x-required-role"] === "admin") headers.Authorization = `Bearer ${admin}`;
        else if (schemes.has("bearerAuth")) headers.Authorization = `Bearer ${shopper}`;
        else if (schemes.has("serviceAuth")) headers.Authorization = `Bearer ${service}`;
        const body = bodyExample(spec, op);
        if (body !== undefined) headers["Content-Type"] = "application/json";
        const url = `${gateway}${urlPath}${query.size ? `?${query}` : ""}`;
        const isInternal = template.startsWith("/v1/internal/") || template.startsWith("/v1/inventory/");
        // internal operations are not routed by the gateway: they are tried on their service
        const target = isInternal ? url.replace(gateway, platform.urls[name]!) : url;
        const response = await fetch(target, { method: method.toUpperCase(), headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await response.text();
        if (String(response.status) === success) {
          passed++;
          lines.push(`ok   ${label}: ${response.status}`);
        } else {
          failed++;
          lines.push(`FAIL ${label}: expected ${success}, got ${response.status} ${text.slice(0, 300)}`);
        }
      }
    }
  }
} finally {
  await platform.stop();
}
// an exception for an operation that no longer exists is stale
for (const id of Object.keys(UNREPEATABLE)) {
  if (!seen.has(id)) {
    failed++;
    lines.push(`FAIL UNREPEATABLE names ${id}, which no spec has`);
  }
}
process.stdout.write(`${lines.join("\n")}\n`);
process.stdout.write(`not sent (their examples cannot succeed as written):\n${skipped.map((s) => `  - ${s}`).join("\n")}\n`);
process.stdout.write(`examples: ${passed} succeeded, ${failed} failed, ${skipped.length} not sent\n`);
if (failed) {
  process.stdout.write(`examples: FAILED (platform log: ${dataDir}/platform.log)\n`);
  process.exit(1);
}
fs.rmSync(dataDir, { recursive: true, force: true });
