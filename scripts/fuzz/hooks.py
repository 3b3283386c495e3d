"""Schemathesis hooks for `make fuzz` (loaded through SCHEMATHESIS_HOOKS by scripts/fuzz.ts).

Who calls: every operation gets the caller its security requirement asks for (FUZZ_CALLERS maps
operationId to admin, shopper or service; FUZZ_TOKEN_<CALLER> holds the bearer token). It is
set as Schemathesis auth, not as a plain header, so the fuzzer still leaves it out when it
checks that a missing or ignored credential gets 401.

Each one gives the fuzzer a value it cannot invent, so a request valid by the contract stays
valid on the wire; values outside the documented bounds are negative cases and are left alone.

- Idempotency-Key: a fresh key per request. Left alone, the fuzzer sends the spec's example key
  with every generated body, and the services rightly answer 422 `idempotency_key_reused` (one
  key, two requests). Replays and reuse are covered by the mocha suites and the dredd hooks.
- cursor: dropped. A cursor is opaque, issued by the previous page; any other string is 422 by
  design (documented). Paging is covered by the mocha suites.
- expires_at of a reservation (`PUT /v1/inventory/reservations/{id}`): moved to 15 minutes
  from now. The contract bounds it relative to the clock (future, at most 30 days), which a
  schema cannot say.
"""
import datetime
import json
import os
import uuid

import schemathesis

CURSOR_MAX = 200


CALLERS = json.loads(os.environ.get("FUZZ_CALLERS", "{}"))


@schemathesis.auth(refresh_interval=None)
class CallerAuth:
    def get(self, case, context):
        caller = CALLERS.get(context.operation.definition.raw.get("operationId"))
        return os.environ.get(f"FUZZ_TOKEN_{caller.upper()}") if caller else None

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def _valid_key(value):
    return isinstance(value, str) and 8 <= len(value) <= 200


def _is_datetime(value):
    if not isinstance(value, str):
        return False
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.headers:
        for name in list(case.headers):
            if name.lower() == "idempotency-key" and _valid_key(case.headers[name]):
                case.headers[name] = f"fuzz-{uuid.uuid4()}"
    if case.query and "cursor" in case.query:
        cursor = case.query["cursor"]
        if isinstance(cursor, str) and 1 <= len(cursor) <= CURSOR_MAX:
            del case.query["cursor"]
    if case.operation.definition.raw.get("operationId") == "putReservation" and isinstance(case.body, dict):
        if _is_datetime(case.body.get("expires_at")):
            soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=15)
            case.body["expires_at"] = soon.isoformat(timespec="milliseconds").replace("+00:00", "Z")
