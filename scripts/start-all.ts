/** `make start`: the whole platform on its embedded default (SQLite files under ./data or $DATA_DIR). */
import path from "node:path";
import { ROOT, startPlatform } from "./platform.js";

const env = process.env;
const port = (name: string, fallback: number) => Number(env[`${name.toUpperCase()}_PORT`] ?? fallback);
const platform = await startPlatform({
  dataDir: path.resolve(env.DATA_DIR ?? path.join(ROOT, "data")),
  ports: { auth: port("auth", 8001), product: port("product", 8002), cart: port("cart", 8003), order: port("order", 8004), analytics: port("analytics", 8005), gateway: port("gateway", 8080), web: port("web", 3000) },
  output: "inherit",
});

const lines = [
  "",
  "DISQO Commerce is running:",
  platform.urls.web ? `  storefront   ${platform.urls.web}` : undefined,
  `  API gateway  ${platform.urls.gateway}  (docs: ${platform.urls.gateway}/docs)`,
  ...Object.entries(platform.urls)
    .filter(([n]) => !["gateway", "web"].includes(n))
    .map(([n, u]) => `  ${n.padEnd(12)} ${u}  (docs: ${u}/docs)`),
  "  demo shopper shopper@example.com / shopper-demo-pass",
  "  demo admin   admin@example.com / admin-demo-pass",
  "Press Ctrl-C to stop.",
  "",
].filter(Boolean);
process.stdout.write(lines.join("\n") + "\n");

let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await platform.stop();
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
platform.exited.then(({ name, code }) => {
  process.stderr.write(`${name} exited unexpectedly (code ${code}); stopping the platform\n`);
  void shutdown(1);
});
