/** `make cluster`: the platform as a cluster runs it, on this machine, until Ctrl-C (see README "Running as a cluster"). */
import { startCluster } from "./cluster.js";
import { clusterSettings } from "./settings.js";

const say = (line: string) => process.stdout.write(`${line}\n`);
const settings = clusterSettings();
say(`Starting the cluster in ${settings.dir} (ports from ${settings.portBase})`);
const cluster = await startCluster(settings, say);

say("");
say(`DISQO Commerce cluster is running (production builds; development secrets in ${settings.dir}/secrets.json):`);
if (cluster.urls.web) say(`  storefront   ${cluster.urls.web}`);
say(`  API gateway  ${cluster.urls.gateway}  (docs: ${cluster.urls.gateway}/docs)`);
for (const service of ["auth", "product", "cart", "order", "analytics"] as const) {
  const ports = cluster.replicas.filter((r) => r.service === service).map((r) => r.port);
  say(`  ${service.padEnd(12)} ${cluster.urls[service]}  -> replicas on ${ports.join(", ")}`);
}
say(`  search       ${cluster.search ? `OpenSearch at ${cluster.search.url}` : "FTS5 (a local copy per product replica)"}`);
say(`  logs         ${settings.dir}/logs/<service>-<n>.log, ${settings.dir}/nginx/`);
if (settings.seed) say("  demo shopper shopper@example.com / shopper-demo-pass; demo admin admin@example.com / admin-demo-pass");
say("Press Ctrl-C to stop.");

let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  say("stopping the cluster...");
  await cluster.stop();
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
// a replica that dies on its own is reported, not restarted: a cluster manager's job, not this script's
setInterval(() => {
  while (cluster.crashes.length) process.stderr.write(`warning: ${cluster.crashes.shift()}\n`);
}, 1_000);
