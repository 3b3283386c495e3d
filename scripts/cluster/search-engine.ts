/**
 * The search engine of the OpenSearch backend (SEARCH_BACKEND=opensearch): a single node
 * started and stopped by scripts/opensearch.sh (the same script CI and developers use), on
 * the cluster's own port. Its indices carry the cluster's prefix, so a fresh cluster starts
 * from empty indices as it starts from empty databases.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../platform.js";
import type { ClusterSettings } from "./settings.js";

export interface SearchEngine {
  url: string;
  indexPrefix: string;
  stop(): Promise<void>;
  /** `kill -9` of the node; resolves once the process is gone. */
  crash(): Promise<void>;
  /** Starts the node (again); resolves once it is healthy. */
  start(): Promise<void>;
}

const SCRIPT = path.join(ROOT, "scripts", "opensearch.sh");

export async function startSearchEngine(settings: ClusterSettings): Promise<SearchEngine> {
  const port = settings.opensearchPort;
  const env = { ...process.env, OPENSEARCH_PORT: String(port), OPENSEARCH_TRANSPORT_PORT: String(port + 1) };
  const run = (verb: "start" | "stop") =>
    new Promise<void>((resolve, reject) => {
      const child = spawn("bash", [SCRIPT, verb], { env, stdio: ["ignore", "ignore", "inherit"] });
      child.once("error", reject);
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`scripts/opensearch.sh ${verb} failed with code ${code}`))));
    });
  await run("start");
  const url = `http://127.0.0.1:${port}`;
  const indexPrefix = settings.databasePrefix.replace(/[^a-z0-9_-]/g, "");
  if (settings.freshDatabases) {
    const res = await fetch(`${url}/${indexPrefix}*?expand_wildcards=all`, { method: "DELETE" });
    if (!res.ok && res.status !== 404) throw new Error(`could not delete the old ${indexPrefix}* indices: ${res.status} ${await res.text()}`);
  }
  const pidFile = path.join(process.env.OPENSEARCH_DIR ?? path.join(ROOT, ".opensearch"), `node-${port}`, "opensearch.pid");
  return {
    url,
    indexPrefix,
    stop: () => run("stop"),
    start: () => run("start"),
    async crash() {
      const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
      process.kill(pid, "SIGKILL");
      // wait until the process is gone, or start would find it still running
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      while (alive()) await new Promise((r) => setTimeout(r, 100));
    },
  };
}
