/** Starts the storefront in process on an ephemeral port over a fresh fake platform. */
import type { Server } from "node:http";
import { createApp } from "../../src/app.js";
import { Browser, listen } from "./browser.js";
import { FakePlatform } from "./fake-platform.js";

export const COOKIE_SECRET = "test-cookie-secret-that-is-long-enough-0123456789";

export interface Storefront {
  platform: FakePlatform;
  base: string;
  server: Server;
  browser(): Browser;
  close(): Promise<void>;
}

export async function startStorefront(platform = new FakePlatform()): Promise<Storefront> {
  const app = createApp({ sdkFactory: platform.factory, cookieSecret: COOKIE_SECRET });
  const { base, server } = await listen(app);
  return {
    platform,
    base,
    server,
    browser: () => new Browser(base),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const SHOPPER = { email: "shopper@example.com", password: "shopper-demo-pass" };
export const ADMIN = { email: "admin@example.com", password: "admin-demo-pass" };
