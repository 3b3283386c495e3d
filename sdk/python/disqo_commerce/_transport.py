"""What the generated clients send their requests through (it replaces their ``rest_client``).

It adds what a production client needs and the generator does not: a per-attempt timeout,
retries with exponential backoff and jitter for requests that are safe to repeat (honouring
``Retry-After``), one token refresh when the access token has expired, and the SDK's typed
errors for every non-2xx answer. The same rules as the TypeScript SDK's transport.
"""
from __future__ import annotations

import contextvars
import json
import random as _random
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

import urllib3

from disqo_commerce._errors import APIConnectionError, APITimeoutError, ApiError, parse_retry_after

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff tuning. Waits grow from ``initial_delay`` (doubling, capped at ``max_delay``);
    a ``Retry-After`` longer than ``max_retry_after`` is not waited out: the error is raised."""

    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0


@dataclass(frozen=True)
class CallOptions:
    """One call's settings, carried from the facade to the transport in a context variable
    (the generated methods have no parameter for them)."""

    timeout: Optional[float] = None
    max_retries: Optional[int] = None
    headers: Dict[str, str] = field(default_factory=dict)
    #: False for the refresh call itself, so an expired session cannot loop.
    refresh_on_expiry: bool = True


CURRENT_CALL: "contextvars.ContextVar[CallOptions]" = contextvars.ContextVar("disqo_commerce_call", default=CallOptions())


def is_retry_safe(method: str, headers: Dict[str, str]) -> bool:
    """Whether a request may be sent again without risk of doing its work twice."""
    return method.upper() in IDEMPOTENT_METHODS or any(k.lower() == "idempotency-key" for k in headers)


def is_retriable_status(status: int) -> bool:
    """408, 429 and every 5xx may succeed when tried again; other statuses will not."""
    return status == 408 or status == 429 or status >= 500


def backoff_delay(retry: int, policy: RetryPolicy, random: Callable[[], float] = _random.random) -> float:
    """The wait before retry number ``retry`` (0 first): exponential, capped, with equal jitter
    (half fixed, half random) so that clients failing together do not retry together."""
    ceiling = min(policy.max_delay, policy.initial_delay * 2**retry)
    return ceiling / 2 + random() * (ceiling / 2)


class Transport:
    """A drop-in for a generated ``RESTClientObject`` (same ``request`` signature)."""

    def __init__(
        self,
        inner: Any,
        tokens: "TokenRefresher",
        timeout: float,
        max_retries: int,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self.inner = inner
        self.tokens = tokens
        self.timeout = timeout
        self.max_retries = max_retries
        self.policy = policy
        self.sleep = sleep
        self.random = random

    def request(self, method, url, headers=None, body=None, post_params=None, _request_timeout=None):
        call = CURRENT_CALL.get()
        headers = {**(headers or {}), **call.headers}
        timeout = _request_timeout or call.timeout or self.timeout
        max_retries = self.max_retries if call.max_retries is None else max(0, call.max_retries)

        def send(hdrs: Dict[str, str]):
            return self._send_with_retries(method, url, hdrs, body, post_params, timeout, max_retries)

        response = send(headers)
        if response.status == 401 and call.refresh_on_expiry:
            sent = _bearer(headers)
            if sent is not None and _problem_code(response.read()) == "token_expired":
                fresh = self.tokens.access_token_after_expiry(sent)
                if fresh is not None:
                    # A 401 means the API did nothing, so even a POST without a key may go again;
                    # the second answer stands (no second refresh).
                    response = send({**headers, "Authorization": f"Bearer {fresh}"})
        if not 200 <= response.status < 300:
            raise ApiError.from_response(response.status, response.headers, response.read())
        return response

    def _send_with_retries(self, method, url, headers, body, post_params, timeout, max_retries):
        retry_safe = is_retry_safe(method, headers)
        retry = 0
        while True:
            can_retry = retry_safe and retry < max_retries
            try:
                response = self._attempt(method, url, headers, body, post_params, timeout)
            except APIConnectionError:
                if not can_retry:
                    raise
                self.sleep(backoff_delay(retry, self.policy, self.random))
                retry += 1
                continue
            if not can_retry or not is_retriable_status(response.status):
                return response
            delay = self._retry_delay(response, retry)
            if delay is None:
                return response
            self.sleep(delay)
            retry += 1

    def _retry_delay(self, response, retry: int) -> Optional[float]:
        """Retry-After when the API sent one (and it is short enough), else backoff."""
        seconds = parse_retry_after(response.headers.get("retry-after"))
        if seconds is None:
            return backoff_delay(retry, self.policy, self.random)
        return seconds if seconds <= self.policy.max_retry_after else None

    def _attempt(self, method, url, headers, body, post_params, timeout):
        """One attempt, the whole body read within the timeout."""
        try:
            response = self.inner.request(method, url, headers=headers, body=body, post_params=post_params, _request_timeout=timeout)
            response.read()
            return response
        except urllib3.exceptions.NewConnectionError as error:
            raise APIConnectionError(f"Could not reach {url}: {error}") from error
        except urllib3.exceptions.TimeoutError as error:
            raise APITimeoutError(timeout) from error
        except urllib3.exceptions.HTTPError as error:
            raise APIConnectionError(f"Could not reach {url}: {error}") from error
        except OSError as error:
            raise APIConnectionError(f"Could not reach {url}: {error}") from error


class TokenRefresher:
    """The token side of the transport, implemented by the client's session."""

    def access_token_after_expiry(self, sent_access_token: str) -> Optional[str]:  # pragma: no cover
        raise NotImplementedError


def _bearer(headers: Dict[str, str]) -> Optional[str]:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    match = re.match(r"^Bearer\s+(.+)$", value or "", re.IGNORECASE)
    return match.group(1) if match else None


def _problem_code(data: Optional[bytes]) -> Optional[str]:
    try:
        body = json.loads(data or b"")
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None
