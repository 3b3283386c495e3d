// One mocha config for the whole repo: TypeScript through tsx, workspace packages
// resolved to their sources ("development" export condition).
module.exports = {
  "node-option": ["import=tsx", "conditions=development"],
  extension: ["ts"],
  spec: ["services/*/test/**/*.test.ts", "sdk/test/**/*.test.ts", "web/test/**/*.test.ts"],
  ignore: ["web/test/e2e/**"],
  timeout: 20000,
  reporter: "spec",
};
