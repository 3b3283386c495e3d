/**
 * The cluster's database server and its databases, one per service. Either an existing
 * MariaDB/MySQL server (CLUSTER_MYSQL_URL, an account that may create databases), or a
 * private mariadbd of the Debian package with its data under `<cluster dir>/mariadb`, started
 * as a child (installed on first start) and stopped with the cluster.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stopChild } from "../platform.js";
import { DATABASE_SERVICES, type ClusterSettings } from "./settings.js";

export interface DatabaseServer {
  /** The DATABASE_URL of each service. */
  urls: Record<(typeof DATABASE_SERVICES)[number], string>;
  /** An admin URL (the fault test reads the databases with it). */
  adminUrl: string;
  /** The mariadbd child, when the cluster runs its own (the fault test may kill it). */
  child?: ChildProcess;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connectWithin(url: string, timeoutMs: number, child?: ChildProcess) {
  const { default: mysql } = await import("mysql2/promise");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await mysql.createConnection(url);
    } catch (error) {
      if (child && child.exitCode !== null) throw new Error(`mariadbd exited with code ${child.exitCode}; see its log`);
      if (Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

/** Starts the private server; the data directory is created by mariadb-install-db on first start. */
async function startOwnServer(settings: ClusterSettings): Promise<{ child: ChildProcess; adminUrl: string }> {
  const dir = path.join(settings.dir, "mariadb");
  const dataDir = path.join(dir, "data");
  // mariadbd refuses to run as root unless told which user to be
  const user = os.userInfo().username;
  if (!fs.existsSync(path.join(dataDir, "mysql"))) {
    fs.mkdirSync(dataDir, { recursive: true });
    const install = spawnSync(
      "mariadb-install-db",
      ["--no-defaults", `--datadir=${dataDir}`, `--user=${user}`, "--auth-root-authentication-method=normal", "--skip-test-db"],
      { encoding: "utf8" },
    );
    if (install.status !== 0) throw new Error(`mariadb-install-db failed (is the mariadb-server package installed?):\n${install.stderr || install.error}`);
  }
  const child = spawn(
    "mariadbd",
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      `--port=${settings.mariadbPort}`,
      "--bind-address=127.0.0.1",
      `--socket=${path.join(dir, "mariadbd.sock")}`,
      `--pid-file=${path.join(dir, "mariadbd.pid")}`,
      `--log-error=${path.join(dir, "error.log")}`,
      `--user=${user}`,
      "--skip-name-resolve",
      "--innodb-buffer-pool-size=128M",
      "--max-connections=400",
    ],
    // its own process group: Ctrl-C reaches the cluster script, which stops the server last
    { stdio: "ignore", detached: true },
  );
  const adminUrl = `mysql://root@127.0.0.1:${settings.mariadbPort}`;
  await connectWithin(adminUrl, 60_000, child).then((c) => c.end());
  return { child, adminUrl };
}

export async function startDatabases(settings: ClusterSettings, password: string): Promise<DatabaseServer> {
  const own = settings.mysqlUrl ? undefined : await startOwnServer(settings);
  const adminUrl = settings.mysqlUrl ?? own!.adminUrl;
  const admin = await connectWithin(adminUrl, 10_000);
  const urls = {} as DatabaseServer["urls"];
  try {
    for (const service of DATABASE_SERVICES) {
      const name = `${settings.databasePrefix}${service}`;
      if (settings.freshDatabases) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      urls[service] = url.toString();
    }
    if (own) {
      // on its own server the services use an account of their own, not root
      await admin.query("CREATE USER IF NOT EXISTS 'disqo'@'127.0.0.1' IDENTIFIED BY ?", [password]);
      await admin.query("ALTER USER 'disqo'@'127.0.0.1' IDENTIFIED BY ?", [password]);
      for (const service of DATABASE_SERVICES) {
        await admin.query(`GRANT ALL PRIVILEGES ON \`${settings.databasePrefix}${service}\`.* TO 'disqo'@'127.0.0.1'`);
        const url = new URL(urls[service]);
        url.username = "disqo";
        url.password = password;
        urls[service] = url.toString();
      }
    }
  } finally {
    await admin.end();
  }
  return {
    urls,
    adminUrl,
    child: own?.child,
    stop: async () => {
      if (own) await stopChild(own.child, 60_000);
    },
  };
}
