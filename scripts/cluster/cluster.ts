/**
 * The platform as a cluster runs it, on one machine: MariaDB (one database per service),
 * N replicas of every service as separate processes on their own ports, and nginx in front
 * of each service's replicas. Every caller, the services included, goes through nginx
 * (AUTH_URL, PRODUCT_URL, ... are the balancer's ports), so a replica can die without anyone
 * holding its address.
 */
import fs from "node:fs";
import path from "node:path";
import { startDatabases, type DatabaseServer } from "./mariadb.js";
import { startNginx, type Balancer } from "./nginx.js";
import { Replica, builtEntry } from "./replicas.js";
import { loadOrCreateSecrets } from "./secrets.js";
import { balancerUrl, type ClusterSettings, type ServiceName } from "./settings.js";
import { startSearchEngine, type SearchEngine } from "./search-engine.js";

export interface Cluster {
  settings: ClusterSettings;
  databases: DatabaseServer;
  balancer: Balancer;
  search?: SearchEngine;
  replicas: Replica[];
  urls: Record<ServiceName, string>;
  /** Every unexpected replica exit so far (a crash, not a kill of ours). */
  crashes: string[];
  stop(): Promise<void>;
}

/** Which services start after which: auth first (the others fetch its keys), the gateway and storefront last. */
const WAVES: ServiceName[][] = [["auth"], ["product", "cart", "order", "analytics"], ["gateway"], ["web"]];

function replicaEnv(settings: ClusterSettings, service: ServiceName, index: number, databases: DatabaseServer, secrets: ReturnType<typeof loadOrCreateSecrets>, search?: SearchEngine): Record<string, string> {
  const env: Record<string, string> = {
    HOST: "127.0.0.1",
    LOG_LEVEL: settings.logLevel,
    // each replica has its own local files (the product replica's FTS5 copy of the catalog)
    DATA_DIR: path.join(settings.dir, "data", `${service}-${index}`),
    SERVICE_SECRET: secrets.serviceSecret,
    AUTH_URL: balancerUrl(settings, "auth"),
    PRODUCT_URL: balancerUrl(settings, "product"),
    CART_URL: balancerUrl(settings, "cart"),
    ORDER_URL: balancerUrl(settings, "order"),
    ANALYTICS_URL: balancerUrl(settings, "analytics"),
    AUTH_JWKS_URL: `${balancerUrl(settings, "auth")}/.well-known/jwks.json`,
    API_BASE_URL: balancerUrl(settings, "gateway"),
    // only the first replica loads demo data, so two replicas never race to seed
    SEED_DEMO_DATA: String(settings.seed && index === 1),
  };
  if (service in databases.urls) env.DATABASE_URL = databases.urls[service as keyof DatabaseServer["urls"]];
  if (service === "auth") env.JWT_PRIVATE_KEY = secrets.jwtPrivateKey;
  if (service === "product") {
    // the replicas share one image directory (a shared volume in a real cluster, deploy/k8s/product.yaml)
    env.IMAGE_DIR = path.join(settings.dir, "data", "product-images");
    env.SEARCH_BACKEND = settings.searchBackend;
    if (search) {
      env.OPENSEARCH_URL = search.url;
      env.OPENSEARCH_INDEX_PREFIX = search.indexPrefix;
    }
  }
  if (service === "web") {
    env.COOKIE_SECRET = secrets.cookieSecret;
    // plain HTTP on one machine
    env.COOKIE_SECURE = "false";
  }
  return { ...env, ...settings.serviceEnv[service] };
}

export async function startCluster(settings: ClusterSettings, say: (line: string) => void = () => {}): Promise<Cluster> {
  const missing = settings.services.filter((s) => !fs.existsSync(builtEntry(s)));
  if (missing.length) throw new Error(`not built: ${missing.map(builtEntry).join(", ")}; run \`make build\` first`);
  fs.mkdirSync(settings.dir, { recursive: true });
  const secrets = loadOrCreateSecrets(settings.dir);
  const stops: (() => Promise<void>)[] = [];
  const replicas: Replica[] = [];
  const crashes: string[] = [];
  const stopAll = async () => {
    // the replicas (gateway and storefront first), then nginx, the search engine, the database
    for (const wave of [...WAVES].reverse()) await Promise.all(replicas.filter((r) => wave.includes(r.service)).map((r) => r.stop()));
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const databases = await startDatabases(settings, secrets.databasePassword);
    stops.push(databases.stop);
    say(`  MariaDB ready (${settings.mysqlUrl ? "existing server" : `own server on port ${settings.mariadbPort}, data in ${path.join(settings.dir, "mariadb")}`})`);
    const search = settings.searchBackend === "opensearch" ? await startSearchEngine(settings) : undefined;
    if (search) {
      stops.push(search.stop);
      say(`  OpenSearch ready at ${search.url}`);
    }
    const balancer = await startNginx(settings);
    stops.push(balancer.stop);
    say(`  nginx balancing (config ${balancer.configFile})`);
    const logDir = path.join(settings.dir, "logs");
    for (const wave of WAVES) {
      const services = wave.filter((s) => settings.services.includes(s));
      // replica 1 first (it migrates the schema and seeds), then the others
      for (let index = 1; index <= settings.replicas; index++) {
        await Promise.all(
          services.map(async (service) => {
            const replica = new Replica(service, index, settings.replicaPort(service, index), replicaEnv(settings, service, index, databases, secrets, search), logDir);
            replica.onCrash = (r, code) => crashes.push(`${r.name} exited with code ${code}`);
            replicas.push(replica);
            await replica.start();
          }),
        );
      }
      if (services.length) say(`  ${services.map((s) => `${s} x${settings.replicas}`).join(", ")} ready`);
    }
    const urls = Object.fromEntries(settings.services.map((s) => [s, balancerUrl(settings, s)])) as Record<ServiceName, string>;
    return { settings, databases, balancer, search, replicas, urls, crashes, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
