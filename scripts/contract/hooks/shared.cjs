// Helpers every service's dredd hooks use: request shaping and the case plumbing that makes
// every documented status of a spec happen. Not a hookfile itself: `make contract` loads only
// hooks/<service>.cjs, which require this.
const crypto = require("node:crypto");
const jwt = require("jsonwebtoken");

const JSON_TYPE = "application/json";
const FORM_TYPE = "application/x-www-form-urlencoded";
// the kit's development default (services/kit/src/config.ts), used when the platform runs without SERVICE_SECRET
const SERVICE_SECRET = process.env.SERVICE_SECRET || "dev-only-service-secret-do-not-use-in-production";

/** express answers "...; charset=utf-8" and dredd compares Content-Type exactly; the charset is not part of the contract. */
function stripCharset(transaction) {
  const headers = transaction.real && transaction.real.headers;
  if (!headers) return;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === "content-type");
  if (key) headers[key] = String(headers[key]).split(";")[0].trim();
}

// ---- request shaping -------------------------------------------------------------------

function headerKey(t, name) {
  return Object.keys(t.request.headers).find((k) => k.toLowerCase() === name.toLowerCase());
}

/** Sets a request header (any spelling of it replaced); null or undefined removes it. */
function setHeader(t, name, value) {
  for (const key of Object.keys(t.request.headers)) if (key.toLowerCase() === name.toLowerCase()) delete t.request.headers[key];
  if (value !== null && value !== undefined) t.request.headers[name] = value;
}

/** Sends the bearer token, or no Authorization at all for a falsy one. */
const setToken = (t, token) => setHeader(t, "Authorization", token ? `Bearer ${token}` : undefined);

function contentTypeOf(t) {
  const key = headerKey(t, "content-type");
  return key ? String(t.request.headers[key]) : "";
}

/** The body in the given media type (a string is sent as it is, e.g. unparseable JSON). */
function setBody(t, body, contentType = JSON_TYPE) {
  setHeader(t, "Content-Type", contentType);
  if (typeof body === "string") t.request.body = body;
  else t.request.body = contentType === FORM_TYPE ? new URLSearchParams(body).toString() : JSON.stringify(body);
}

/** A body in a media type no operation accepts: the documented 415 `unsupported_media_type`. */
const setUnsupportedMediaType = (t) => setBody(t, "plain text is not a media type this API accepts", "text/plain");

function setPath(t, pathAndQuery) {
  t.fullPath = pathAndQuery;
  t.request.uri = pathAndQuery;
}

/** A service credential like the services sign for each other (audience disqo-internal). */
const serviceToken = (subject = "service:contract") => jwt.sign({}, SERVICE_SECRET, { algorithm: "HS256", audience: "disqo-internal", subject, expiresIn: 300 });

const randomTag = () => crypto.randomBytes(5).toString("hex");

// ---- case plumbing -----------------------------------------------------------------------

const describeError = (error) => (error && error.message ? error.message : String(error));

/**
 * Cases registered by transaction name (`when` for a documented non-2xx status, `success` for
 * a 2xx). Every non-2xx transaction without a case fails, so a status added to the spec cannot
 * go unexercised. Each request drops the spec's example Idempotency-Key (a fixed key would
 * replay answers across cases and runs).
 */
function namedCases(hooks) {
  const cases = new Map();
  const prepareWith = (prepare) => (t, done) => {
    Promise.resolve()
      .then(() => prepare(t))
      .then(
        () => done(),
        (error) => {
          t.fail = `hook could not prepare the request: ${describeError(error)}`;
          done();
        },
      );
  };
  hooks.beforeEach((t) => {
    setHeader(t, "Idempotency-Key", undefined);
    const status = Number(t.expected.statusCode);
    if (status >= 200 && status < 300) return;
    t.skip = true;
    if (!cases.has(t.name)) {
      t.skip = false;
      t.fail = `no hook produces the documented ${status} of "${t.name}"`;
    }
  });
  return {
    cases,
    /** Registers the request that makes this transaction's documented status happen. */
    when(name, prepare) {
      cases.set(name, prepare);
      const run = prepareWith(prepare);
      hooks.before(name, (t, done) => {
        t.skip = false;
        run(t, done);
      });
    },
    /** A 2xx case: its own `before` hook with async preparation. */
    success(name, prepare) {
      hooks.before(name, prepareWith(prepare));
    },
  };
}

/** "<METHOD> <path template> <status>" from a transaction named "... > /v1/x/{id} > Summary > 404 > application/problem+json". */
function caseKey(t) {
  const parts = t.name.split(" > ");
  const template = parts[parts.length - 4];
  return `${t.request.method} ${template} ${t.expected.statusCode}`;
}

/**
 * Cases keyed by caseKey: every transaction, 2xx or not, must have one (the file's name goes
 * into the failure). `before(t)` runs first for every transaction (e.g. to reset a fault switch).
 */
function keyedCases(hooks, cases, file, before = () => {}) {
  hooks.beforeEach((t, done) => {
    setHeader(t, "Idempotency-Key", undefined);
    before(t);
    const arrange = cases[caseKey(t)];
    if (!arrange) {
      t.fail = `no contract case for ${caseKey(t)}; add one to scripts/contract/hooks/${file}`;
      return done();
    }
    t.skip = false;
    arrange(t).then(
      () => done(),
      (error) => {
        t.fail = `arranging ${caseKey(t)} failed: ${describeError(error)}`;
        done();
      },
    );
  });
}

module.exports = {
  JSON_TYPE,
  FORM_TYPE,
  SERVICE_SECRET,
  stripCharset,
  headerKey,
  setHeader,
  setToken,
  contentTypeOf,
  setBody,
  setUnsupportedMediaType,
  setPath,
  serviceToken,
  randomTag,
  namedCases,
  caseKey,
  keyedCases,
};
