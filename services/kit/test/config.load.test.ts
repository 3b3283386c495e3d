import { expect } from "chai";
import { z } from "zod";
import { DEV_SERVICE_SECRET, loadConfig, responseValidationEnabled, seedDemoData } from "../src/index.js";

const extra = { PORT: z.coerce.number().int().min(0).max(65535).default(8001) };

describe("kit: loadConfig", () => {
  it("when the environment is empty, then the defaults apply", () => {
    const config = loadConfig(extra, {});
    expect(config).to.include({ NODE_ENV: "development", LOG_LEVEL: "info", PORT: 8001, SERVICE_SECRET: DEV_SERVICE_SECRET });
    expect(responseValidationEnabled(config)).to.equal(true);
    expect(seedDemoData(config)).to.equal(true);
  });

  it("when values are given, then they are parsed (numbers coerced)", () => {
    const config = loadConfig(extra, { PORT: "9100", LOG_LEVEL: "warn", DATABASE_URL: "mysql://u:p@db:3306/auth" });
    expect(config).to.include({ PORT: 9100, LOG_LEVEL: "warn", DATABASE_URL: "mysql://u:p@db:3306/auth" });
  });

  it("when a value is bad, then it throws naming the variable", () => {
    expect(() => loadConfig(extra, { LOG_LEVEL: "loud" })).to.throw(/Invalid configuration: LOG_LEVEL/);
    expect(() => loadConfig(extra, { PORT: "eighty" })).to.throw(/PORT/);
    expect(() => loadConfig(extra, { PORT: "70000" })).to.throw(/PORT/);
    expect(() => loadConfig(extra, { AUTH_JWKS_URL: "not a url" })).to.throw(/AUTH_JWKS_URL/);
    expect(() => loadConfig(extra, { SERVICE_SECRET: "short" })).to.throw(/SERVICE_SECRET/);
  });

  it("when production runs with the development SERVICE_SECRET (or none), then it throws", () => {
    expect(() => loadConfig(extra, { NODE_ENV: "production" })).to.throw(/SERVICE_SECRET must be set in production/);
    expect(() => loadConfig(extra, { NODE_ENV: "production", SERVICE_SECRET: DEV_SERVICE_SECRET })).to.throw(/SERVICE_SECRET/);
  });

  it("when production has its own secret, then it loads, without response validation or demo data unless asked", () => {
    const config = loadConfig(extra, { NODE_ENV: "production", SERVICE_SECRET: "a-real-production-secret-value" });
    expect(responseValidationEnabled(config)).to.equal(false);
    expect(seedDemoData(config)).to.equal(false);
    const opted = loadConfig(extra, { NODE_ENV: "production", SERVICE_SECRET: "a-real-production-secret-value", VALIDATE_RESPONSES: "true" });
    expect(responseValidationEnabled(opted)).to.equal(true);
  });
});

describe("kit: loadConfig TRUSTED_PROXIES", () => {
  it("when unset, then only loopback proxies are trusted", () => {
    expect(loadConfig(extra, {}).TRUSTED_PROXIES).to.deep.equal(["loopback"]);
  });

  it("when a comma-separated list of addresses and CIDRs is given, then it is the list Express's trust proxy takes", () => {
    expect(loadConfig(extra, { TRUSTED_PROXIES: "loopback, 10.0.0.0/8,192.168.1.7 ,fd00::/8" }).TRUSTED_PROXIES).to.deep.equal(["loopback", "10.0.0.0/8", "192.168.1.7", "fd00::/8"]);
  });

  it("when an entry is not an address or CIDR, then it throws naming the variable", () => {
    for (const bad of ["everyone", "10.0.0.0/33", "10.0.0/8", "", "1.2.3.4/8/1"]) {
      expect(() => loadConfig(extra, { TRUSTED_PROXIES: bad }), bad).to.throw(/TRUSTED_PROXIES/);
    }
  });
});
