// Stages the SDK as it is published, in a new directory: the package.json integrators get, dist,
// README.md, CHANGELOG.md and BUILD-INFO.json (what it was built from). Used by pack.mjs (a
// tarball) and publish.mjs (the registry).
//
// The workspace's package.json has a "development" export condition pointing at ./src (so the
// monorepo runs the TypeScript sources directly). Bundlers set that condition in development
// builds (Vite, webpack), and ./src is not shipped, so the published package.json must not have
// it: it names only dist files, with per-format types (ESM .d.ts for import, CJS for require).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const sdk = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(sdk, "..");

/** The release's version, checked against src/version.ts and CHANGELOG.md before anything is built. */
export function releaseVersion() {
  const { version } = JSON.parse(readFileSync(join(sdk, "package.json"), "utf8"));
  const inSource = /VERSION = "([^"]+)"/.exec(readFileSync(join(sdk, "src/version.ts"), "utf8"))?.[1];
  if (inSource !== version) throw new Error(`sdk: package.json says ${version} but src/version.ts says ${inSource}; bump both`);
  const changelog = readFileSync(join(sdk, "CHANGELOG.md"), "utf8");
  if (!new RegExp(`^## ${version.replace(/\./g, "\\.")}(\\s|$)`, "m").test(changelog)) {
    throw new Error(`sdk: CHANGELOG.md has no "## ${version}" entry; write one before releasing`);
  }
  return version;
}

/**
 * Provenance of the build: the commit, whether sdk/ or openapi/ had uncommitted changes, and the
 * SHA-256 of each bundled spec the generated clients come from. A published package can so be
 * traced to the exact sources and contracts.
 */
export function buildInfo(version) {
  const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  const specs = Object.fromEntries(
    readdirSync(join(root, "openapi/dist"))
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => [`openapi/dist/${f}`, createHash("sha256").update(readFileSync(join(root, "openapi/dist", f))).digest("hex")]),
  );
  return {
    name: "@disqo-commerce/sdk",
    version,
    gitHead: git("rev-parse", "HEAD"),
    dirty: git("status", "--porcelain", "--", "sdk", "openapi") !== "",
    specs,
    builtAt: new Date().toISOString(),
    node: process.version,
  };
}

/** Builds (unless SDK_PACK_SKIP_BUILD=1) and stages the package; returns the staged directory. */
export function stage() {
  const version = releaseVersion();
  if (process.env.SDK_PACK_SKIP_BUILD !== "1") execFileSync(process.execPath, [join(sdk, "scripts/build.mjs")], { stdio: ["ignore", "ignore", "inherit"] });
  const source = JSON.parse(readFileSync(join(sdk, "package.json"), "utf8"));
  const info = buildInfo(version);
  const entry = (base) => ({
    import: { types: `./dist/esm/${base}.d.ts`, default: `./dist/esm/${base}.js` },
    require: { types: `./dist/cjs/${base}.d.ts`, default: `./dist/cjs/${base}.js` },
  });
  const published = {
    name: source.name,
    version,
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
    files: ["dist", "README.md", "CHANGELOG.md", "BUILD-INFO.json"],
    sideEffects: false,
    // The commit it was built from; npm records this itself only when publishing from a git checkout.
    gitHead: info.gitHead,
    // A scoped package is private on the public registry unless published with public access.
    publishConfig: { access: "public" },
  };
  const dir = mkdtempSync(join(tmpdir(), "disqo-sdk-stage-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify(published, null, 2) + "\n");
  writeFileSync(join(dir, "BUILD-INFO.json"), JSON.stringify(info, null, 2) + "\n");
  cpSync(join(sdk, "dist"), join(dir, "dist"), { recursive: true });
  for (const file of ["README.md", "CHANGELOG.md"]) cpSync(join(sdk, file), join(dir, file));
  return dir;
}
