"""The SDK's errors. Every failure a caller can see is one of these:

    DisqoCommerceError
    ├── ApiError                  the API answered with a non-2xx status (problem+json parsed)
    │   ├── BadRequestError            400
    │   ├── AuthenticationError        401
    │   ├── PaymentRequiredError       402  (decline_code, transaction_id)
    │   ├── PermissionDeniedError      403
    │   ├── NotFoundError              404
    │   ├── ConflictError              409
    │   ├── UnprocessableEntityError   422  (errors: the failing fields)
    │   ├── RateLimitError             429
    │   └── InternalServerError        5xx
    └── APIConnectionError        no answer at all (DNS, refused, reset, ...)
        └── APITimeoutError            no answer within the timeout

The names follow the TypeScript SDK; the connection errors carry an ``API`` prefix so they do
not shadow Python's built-in ``ConnectionError`` and ``TimeoutError``.
"""
from __future__ import annotations

import email.utils
import json
import time
from typing import Any, Dict, List, Mapping, Optional, Type

from disqo_commerce.generated.auth.models.field_error import FieldError


class DisqoCommerceError(Exception):
    """The base class of every error the SDK raises."""


class APIConnectionError(DisqoCommerceError):
    """The API could not be reached, or the connection broke before a response arrived."""


class APITimeoutError(APIConnectionError):
    """No complete response within the request's timeout."""

    def __init__(self, timeout: float) -> None:
        super().__init__(f"The request timed out after {timeout} s.")
        self.timeout = timeout


class ApiError(DisqoCommerceError):
    """The API answered with a non-2xx status.

    The problem+json body (RFC 9457) is parsed into ``type``, ``title``, ``detail``, ``code`` and
    ``errors``; switch on ``code`` (a stable ErrorCode value), never on the English text.
    """

    status: int
    #: The stable error code (``not_found``, ``payment_declined``, ...); None only when the body
    #: was not problem+json (e.g. an HTML 502 from a proxy).
    code: Optional[str]
    type: Optional[str]
    title: Optional[str]
    detail: Optional[str]
    #: For ``validation_failed``: the failing fields (``path`` like ``/body/email``); else empty.
    errors: List[FieldError]
    #: ``X-Request-Id``: quote it when asking for support; it is in the API's logs.
    request_id: Optional[str]
    #: Seconds to wait before trying again, from ``Retry-After`` (429, 503), when sent.
    retry_after: Optional[float]
    #: The whole parsed body (a dict for problem+json), with extension members such as ``products``.
    body: Any
    headers: Mapping[str, str]

    def __init__(self, status: int, headers: Mapping[str, str], body: Any) -> None:
        problem = body if isinstance(body, dict) else {}
        text = _str(problem.get("detail")) or _str(problem.get("title"))
        if text is None and isinstance(body, str) and len(body) <= 200:
            text = body
        code = _str(problem.get("code"))
        super().__init__(f"{status}{' ' + code if code else ''}: {text or 'The API answered with an error.'}")
        self.status = status
        self.headers = headers
        self.body = body
        self.code = code
        self.type = _str(problem.get("type"))
        self.title = _str(problem.get("title"))
        self.detail = _str(problem.get("detail"))
        self.errors = _field_errors(problem.get("errors"))
        self.request_id = _header(headers, "x-request-id") or _str(problem.get("request_id"))
        self.retry_after = parse_retry_after(_header(headers, "retry-after"))

    @staticmethod
    def from_response(status: int, headers: Mapping[str, str], data: Optional[bytes]) -> "ApiError":
        """The ApiError subclass for a status, with the body parsed (JSON when it is JSON)."""
        text = (data or b"").decode("utf-8", errors="replace")
        body: Any = text if text else None
        if text:
            try:
                body = json.loads(text)
            except ValueError:
                pass  # not JSON: keep the text (a proxy's HTML error page, for instance)
        return _class_for(status)(status, headers, body)


class BadRequestError(ApiError):
    """400, e.g. ``malformed_request``."""


class AuthenticationError(ApiError):
    """401: ``unauthenticated``, ``invalid_credentials``, ``token_expired``, ``token_invalid``."""


class PaymentRequiredError(ApiError):
    """402 ``payment_declined``: the card was declined; the quote stays open."""

    @property
    def decline_code(self) -> Optional[str]:
        """The processor's reason, e.g. ``card_declined`` or ``insufficient_funds``."""
        return _str(self.body.get("decline_code")) if isinstance(self.body, dict) else None

    @property
    def transaction_id(self) -> Optional[str]:
        """The declined transaction (listed by ``GET /v1/transactions``)."""
        return _str(self.body.get("transaction_id")) if isinstance(self.body, dict) else None


class PermissionDeniedError(ApiError):
    """403 ``forbidden``."""


class NotFoundError(ApiError):
    """404 ``not_found`` (also for someone else's cart, quote or order)."""


class ConflictError(ApiError):
    """409: ``email_taken``, ``insufficient_stock``, ``quote_expired``, ``illegal_transition``, ..."""


class UnprocessableEntityError(ApiError):
    """422: ``validation_failed`` (see ``errors``), ``weak_password``, ``cart_empty``, ..."""


class RateLimitError(ApiError):
    """429 ``rate_limited``."""


class InternalServerError(ApiError):
    """Any 5xx, e.g. 503 ``service_unavailable``."""


_BY_STATUS: Dict[int, Type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _class_for(status: int) -> Type[ApiError]:
    return _BY_STATUS.get(status, InternalServerError if status >= 500 else ApiError)


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``Retry-After`` in seconds: either delta-seconds or an HTTP date."""
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    try:
        seconds = float(value)
        return seconds if seconds >= 0 else None
    except ValueError:
        pass
    try:
        at = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, at - (time.time() if now is None else now))


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    getter = getattr(headers, "get", None)
    value = getter(name) if getter else None  # urllib3's HTTPHeaderDict is case-insensitive
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


def _str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def _field_errors(value: Any) -> List[FieldError]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("path"), str) and isinstance(item.get("message"), str):
            out.append(FieldError(path=item["path"], message=item["message"]))
    return out
