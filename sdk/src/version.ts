/**
 * The package's version, sent in the User-Agent. `scripts/release.mjs` refuses to build a
 * release whose package.json says otherwise (and a unit test checks the two agree).
 */
export const VERSION = "0.2.0";
