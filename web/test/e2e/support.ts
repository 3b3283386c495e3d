/** What the browser journeys share: the platform's address, Chromium, and checked screenshots. */
import { expect } from "chai";
import fs from "node:fs";
import { createRequire } from "node:module";
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

/** axe-core from node_modules, injected into the page: nothing comes from a CDN. */
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core (WCAG 2.x A and AA rules) on the page as it is: no serious or critical violation may remain. */
export async function checkAccessibility(page: Page, name: string): Promise<void> {
  // evaluated through the DevTools protocol: the storefront's CSP (script-src 'self') rightly refuses an injected <script>
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join("; ")})`), `axe on ${name}`).to.deep.equal([]);
}

/** Phone and desktop widths every screenshotted page must fit without horizontal scroll. */
const WIDTHS = [390, 1280] as const;

let step = 0;
/** Screenshots the page at each width, asserting it never scrolls sideways and passes axe at each; restores the viewport. */
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
    await checkAccessibility(page, `${name} at ${width} px`);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${String(step).padStart(2, "0")}-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

