/**
 * Where the local cluster runs: every port derives from one base (CLUSTER_PORT_BASE), every
 * file lives under one directory (CLUSTER_DIR, default `.cluster/`). Read once by the entry
 * points (`make cluster`, the fault test); the modules take a ClusterSettings.
 */
import path from "node:path";
import { ROOT } from "../platform.js";

export const SERVICES = ["auth", "product", "cart", "order", "analytics", "gateway", "web"] as const;
export type ServiceName = (typeof SERVICES)[number];
/** The services with a database of their own. */
export const DATABASE_SERVICES = ["auth", "product", "cart", "order", "analytics"] as const;

export interface ClusterSettings {
  dir: string;
  portBase: number;
  replicas: number;
  services: ServiceName[];
  /** The port nginx listens on for a service (what every caller uses). */
  balancerPort: Record<ServiceName, number>;
  /** The port of replica `r` (1-based) of a service. */
  replicaPort(service: ServiceName, replica: number): number;
  /** An existing MariaDB/MySQL server (an admin URL that may create databases); else the cluster runs its own. */
  mysqlUrl?: string;
  /** The port of the cluster's own MariaDB server. */
  mariadbPort: number;
  /** The HTTP port of the cluster's OpenSearch node (SEARCH_BACKEND=opensearch); transport on the next one. */
  opensearchPort: number;
  databasePrefix: string;
  /** Drop and create the databases at start (the fault test counts from zero). */
  freshDatabases: boolean;
  logLevel: string;
  /** `opensearch` (the cluster's default: a node started by scripts/opensearch.sh) or `fts5` (embedded, a copy per product replica). */
  searchBackend: string;
  /** Demo accounts, catalog and promo codes, loaded by the first replica of each service. */
  seed: boolean;
  /** Extra environment for every replica of a service (e.g. shorter leases in the fault test). */
  serviceEnv: Partial<Record<ServiceName, Record<string, string>>>;
}

const SERVICE_INDEX: Record<ServiceName, number> = { auth: 1, product: 2, cart: 3, order: 4, gateway: 5, web: 6, analytics: 7 };

export function clusterSettings(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ClusterSettings> = {}): ClusterSettings {
  const portBase = Number(env.CLUSTER_PORT_BASE ?? 9000);
  if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_000) throw new Error(`CLUSTER_PORT_BASE must be a port number between 1024 and 65000, not ${env.CLUSTER_PORT_BASE}`);
  const replicas = Number(env.CLUSTER_REPLICAS ?? 2);
  const withWeb = (env.CLUSTER_WEB ?? "true") !== "false";
  return {
    dir: path.resolve(env.CLUSTER_DIR ?? path.join(ROOT, ".cluster")),
    portBase,
    replicas,
    services: SERVICES.filter((s) => s !== "web" || withWeb),
    // web on the base port, the five services on base+1..5 (like 8001..8005), the gateway on base+80
    balancerPort: { web: portBase, auth: portBase + 1, product: portBase + 2, cart: portBase + 3, order: portBase + 4, analytics: portBase + 5, gateway: portBase + 80 },
    replicaPort: (service, replica) => portBase + 100 + 10 * SERVICE_INDEX[service] + replica,
    mysqlUrl: env.CLUSTER_MYSQL_URL || undefined,
    mariadbPort: Number(env.CLUSTER_MARIADB_PORT ?? portBase + 6),
    opensearchPort: Number(env.CLUSTER_OPENSEARCH_PORT ?? portBase + 7),
    databasePrefix: env.CLUSTER_DB_PREFIX ?? "cluster_",
    freshDatabases: env.CLUSTER_FRESH === "true",
    logLevel: env.CLUSTER_LOG_LEVEL ?? "warn",
    searchBackend: env.SEARCH_BACKEND ?? "opensearch",
    seed: (env.CLUSTER_SEED ?? "true") !== "false",
    serviceEnv: {},
    ...overrides,
  };
}

export const balancerUrl = (settings: ClusterSettings, service: ServiceName) => `http://127.0.0.1:${settings.balancerPort[service]}`;
