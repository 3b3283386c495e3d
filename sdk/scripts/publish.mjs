// Publishes the SDK: `npm run release -w sdk -- [npm publish options]`, e.g. `--dry-run`,
// `--registry <url>`, `--provenance`, `--tag next`. It is plain `npm publish` of the staged
// package (see stage.mjs), so the registry and credentials come from npm's usual configuration
// (.npmrc, NPM_CONFIG_* variables, NODE_AUTH_TOKEN in CI).
//
// Refuses a build from uncommitted sdk/ or openapi/ sources (BUILD-INFO.json would name a commit
// that does not hold them) unless SDK_RELEASE_ALLOW_DIRTY=1, which only a local test should set.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { stage } from "./stage.mjs";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const dir = stage();
try {
  const info = JSON.parse(readFileSync(join(dir, "BUILD-INFO.json"), "utf8"));
  if (info.dirty && process.env.SDK_RELEASE_ALLOW_DIRTY !== "1") {
    console.error("sdk: sdk/ or openapi/ has uncommitted changes; commit them first (the package records the commit it was built from)");
    process.exitCode = 1;
  } else {
    console.error(`sdk: publishing @disqo-commerce/sdk@${info.version} built from ${info.gitHead}${info.dirty ? " (with uncommitted changes)" : ""}`);
    const result = spawnSync(npm, ["publish", ...process.argv.slice(2)], { cwd: dir, stdio: "inherit" });
    process.exitCode = result.status ?? 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
