// Builds the SDK as an integrator installs it: dist/esm (ES modules) and dist/cjs (CommonJS),
// each with .d.ts. dist/cjs gets a {"type":"commonjs"} package.json so Node (and TypeScript)
// read its .js and .d.ts files as CommonJS despite the package's "type": "module".
//
// The build goes to a staging folder that then replaces dist by two renames: the services and
// the storefront import dist (through the workspace link), and a test that rebuilds the SDK
// while a platform starts (CI runs stages in parallel) must never leave dist missing or half
// written for them.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const sdk = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(join(sdk, "package.json")).resolve("typescript/bin/tsc");
const dist = join(sdk, "dist");
const staging = join(sdk, `.dist-build-${process.pid}`);
const previous = join(sdk, `.dist-old-${process.pid}`);

rmSync(staging, { recursive: true, force: true });
for (const [config, out] of [["tsconfig.esm.json", "esm"], ["tsconfig.cjs.json", "cjs"]]) {
  execFileSync(process.execPath, [tsc, "-p", join(sdk, config), "--outDir", join(staging, out)], { stdio: "inherit", cwd: sdk });
}
mkdirSync(join(staging, "cjs"), { recursive: true });
writeFileSync(join(staging, "cjs/package.json"), JSON.stringify({ type: "commonjs" }, null, 2) + "\n");
writeFileSync(join(staging, "esm/package.json"), JSON.stringify({ type: "module" }, null, 2) + "\n");
if (existsSync(dist)) renameSync(dist, previous);
renameSync(staging, dist);
rmSync(previous, { recursive: true, force: true });
console.log("sdk: built dist/esm and dist/cjs");
