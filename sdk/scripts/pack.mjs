// Packs the SDK as it is published: `npm run pack:release -w sdk [-- <destination dir>]`.
// Prints the tarball's path. See stage.mjs for what goes into the package.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { sdk, stage } from "./stage.mjs";

const destination = resolve(process.argv[2] ?? sdk);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const dir = stage();
try {
  const out = execFileSync(npm, ["pack", "--json", "--pack-destination", destination], { cwd: dir, encoding: "utf8" });
  const [{ filename }] = JSON.parse(out);
  console.log(join(destination, filename));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
