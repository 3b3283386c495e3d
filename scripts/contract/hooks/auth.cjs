/*
 * Dredd hooks for openapi/dist/auth.json: every operation and every documented status code.
 *
 * Dredd sends the spec's example request for every documented response, so beforeEach skips
 * the non-2xx transactions and each error case re-enables itself in its own `before` hook with
 * a request that really produces that status. A non-2xx transaction without such a hook fails
 * (so a status added to the spec later cannot go untested unnoticed).
 *
 * Tokens and fresh users come from the running auth service at AUTH_URL (the demo accounts
 * of the development seed exist). Destructive cases (password change, deactivation) use users
 * registered here. Failed logins are sent as a client address of their own (X-Forwarded-For,
 * trusted from loopback as behind the gateway), so repeated runs within the limiter's window
 * never rate-limit the demo accounts or this machine's address.
 */
const crypto = require("node:crypto");
const hooks = require("hooks");
const shared = require("./shared.cjs");
const { FORM_TYPE, JSON_TYPE, contentTypeOf, namedCases, setHeader, setPath, setToken, setUnsupportedMediaType, stripCharset } = shared;

const AUTH_URL = (process.env.AUTH_URL || "http://127.0.0.1:8001").replace(/\/+$/, "");
const SHOPPER = { email: "shopper@example.com", password: "shopper-demo-pass" };
const ADMIN = { email: "admin@example.com", password: "admin-demo-pass" };
const RUN = crypto.randomBytes(4).toString("hex");
/** A TEST-NET-2 address unique to this run (RFC 5737), for every request meant to fail a login. */
const FAILING_CLIENT = `198.51.100.${crypto.randomInt(1, 255)}`;

let counter = 0;
const uniqueEmail = (label) => `contract-${label}-${RUN}-${counter++}@example.test`;

/** Calls the auth service directly (setup, not under test); throws unless the status is expected. */
async function api(method, path, { body, token, headers = {}, expect = [200] } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = JSON_TYPE;
    init.body = JSON.stringify(body);
  }
  const response = await fetch(AUTH_URL + path, init);
  const text = await response.text();
  if (!expect.includes(response.status)) throw new Error(`setup: ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

const login = (credentials) => api("POST", "/v1/auth/login", { body: credentials });

async function registerFresh(label) {
  const input = { email: uniqueEmail(label), password: `contract-pass-${RUN}`, first_name: "Contract", last_name: "Test" };
  const result = await api("POST", "/v1/auth/register", { body: input, expect: [201] });
  return { ...result, password: input.password };
}

const state = { shopperToken: "", adminToken: "", limitedEmail: "" };

/** An email that has reached the failed-login limit (failures from this run's own client address). */
async function limitedEmail() {
  if (state.limitedEmail) return state.limitedEmail;
  const email = uniqueEmail("limited");
  for (let i = 0; i < 50; i++) {
    const response = await fetch(`${AUTH_URL}/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": JSON_TYPE, "X-Forwarded-For": FAILING_CLIENT },
      body: JSON.stringify({ email, password: "not-the-password" }),
    });
    await response.arrayBuffer();
    if (response.status === 429) {
      state.limitedEmail = email;
      return email;
    }
    if (response.status !== 401) throw new Error(`setup: a failing login answered ${response.status}`);
  }
  throw new Error("setup: the login limiter never answered 429");
}

// ---- request shaping (shared: ./shared.cjs) -------------------------------------------

const bearer = setToken;

/** Sets the body in the transaction's own media type (login documents JSON and form). */
const setBody = (transaction, fields) => shared.setBody(transaction, fields, contentTypeOf(transaction).startsWith(FORM_TYPE) ? FORM_TYPE : JSON_TYPE);

const setRawBody = (transaction, raw, contentType) => shared.setBody(transaction, raw, contentType || contentTypeOf(transaction) || JSON_TYPE);

/** A body each parser refuses: unparseable JSON, or a form beyond the form parser's size limit. */
function setUnparseableBody(transaction) {
  if (contentTypeOf(transaction).startsWith(FORM_TYPE)) transaction.request.body = `email=${"a".repeat(110 * 1024)}&password=x`;
  else transaction.request.body = '{"email": "broken';
}

// ---- hook plumbing (shared: every non-2xx status needs a `when` case) --------------------

const { when } = namedCases(hooks);

hooks.beforeAll((transactions, done) => {
  Promise.all([login(SHOPPER), login(ADMIN)]).then(
    ([shopper, admin]) => {
      state.shopperToken = shopper.tokens.access_token;
      state.adminToken = admin.tokens.access_token;
      done();
    },
    (error) => {
      // Without tokens nothing below can pass; fail loudly rather than skip.
      for (const t of transactions) t.fail = `setup failed: ${error.message}`;
      done();
    },
  );
});

hooks.beforeEachValidation((transaction) => stripCharset(transaction));

// ---- Auth --------------------------------------------------------------------------------

const REGISTER = "/v1/auth/register > Register a new account";
when(`${REGISTER} > 201 > application/json`, (t) => {
  setBody(t, { email: uniqueEmail("register"), password: "correct-horse-battery", first_name: "Ada", last_name: "Lovelace" });
});
when(`${REGISTER} > 400 > application/problem+json`, (t) => setUnparseableBody(t));
when(`${REGISTER} > 409 > application/problem+json`, (t) => setBody(t, { email: SHOPPER.email, password: "correct-horse-battery", first_name: "Sam", last_name: "Shopper" }));
when(`${REGISTER} > 422 > application/problem+json`, (t) => setBody(t, { email: uniqueEmail("weak"), password: "short", first_name: "Ada", last_name: "Lovelace" }));
// Registrations are limited per client address (the runner sets REGISTER_MAX_PER_CLIENT): a
// client of its own, trusted from loopback, uses up its allowance with cheap refused ones.
const REGISTERING_CLIENT = `203.0.113.${crypto.randomInt(1, 255)}`;
async function exhaustRegistrations() {
  for (let sent = 0; sent < 5000; sent += 20) {
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await fetch(`${AUTH_URL}/v1/auth/register`, {
          method: "POST",
          headers: { "Content-Type": JSON_TYPE, "X-Forwarded-For": REGISTERING_CLIENT },
          // valid by the contract (so the limiter sees it) but refused: the email is taken
          body: JSON.stringify({ email: SHOPPER.email, password: "correct-horse-battery", first_name: "Flood", last_name: "Test" }),
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    if (statuses.includes(429)) return;
  }
  throw new Error("setup: the registration limit never answered 429");
}
when(`${REGISTER} > 429 > application/problem+json`, async (t) => {
  await exhaustRegistrations();
  setHeader(t, "X-Forwarded-For", REGISTERING_CLIENT);
  setBody(t, { email: uniqueEmail("limited"), password: "correct-horse-battery", first_name: "Ada", last_name: "Lovelace" });
});
when(`${REGISTER} > 415 > application/problem+json`, (t) => setUnsupportedMediaType(t));

// Login documents JSON and form bodies: dredd makes one transaction per media type, both
// with the same name, so each hook shapes the body in the transaction's own media type.
const LOGIN = "/v1/auth/login > Log in with email and password";
when(`${LOGIN} > 200 > application/json`, (t) => setBody(t, SHOPPER));
when(`${LOGIN} > 400 > application/problem+json`, (t) => setUnparseableBody(t));
when(`${LOGIN} > 401 > application/problem+json`, (t) => {
  setHeader(t, "X-Forwarded-For", FAILING_CLIENT);
  setBody(t, { email: uniqueEmail("unknown"), password: "not-the-password" });
});
when(`${LOGIN} > 422 > application/problem+json`, (t) => setBody(t, { email: uniqueEmail("nopassword") }));
when(`${LOGIN} > 415 > application/problem+json`, (t) => setUnsupportedMediaType(t));
when(`${LOGIN} > 429 > application/problem+json`, async (t) => {
  const email = await limitedEmail();
  setHeader(t, "X-Forwarded-For", FAILING_CLIENT);
  setBody(t, { email, password: "not-the-password" });
});

const REFRESH = "/v1/auth/refresh > Exchange a refresh token for a new token pair";
hooks.before(`${REFRESH} > 200 > application/json`, (t, done) => {
  login(SHOPPER).then(
    (result) => {
      setBody(t, { refresh_token: result.tokens.refresh_token });
      done();
    },
    (error) => {
      t.fail = error.message;
      done();
    },
  );
});
when(`${REFRESH} > 400 > application/problem+json`, (t) => setUnparseableBody(t));
when(`${REFRESH} > 401 > application/problem+json`, (t) => setBody(t, { refresh_token: `rt_never-issued-${RUN}` }));
when(`${REFRESH} > 422 > application/problem+json`, (t) => setBody(t, { refresh_token: "" }));
when(`${REFRESH} > 415 > application/problem+json`, (t) => setUnsupportedMediaType(t));

const LOGOUT = "/v1/auth/logout > Revoke a refresh token";
hooks.before(`${LOGOUT} > 204`, (t, done) => {
  login(SHOPPER).then(
    (result) => {
      setBody(t, { refresh_token: result.tokens.refresh_token });
      done();
    },
    (error) => {
      t.fail = error.message;
      done();
    },
  );
});
when(`${LOGOUT} > 400 > application/problem+json`, (t) => setUnparseableBody(t));
when(`${LOGOUT} > 422 > application/problem+json`, (t) => setBody(t, {}));
when(`${LOGOUT} > 415 > application/problem+json`, (t) => setUnsupportedMediaType(t));

// ---- Users -------------------------------------------------------------------------------

const GET_ME = "/v1/users/me > Get the caller's profile";
hooks.before(`${GET_ME} > 200 > application/json`, (t) => bearer(t, state.shopperToken));
when(`${GET_ME} > 401 > application/problem+json`, (t) => bearer(t, undefined));

const PATCH_ME = "/v1/users/me > Update the caller's profile";
// The example body (Los Angeles, CA, 90001) is what the demo shopper already has.
hooks.before(`${PATCH_ME} > 200 > application/json`, (t) => bearer(t, state.shopperToken));
when(`${PATCH_ME} > 400 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setUnparseableBody(t);
});
when(`${PATCH_ME} > 401 > application/problem+json`, (t) => bearer(t, undefined));
when(`${PATCH_ME} > 422 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setBody(t, { state: "California" });
});
when(`${PATCH_ME} > 415 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setUnsupportedMediaType(t);
});

const PASSWORD = "/v1/users/me/password > Change the caller's password";
hooks.before(`${PASSWORD} > 204`, (t, done) => {
  registerFresh("password").then(
    (user) => {
      bearer(t, user.tokens.access_token);
      setBody(t, { current_password: user.password, new_password: `a-new-passphrase-${RUN}` });
      done();
    },
    (error) => {
      t.fail = error.message;
      done();
    },
  );
});
when(`${PASSWORD} > 400 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setUnparseableBody(t);
});
// A wrong current password changes nothing.
when(`${PASSWORD} > 401 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setBody(t, { current_password: "not-the-current-password", new_password: `a-new-passphrase-${RUN}` });
});
// The right current password but a weak new one: refused before anything changes.
when(`${PASSWORD} > 422 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setBody(t, { current_password: SHOPPER.password, new_password: "short" });
});
// Guesses of the current password are limited per user: a fresh user guesses wrong until refused.
when(`${PASSWORD} > 429 > application/problem+json`, async (t) => {
  const user = await registerFresh("guessed");
  for (let i = 0; i < 100; i++) {
    const response = await fetch(`${AUTH_URL}/v1/users/me/password`, {
      method: "POST",
      headers: { "Content-Type": JSON_TYPE, Authorization: `Bearer ${user.tokens.access_token}` },
      body: JSON.stringify({ current_password: `wrong-guess-${i}`, new_password: `a-new-passphrase-${RUN}` }),
    });
    await response.arrayBuffer();
    if (response.status === 429) break;
    if (response.status !== 401) throw new Error(`setup: a wrong current password answered ${response.status}`);
  }
  bearer(t, user.tokens.access_token);
  setBody(t, { current_password: user.password, new_password: `a-new-passphrase-${RUN}` });
});
when(`${PASSWORD} > 415 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setUnsupportedMediaType(t);
});

const LIST = "/v1/users > List users (admin)";
hooks.before(`${LIST} > 200 > application/json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, "/v1/users?limit=5&email=example.com");
});
when(`${LIST} > 401 > application/problem+json`, (t) => {
  bearer(t, undefined);
  setPath(t, "/v1/users");
});
when(`${LIST} > 403 > application/problem+json`, (t) => {
  bearer(t, state.shopperToken);
  setPath(t, "/v1/users");
});
when(`${LIST} > 422 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, "/v1/users?cursor=not-a-cursor-this-api-issued");
});

const UPDATE = "/v1/users/{id} > Change a user's role or active flag (admin)";
/** A user of this run for the admin cases, so the demo accounts are never deactivated. */
let target;
const targetUser = async () => (target ??= registerFresh("target"));
const onTarget = (prepare) => async (t) => {
  const user = await targetUser();
  setPath(t, `/v1/users/${user.user.id}`);
  prepare(t);
};
hooks.before(`${UPDATE} > 200 > application/json`, (t, done) => {
  onTarget((tx) => {
    bearer(tx, state.adminToken);
    setBody(tx, { is_active: false });
  })(t).then(
    () => done(),
    (error) => {
      t.fail = error.message;
      done();
    },
  );
});
when(
  `${UPDATE} > 400 > application/problem+json`,
  onTarget((t) => {
    bearer(t, state.adminToken);
    setUnparseableBody(t);
  }),
);
when(
  `${UPDATE} > 401 > application/problem+json`,
  onTarget((t) => bearer(t, undefined)),
);
when(
  `${UPDATE} > 403 > application/problem+json`,
  onTarget((t) => {
    bearer(t, state.shopperToken);
    setBody(t, { role: "admin" });
  }),
);
when(`${UPDATE} > 404 > application/problem+json`, (t) => {
  bearer(t, state.adminToken);
  setPath(t, "/v1/users/2147483000");
  setBody(t, { is_active: false });
});
when(
  `${UPDATE} > 422 > application/problem+json`,
  onTarget((t) => {
    bearer(t, state.adminToken);
    setBody(t, {});
  }),
);
when(
  `${UPDATE} > 415 > application/problem+json`,
  onTarget((t) => {
    bearer(t, state.adminToken);
    setUnsupportedMediaType(t);
  }),
);

// ---- Keys: the example request already answers 200. ----

// ---- Legacy ------------------------------------------------------------------------------

const LEGACY = "/api/v1/login > Log in (original write-up endpoint)";
hooks.before(`${LEGACY} > 200 > application/json`, (t) => setRawBody(t, new URLSearchParams(SHOPPER).toString(), FORM_TYPE));
when(`${LEGACY} > 400 > application/json`, (t) => {
  setHeader(t, "X-Forwarded-For", FAILING_CLIENT);
  setRawBody(t, new URLSearchParams({ email: uniqueEmail("legacy"), password: "not-the-password" }).toString(), FORM_TYPE);
});
when(`${LEGACY} > 415 > application/problem+json`, (t) => setUnsupportedMediaType(t));
