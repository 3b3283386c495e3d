import { expect } from "chai";
import { DEV_COOKIE_SECRET, loadConfig } from "../src/config.js";

describe("config: the storefront's environment", () => {
  it("when nothing is set, then it listens on 3000 and talks to the local gateway", () => {
    const config = loadConfig({});
    expect(config).to.include({ port: 3000, apiBaseUrl: "http://127.0.0.1:8080", nodeEnv: "development", cookieSecure: false, cookieSecret: DEV_COOKIE_SECRET });
  });

  it("when variables are set, then they are used (a trailing slash on the API URL is dropped)", () => {
    const config = loadConfig({ PORT: "4000", API_BASE_URL: "https://api.example.com/", COOKIE_SECRET: "s".repeat(40), NODE_ENV: "production" });
    expect(config).to.include({ port: 4000, apiBaseUrl: "https://api.example.com", cookieSecure: true, nodeEnv: "production" });
  });

  it("when values are wrong, then start-up fails naming every bad variable", () => {
    expect(() => loadConfig({ PORT: "eighty", API_BASE_URL: "ftp://x", COOKIE_SECRET: "short", COOKIE_SECURE: "yes" }))
      .to.throw(/PORT.*API_BASE_URL.*COOKIE_SECRET.*COOKIE_SECURE/);
  });

  it("when production runs with the development cookie secret, then it refuses to start", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).to.throw(/COOKIE_SECRET: must be set in production/);
  });

  it("when TRUSTED_PROXIES is unset, then only loopback is trusted; a list of addresses and CIDRs is taken; anything else fails", () => {
    expect(loadConfig({}).trustedProxies).to.deep.equal(["loopback"]);
    expect(loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, 192.168.0.5" }).trustedProxies).to.deep.equal(["10.0.0.0/8", "192.168.0.5"]);
    for (const bad of ["anyone", "10.0.0.0/40", ","]) expect(() => loadConfig({ TRUSTED_PROXIES: bad }), bad).to.throw(/TRUSTED_PROXIES/);
  });
});
