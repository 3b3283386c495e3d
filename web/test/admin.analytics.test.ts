import { expect } from "chai";
import { textOf } from "./support/browser.js";
import { ADMIN, SHOPPER, startStorefront, type Storefront } from "./support/app.js";
import { csvCell } from "../src/csv.js";
import { funnelBars, lineChart, niceCeiling, percent } from "../src/charts.js";
import { readWindow } from "../src/routes/admin-analytics.js";

describe("admin analytics dashboard", () => {
  let shop: Storefront;
  beforeEach(async () => {
    shop = await startStorefront();
  });
  afterEach(() => shop.close());

  it("when an admin opens it, then the funnel is bars sized to the largest step, labelled in text, with a table of the conversion rates", async () => {
    const admin = shop.browser();
    await admin.login(ADMIN.email, ADMIN.password);
    const page = await admin.get("/admin/analytics?from=2026-11-01&to=2026-11-02");
    expect(page.status).to.equal(200);
    const funnel = page.html.slice(page.html.indexOf('<figure class="chart funnel-chart"'), page.html.indexOf("</figure>"));
    expect(funnel).to.include('<ol class="funnel-bars">');
    expect(funnel.match(/<svg class="bar-svg"[^>]+aria-hidden="true"/g)).to.have.length(7);
    expect(funnel.match(/<rect class="bar" x="0" y="0" width="([\d.]+)"/g)!.map((r) => r.split('"').at(-2))).to.deep.equal(["100", "30", "60", "50", "40", "30", "20"]);
    expect(textOf(funnel)).to.include("Signed up 3 · 30% of the step before");
    expect(page.html).to.include('aria-current="page">Analytics</a>');
    const text = textOf(page.html);
    expect(text).to.include("Bought 2 66.7% 20%");
    expect(text).to.include("Visitor to buyer 20%");
    expect(text).to.include("Revenue $90.00");
  });

  it("when it shows the trend, then revenue, orders and average order value are line charts and a day without orders has no AOV point", async () => {
    const admin = shop.browser();
    await admin.login(ADMIN.email, ADMIN.password);
    const page = await admin.get("/admin/analytics?from=2026-11-01&to=2026-11-02");
    for (const id of ["revenue", "orders", "aov"]) expect(page.html).to.include(`aria-labelledby="${id}-svg-title" aria-describedby="${id}-svg-desc"`);
    const aov = page.html.slice(page.html.indexOf('id="aov-svg-title"'));
    expect(aov.slice(0, aov.indexOf("</svg>")).match(/<circle class="point"/g)).to.have.length(1);
    expect(textOf(page.html)).to.include("2026-11-02 0 $0.00 – – 0 / 0 0 1 0");
  });

  it("when the dates are not a window, then the form says why (422) and the API is not asked", async () => {
    const admin = shop.browser();
    await admin.login(ADMIN.email, ADMIN.password);
    const before = shop.platform.calls.filter((c) => c.startsWith("kpis.")).length;
    const page = await admin.get("/admin/analytics?from=2026-11-30&to=2026-11-01");
    expect(page.status).to.equal(422);
    expect(page.html).to.include('aria-invalid="true" aria-describedby="a-to-error"');
    expect(textOf(page.html)).to.include("The end must not be before the start");
    expect(shop.platform.calls.filter((c) => c.startsWith("kpis.")).length).to.equal(before);
    expect((await admin.get("/admin/analytics?from=2026-02-30&to=2026-03-01")).status).to.equal(422);
    expect((await admin.get("/admin/analytics?from=2024-01-01&to=2026-01-01")).status).to.equal(422);
  });

  it("when an admin downloads the CSV, then it is an attachment and a shopper's formula-like search term is defused", async () => {
    const admin = shop.browser();
    await admin.login(ADMIN.email, ADMIN.password);
    const res = await admin.get("/admin/analytics.csv?from=2026-11-01&to=2026-11-02&interval=day");
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^text\/csv/);
    expect(res.headers.get("content-disposition")).to.equal("attachment; filename=disqo-kpis-2026-11-01-to-2026-11-02-by-day.csv");
    const lines = res.html.trimEnd().split("\r\n");
    expect(lines[1]).to.equal('"funnel","visitors",,"10","1","1",,,,,,,,,');
    expect(lines).to.include('"day","2026-11-01","2026-11-01","2",,,"90.00","45.00","USD","2","2","0","1","0","2"');
    expect(lines).to.include('"zero_result_search","\'=HYPERLINK(""http://evil"")",,"3",,,,,,,,,,,');
  });

  it("when a shopper opens the dashboard or the CSV, then it is 403; logged out, it is the login page", async () => {
    const shopper = shop.browser();
    await shopper.login(SHOPPER.email, SHOPPER.password);
    expect((await shopper.get("/admin/analytics")).status).to.equal(403);
    expect((await shopper.get("/admin/analytics.csv")).status).to.equal(403);
    const anonymous = await shop.browser().get("/admin/analytics");
    expect(anonymous.status).to.equal(303);
    expect(anonymous.location).to.equal("/login?next=%2Fadmin%2Fanalytics");
  });

  it("when the analytics service is down, then the dashboard is the 503 page, not a stack trace", async () => {
    const admin = shop.browser();
    await admin.login(ADMIN.email, ADMIN.password);
    shop.platform.down = true;
    const page = await admin.get("/admin/analytics");
    expect(page.status).to.equal(503);
    expect(textOf(page.html)).to.include("We'll be right back").and.not.include("at ");
  });
});

describe("dashboard helpers", () => {
  it("when no dates are given, then the window is the last 28 UTC days up to today", () => {
    const { window, errors } = readWindow({}, new Date("2026-12-03T23:30:00Z"));
    expect(window).to.deep.equal({ from: "2026-11-06", to: "2026-12-03", interval: "day" });
    expect(errors).to.deep.equal({});
  });

  it("when cells start like a formula, then they get an apostrophe; quotes are doubled; numbers stay numbers", () => {
    expect(["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "plain", 'say "hi"'].map(csvCell)).to.deep.equal([
      `"'=1+2"`, `"'+1"`, `"'-1"`, `"'@SUM(A1)"`, `"'\tx"`, `"plain"`, `"say ""hi"""`,
    ]);
    expect(csvCell(-5)).to.equal('"-5"');
    expect(csvCell(null)).to.equal("");
  });

  it("when values are charted, then bars scale to the largest step and lines to a round axis top", () => {
    expect([0, 0.7, 3, 10, 11, 4500].map(niceCeiling)).to.deep.equal([1, 1, 5, 10, 20, 5000]);
    const bars = funnelBars([{ label: "a", people: 1000, conversion: 1 }, { label: "b", people: 500, conversion: 0.5 }, { label: "c", people: 0, conversion: 0 }, { label: "d", people: 1, conversion: 0 }]);
    expect(bars.map((b) => b.width)).to.deep.equal([100, 50, 0, 1]);
    const line = lineChart([{ label: "d1", value: 0 }, { label: "d2", value: 50 }], String, { width: 300, height: 100 });
    expect(line.points.map((p) => [p.x, p.y])).to.deep.equal([[60, 76], [286, 10]]);
    expect(line.yTicks.map((t) => t.label)).to.deep.equal(["0", "12.5", "25", "37.5", "50"]);
    expect(percent(0.6667)).to.equal("66.7%");
    expect(percent(null)).to.equal("–");
  });
});
