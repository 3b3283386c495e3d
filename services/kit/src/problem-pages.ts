import express, { type Router } from "express";
import type { OpenApiDocument } from "./contract.js";
import { sendProblem } from "./problem.js";

/**
 * The pages a problem's `type` (`/problems/<code>`) resolves to. The text is the ErrorCode
 * schema's description in the bundled spec, one "- `code`: ..." line per code, so the spec
 * stays the one place each code is explained.
 */
export function errorCodeDocs(spec: OpenApiDocument | object): Map<string, string> {
  const schema = (spec as { components?: { schemas?: Record<string, { description?: string }> } }).components?.schemas?.ErrorCode;
  const docs = new Map<string, string>();
  for (const match of (schema?.description ?? "").matchAll(/^- `([a-z_]+)`: (.+)$/gm)) docs.set(match[1]!, match[2]!.trim());
  return docs;
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** The spec's `code` spans as <code>; everything else escaped. */
const inline = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · DISQO Commerce API</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}code{background:#f0f2f5;padding:0 .25em;border-radius:3px}a{color:#2140c4}li{margin:.4rem 0}</style>
</head><body>${body}</body></html>`;
}

export function problemPages(spec: OpenApiDocument | object): Router {
  const docs = errorCodeDocs(spec);
  const router = express.Router();
  router.get("/problems", (_req, res) => {
    const items = [...docs].map(([code, text]) => `<li><a href="/problems/${code}"><code>${code}</code></a>: ${inline(text)}</li>`).join("\n");
    res.set("Cache-Control", "public, max-age=3600").type("html").send(page("Problem types", `<h1>Problem types</h1><p>Every error answer is an <code>application/problem+json</code> body whose <code>code</code> is one of these; its <code>type</code> links here.</p><ul>${items}</ul>`));
  });
  router.get("/problems/:code", (req, res) => {
    const text = docs.get(req.params.code);
    if (!text) return sendProblem(res, 404, "not_found", "No such problem type.", req.originalUrl);
    res.set("Cache-Control", "public, max-age=3600").type("html").send(page(req.params.code, `<p><a href="/problems">All problem types</a></p><h1><code>${escapeHtml(req.params.code)}</code></h1><p>${inline(text)}</p>`));
  });
  return router;
}
