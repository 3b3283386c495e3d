import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { toProblem } from "./problem.js";

/**
 * Node refuses a request with too many header bytes (over 16 KB) before Express sees it, with
 * a bare 431. Answer it as every other refusal: problem+json with a stable code.
 */
function answerClientErrors(server: http.Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    if (err.code !== "HPE_HEADER_OVERFLOW") {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    const body = JSON.stringify(toProblem({ status: 431, code: "headers_too_large", detail: "The request's headers exceed 16 KB; send fewer or smaller headers." }));
    socket.end(
      `HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

export interface RunningServer {
  server: http.Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** A periodic job of an app (see buildApp's `app.locals.backgroundTasks`): started on listen, stopped on close. */
export type BackgroundTask = () => { stop(): void };

/** What listen serves: an Express app, or any request listener (the gateway's forwarder) with the same `locals`. */
export type Listenable = http.RequestListener & { locals?: Record<string, unknown> };

/** Listens on host:port (0 = any free port) and resolves once accepting; starts the app's background tasks. */
export async function listen(app: Listenable, port: number, host = "127.0.0.1"): Promise<RunningServer> {
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const tasks = ((app.locals?.backgroundTasks ?? []) as BackgroundTask[]).map((start) => start());
  return {
    server,
    port: actual,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const task of tasks) task.stop();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests finish (up to
 * `graceMs`), then run the cleanups (close the DB) and exit.
 */
export function shutdownOnSignals(running: RunningServer, logger: Logger, cleanups: (() => Promise<unknown>)[], graceMs = 10_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      logger.warn("in-flight requests did not finish in time; closing them");
      running.server.closeAllConnections();
    }, graceMs);
    timer.unref();
    await running.close();
    for (const cleanup of cleanups) await cleanup().catch((err) => logger.error({ err }, "cleanup failed"));
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
