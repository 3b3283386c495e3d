/**
 * Summarises a V8 CPU profile (node --cpu-prof): self time by package (node_modules/<name>,
 * node's own internals, our code) and the top functions by self time.
 *
 *   npx tsx scripts/bench/lib/profile-summary.ts <file>.cpuprofile [--top 30]
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error("usage: profile-summary.ts <file>.cpuprofile [--top 30]");
const top = Number(process.argv[process.argv.indexOf("--top") + 1] || 30) || 30;
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

function ownerOf(url: string, name: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  if (/services\/|sdk\//.test(url)) return url.replace(/^.*?((services|sdk)\/[^/]+).*$/, "$1");
  if (!url) return name.startsWith("(") ? name : "(native)";
  return url;
}

let total = 0;
const packages = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  total += us;
  const owner = ownerOf(n.callFrame.url, n.callFrame.functionName);
  packages.set(owner, (packages.get(owner) ?? 0) + us);
  const fn = `${n.callFrame.functionName || "(anonymous)"} ${owner}:${n.callFrame.lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
const idle = [...packages].filter(([k]) => k === "(idle)").reduce((a, [, v]) => a + v, 0);
console.log(`total ${(total / 1e6).toFixed(2)} s sampled, ${pct(idle)} idle\n\nself time by package:`);
for (const [k, v] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v).padStart(6)}  ${k}`);
console.log("\nself time by function:");
for (const [k, v] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v).padStart(6)}  ${k}`);
