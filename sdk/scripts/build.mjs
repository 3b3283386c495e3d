// Builds the SDK as an integrator installs it: dist/esm (ES modules) and dist/cjs (CommonJS),
// each with .d.ts. dist/cjs gets a {"type":"commonjs"} package.json so Node (and TypeScript)
// read its .js and .d.ts files as CommonJS despite the package's "type": "module".
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const sdk = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(join(sdk, "package.json")).resolve("typescript/bin/tsc");

rmSync(join(sdk, "dist"), { recursive: true, force: true });
for (const config of ["tsconfig.esm.json", "tsconfig.cjs.json"]) {
  execFileSync(process.execPath, [tsc, "-p", join(sdk, config)], { stdio: "inherit", cwd: sdk });
}
mkdirSync(join(sdk, "dist/cjs"), { recursive: true });
writeFileSync(join(sdk, "dist/cjs/package.json"), JSON.stringify({ type: "commonjs" }, null, 2) + "\n");
writeFileSync(join(sdk, "dist/esm/package.json"), JSON.stringify({ type: "module" }, null, 2) + "\n");
console.log("sdk: built dist/esm and dist/cjs");
