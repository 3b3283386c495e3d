"""disqo_commerce: the Python client of the DISQO Commerce API.

``DisqoCommerce`` is a thin layer over the clients generated from the OpenAPI contracts
(``disqo_commerce.generated.<service>``), whose models it takes and returns.
"""
from disqo_commerce._client import DisqoCommerce
from disqo_commerce._core import RequestOptions
from disqo_commerce._errors import (
    APIConnectionError,
    ApiError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DisqoCommerceError,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from disqo_commerce._pagination import Page, Pager
from disqo_commerce._transport import RetryPolicy
from disqo_commerce._version import __version__

__all__ = [
    "DisqoCommerce",
    "RequestOptions",
    "RetryPolicy",
    "Page",
    "Pager",
    "DisqoCommerceError",
    "ApiError",
    "BadRequestError",
    "AuthenticationError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "__version__",
]
