import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
type PathToRegexp = (path: string, options?: object) => unknown;
type PathToRegexpModule = { pathToRegexp: PathToRegexp; __disqoMemoized?: true };

const MAX_ENTRIES = 1000;

/**
 * express-openapi-validator (5.x) finds a request's operation by compiling every route of
 * the spec with path-to-regexp, on every request, until one matches (openapi.metadata.js
 * `lookupRoute`): about a tenth of a product read's CPU in issue 11's profile. The
 * compilation is a pure function of the route template and two flags, so the module's
 * `pathToRegexp` (looked up on the module object at each call) is replaced, once per process,
 * by a memoised one. Bounded: the validator compiles only the spec's route templates.
 */
export function memoizeValidatorRoutes(): void {
  const validatorDir = path.dirname(require.resolve("express-openapi-validator"));
  const mod = require(require.resolve("path-to-regexp", { paths: [validatorDir] })) as PathToRegexpModule;
  if (mod.__disqoMemoized) return;
  const compile = mod.pathToRegexp;
  const cache = new Map<string, unknown>();
  mod.pathToRegexp = (route: string, options?: object) => {
    if (typeof route !== "string") return compile(route, options);
    // the validator's one call site passes only these two flags (openapi.metadata.js)
    const flags = options as { sensitive?: boolean; strict?: boolean } | undefined;
    const key = `${route}\u0000${flags?.sensitive ? 1 : 0}${flags?.strict ? 1 : 0}${Object.keys(flags ?? {}).length}`;
    let compiled = cache.get(key);
    if (compiled === undefined) {
      compiled = compile(route, options);
      if (cache.size < MAX_ENTRIES) cache.set(key, compiled);
    }
    return compiled;
  };
  mod.__disqoMemoized = true;
}
