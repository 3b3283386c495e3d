/**
 * The storefront in process over the real platform: auth, product, cart, order and the gateway
 * started from source as processes on a fresh data dir (scripts/platform.ts), the demo catalog
 * seeded, and the storefront's real SDK factory pointed at the gateway. The business rules
 * (prices, tax, shipping, stock, promo codes) are the services' own; nothing here imitates them.
 *
 * Ports: 26101-26104 and 26180 (plus PORT_OFFSET), so parallel CI stages do not collide.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Server } from "node:http";
import { startPlatform, type Platform } from "../../../scripts/platform.js";
import { createApp } from "../../src/app.js";
import { sdkFactory } from "../../src/shop.js";
import { Browser, listen } from "./browser.js";
import { COOKIE_SECRET } from "./app.js";

export interface RealStorefront {
  platform: Platform;
  gatewayUrl: string;
  base: string;
  browser(): Browser;
  close(): Promise<void>;
}

export async function startRealStorefront(): Promise<RealStorefront> {
  const offset = Number(process.env.PORT_OFFSET ?? 0);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "disqo-web-real-"));
  const platform = await startPlatform({
    dataDir,
    ports: { auth: 26101 + offset, product: 26102 + offset, cart: 26103 + offset, order: 26104 + offset, gateway: 26180 + offset },
    include: ["auth", "product", "cart", "order", "gateway"],
    output: path.join(dataDir, "platform.log"),
    env: { LOG_LEVEL: "warn", SEED_DEMO_DATA: "true", SEED_PRODUCT_COUNT: "120" },
  });
  const gatewayUrl = platform.urls.gateway!;
  let server: Server | undefined;
  try {
    const app = createApp({ sdkFactory: sdkFactory(gatewayUrl, 10_000), cookieSecret: COOKIE_SECRET });
    const listening = await listen(app);
    server = listening.server;
    return {
      platform,
      gatewayUrl,
      base: listening.base,
      browser: () => new Browser(listening.base),
      async close() {
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        await platform.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await platform.stop();
    throw error;
  }
}
