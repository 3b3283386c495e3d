"""Schemathesis hooks for `make fuzz` (loaded through SCHEMATHESIS_HOOKS by scripts/fuzz.ts).

Every valid Idempotency-Key the fuzzer would send is replaced by a fresh one. Left alone, the
fuzzer sends the spec's example key with every generated body, and the services rightly answer
422 `idempotency_key_reused` (one key, two different requests), which its
positive-data check reads as a valid request rejected. Key reuse and replay are covered by
the services' mocha suites and the dredd hooks; here each request is a new one. Keys outside
the documented 8 to 200 characters are negative cases and are sent as generated.
"""
import uuid

import schemathesis


@schemathesis.hook
def map_headers(context, headers):
    if not headers:
        return headers
    for name in list(headers):
        value = headers[name]
        if name.lower() == "idempotency-key" and isinstance(value, str) and 8 <= len(value) <= 200:
            headers[name] = f"fuzz-{uuid.uuid4()}"
    return headers
