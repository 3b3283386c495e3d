// Post-generation step of scripts/generate.sh: `node sdk/scripts/portable-runtime.mjs <runtime.ts>...`
//
// openapi-generator's typescript-fetch runtime names two types that only the DOM lib declares
// (`WindowOrWorkerGlobalScope` and `RequestCredentials`), so the SDK's published .d.ts would
// not compile in a Node project without "DOM" in `lib` (unless it skips lib checks). Both have
// an equivalent among the fetch types (Request, Response, RequestInit) that Node's and the
// DOM's typings both declare, so the generated file is rewritten to use those. It fails when a
// DOM-only name is left, so a new generator version that adds one is noticed here rather than
// by an integrator.
import { readFileSync, writeFileSync } from "node:fs";

const REWRITES = [
  // A method signature, as the DOM's is: its parameters are checked bivariantly, which the
  // runtime relies on (it stores a `(url: string, init) => ...` as its fetch).
  [/WindowOrWorkerGlobalScope\['fetch'\]/g, '{ fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> }["fetch"]'],
  [/\bRequestCredentials\b/g, 'RequestInit["credentials"]'],
];
const DOM_ONLY = /\b(WindowOrWorkerGlobalScope|RequestCredentials|RequestInfo|HeadersInit|BodyInit)\b/;

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node sdk/scripts/portable-runtime.mjs <generated runtime.ts>...");
  process.exit(2);
}
for (const file of files) {
  let text = readFileSync(file, "utf8");
  for (const [pattern, replacement] of REWRITES) text = text.replace(pattern, replacement);
  const left = DOM_ONLY.exec(text);
  if (left) {
    console.error(`portable-runtime: ${file} still names the DOM-only type ${left[1]}; add a rewrite for it`);
    process.exit(1);
  }
  writeFileSync(file, text);
}
