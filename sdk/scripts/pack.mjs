// Packs the SDK as it is published: `npm run pack:release -w sdk [-- <destination dir>]`.
//
// The workspace's package.json has a "development" export condition pointing at ./src (so the
// monorepo runs the TypeScript sources directly). Bundlers set that condition in development
// builds (Vite, webpack), and ./src is not shipped, so the published package.json must not
// have it. This script builds, then packs a staged copy whose exports name only dist files,
// with per-format types (ESM .d.ts for import, CJS .d.ts for require).
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const sdk = join(dirname(fileURLToPath(import.meta.url)), "..");
const destination = resolve(process.argv[2] ?? sdk);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

if (process.env.SDK_PACK_SKIP_BUILD !== "1") execFileSync(process.execPath, [join(sdk, "scripts/build.mjs")], { stdio: "inherit" });

const source = JSON.parse(readFileSync(join(sdk, "package.json"), "utf8"));
const entry = (base) => ({
  import: { types: `./dist/esm/${base}.d.ts`, default: `./dist/esm/${base}.js` },
  require: { types: `./dist/cjs/${base}.d.ts`, default: `./dist/cjs/${base}.js` },
});
const published = {
  name: source.name,
  version: source.version,
  description: source.description,
  type: source.type,
  license: source.license,
  engines: { node: ">=20" },
  exports: {
    ".": entry("index"),
    "./generated/*": entry("generated/*/index"),
    "./package.json": "./package.json",
  },
  main: "./dist/cjs/index.js",
  module: "./dist/esm/index.js",
  types: "./dist/cjs/index.d.ts",
  // For TypeScript's legacy "node10" resolution, which does not read "exports".
  typesVersions: { "*": { "generated/*": ["./dist/cjs/generated/*/index.d.ts"] } },
  files: ["dist", "README.md"],
  sideEffects: false,
};

const stage = mkdtempSync(join(tmpdir(), "disqo-sdk-pack-"));
try {
  writeFileSync(join(stage, "package.json"), JSON.stringify(published, null, 2) + "\n");
  cpSync(join(sdk, "dist"), join(stage, "dist"), { recursive: true });
  cpSync(join(sdk, "README.md"), join(stage, "README.md"));
  const out = execFileSync(npm, ["pack", "--json", "--pack-destination", destination], { cwd: stage, encoding: "utf8" });
  const [{ filename }] = JSON.parse(out);
  const tarball = join(destination, filename);
  console.log(tarball);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
