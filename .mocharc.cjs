// One mocha config for the whole repo: TypeScript through tsx, workspace packages
// resolved to their sources ("development" export condition).
module.exports = {
  "node-option": ["import=tsx", "conditions=development"],
  extension: ["ts"],
  // No `spec` here: mocha would add it to the files given on the command line.
  // `make unit` names the suites; `npx mocha <file>` runs just that file.
  timeout: 20000,
  reporter: "spec",
};
