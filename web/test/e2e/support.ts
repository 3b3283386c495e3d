/** What the browser journeys share: the platform's address, Chromium, and checked screenshots. */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const WEB_URL = (process.env.WEB_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
export const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
export const ADMIN = { email: "admin@example.com", password: "admin-demo-pass" };

/** Debian's Chromium, headless, with nothing that would reach the internet. */
export function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** Phone and desktop widths every screenshotted page must fit without horizontal scroll. */
const WIDTHS = [390, 1280] as const;

let step = 0;
/** Screenshots the page at each width, asserting it never scrolls sideways; restores the viewport. */
export async function shot(page: Page, name: string): Promise<void> {
  step += 1;
  const original = page.viewportSize() ?? { width: 1200, height: 900 };
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: original.height });
    const { scrollWidth, innerWidth, overflowing } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      // Names the elements sticking out, so a failure says what to fix.
      overflowing: [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`),
    }));
    expect(scrollWidth, `${name} at ${width} px scrolls sideways (${overflowing.join(", ")})`).to.be.at.most(innerWidth);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${String(step).padStart(2, "0")}-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

