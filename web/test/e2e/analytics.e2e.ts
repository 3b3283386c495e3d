/**
 * The admin's analytics dashboard in a real browser, over the seeded synthetic activity that
 * `make start` (and `make e2e`) put in the analytics service: the funnel chart and the trend
 * charts render from our own origin, the numbers match the table, and the CSV downloads.
 */
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { ADMIN, launchChromium, shot, WEB_URL } from "./support.js";

describe("admin analytics dashboard in Chromium", function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  before(async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: WEB_URL, viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on("request", (r) => requests.push(r.url()));
    await page.goto("/login");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${WEB_URL}/`);
  });

  after(async () => {
    await browser?.close();
  });

  it("shows the seeded funnel as bars with conversion rates and the trend as line charts", async () => {
    await page.getByRole("link", { name: "Admin" }).click();
    await page.locator(".admin-nav").getByRole("link", { name: "Analytics" }).click();
    await page.waitForURL(/\/admin\/analytics/);
    const funnel = page.getByRole("figure", { name: /Shopping funnel/ });
    await funnel.waitFor();
    expect(await funnel.locator("li svg rect.bar").count()).to.equal(7);
    const visitors = Number(await page.locator('tr[data-step="visitors"] td').first().textContent());
    const buyers = Number(await page.locator('tr[data-step="buyers"] td').first().textContent());
    expect(visitors, "the seeded visitors").to.be.greaterThan(50);
    expect(buyers).to.be.greaterThan(0).and.lessThan(visitors);
    for (const name of ["Revenue", "Orders", "Average order value"]) {
      expect(await page.getByRole("img", { name, exact: true }).count(), name).to.equal(1);
    }
    expect(await page.locator("svg path.line").count()).to.equal(3);
    await shot(page, "admin-analytics");
    expect(requests.every((u) => u.startsWith(WEB_URL)), "every request goes to our own origin").to.equal(true);
  });

  it("narrows the window by week and downloads the same numbers as CSV", async () => {
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 13 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("From", { exact: true }).fill(from);
    await page.getByLabel("To", { exact: true }).fill(to);
    await page.getByLabel("By", { exact: true }).selectOption("week");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/interval=week/);
    expect(await page.locator(".kpi-table tbody tr").count()).to.be.within(2, 3);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).to.equal(`disqo-kpis-${from}-to-${to}-by-week.csv`);
    const stream = await download.createReadStream();
    let csvText = "";
    for await (const chunk of stream) csvText += chunk;
    expect(csvText.split("\r\n")[0]).to.match(/^"section","step_or_start"/);
    expect(csvText).to.match(/^"funnel","buyers",,"\d+"/m);
  });
});
