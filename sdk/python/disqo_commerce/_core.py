"""What every resource shares: the options, the tokens, and the generated clients wired to the
transport. One ``Session`` per ``DisqoCommerce`` client (one shopper's tokens)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, TypeVar

from disqo_commerce._transport import CURRENT_CALL, CallOptions, RetryPolicy, TokenRefresher, Transport
from disqo_commerce._errors import DisqoCommerceError
from disqo_commerce._version import __version__
from disqo_commerce.generated.auth.models.token_pair import TokenPair

T = TypeVar("T")


@dataclass(frozen=True)
class RequestOptions:
    """Options of one call; every method takes them as its ``options`` keyword argument."""

    #: This call's timeout per attempt, in seconds.
    timeout: Optional[float] = None
    #: This call's retry budget.
    max_retries: Optional[int] = None
    #: The ``Idempotency-Key`` header: any unsafe POST that carries one may be retried safely.
    #: ``checkout.create`` and ``orders.cancel`` make one when omitted.
    idempotency_key: Optional[str] = None
    #: Extra headers for this call.
    headers: Dict[str, str] = field(default_factory=dict)


class Session(TokenRefresher):
    def __init__(
        self,
        base_url: str,
        access_token: Optional[str],
        refresh_token: Optional[str],
        on_tokens: Optional[Callable[[TokenPair], None]],
        timeout: float,
        max_retries: int,
        retry: RetryPolicy,
        headers: Dict[str, str],
    ) -> None:
        if not base_url:
            raise ValueError('DisqoCommerce: base_url is required, e.g. DisqoCommerce(base_url="http://localhost:8080").')
        if not timeout > 0:
            raise ValueError("DisqoCommerce: timeout must be a positive number of seconds.")
        if not (isinstance(max_retries, int) and max_retries >= 0):
            raise ValueError("DisqoCommerce: max_retries must be a whole number >= 0.")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry = retry
        self.headers = dict(headers)
        self.on_tokens = on_tokens
        self._access = access_token or None
        self._refresh = refresh_token or None
        self._configs: List[Any] = []
        # One refresh at a time: a refresh token is single-use, a second use would end the session.
        self._refresh_lock = threading.Lock()
        #: Set by the auth resource: exchanges a refresh token for a pair (kept there so this
        #: module needs no generated API class).
        self.refresh_call: Optional[Callable[[str], TokenPair]] = None

    @property
    def access_token(self) -> Optional[str]:
        return self._access

    @property
    def refresh_token(self) -> Optional[str]:
        return self._refresh

    def set_tokens(self, access_token: Optional[str], refresh_token: Optional[str]) -> None:
        self._access = access_token or None
        self._refresh = refresh_token or None
        # The generated clients add "Authorization: Bearer" where the spec asks for it, from
        # their Configuration: keep every one of them on the current token.
        for config in self._configs:
            config.access_token = self._access

    def store_tokens(self, pair: TokenPair) -> None:
        """Holds a pair the API issued, and tells the app."""
        self.set_tokens(pair.access_token, pair.refresh_token)
        if self.on_tokens is not None:
            self.on_tokens(pair)

    def access_token_after_expiry(self, sent_access_token: str) -> Optional[str]:
        with self._refresh_lock:
            # Another call refreshed while this one was out: use its token, do not rotate again.
            if self._access is not None and self._access != sent_access_token:
                return self._access
            refresh_call, refresh_token = self.refresh_call, self._refresh
            if refresh_token is None or refresh_call is None:
                return None
            try:
                pair = self.call(None, lambda: refresh_call(refresh_token), refresh_on_expiry=False)
            except DisqoCommerceError:
                return None  # spent, revoked or unreachable: the original 401 is the answer
            self.store_tokens(pair)
            return pair.access_token

    def api_client(self, generated: ModuleType) -> Any:
        """A generated package's ApiClient, sending through the SDK's transport."""
        config = generated.Configuration(host=self.base_url)
        config.retries = False  # urllib3 must not retry on its own: the transport decides
        config.access_token = self._access
        client = generated.ApiClient(config)
        client.user_agent = f"disqo-commerce-python/{__version__}"
        for name, value in self.headers.items():
            client.set_default_header(name, value)
        client.rest_client = Transport(client.rest_client, self, self.timeout, self.max_retries, self.retry)
        self._configs.append(config)
        return client

    def call(self, options: Optional[RequestOptions], run: Callable[[], T], refresh_on_expiry: bool = True) -> T:
        """Runs a generated call with this call's options (read by the transport)."""
        opts = options or RequestOptions()
        headers = dict(opts.headers)
        if opts.idempotency_key is not None:
            headers["Idempotency-Key"] = opts.idempotency_key
        token = CURRENT_CALL.set(CallOptions(opts.timeout, opts.max_retries, headers, refresh_on_expiry))
        try:
            return run()
        finally:
            CURRENT_CALL.reset(token)

    def bearer_headers(self) -> Dict[str, str]:
        """For operations where a token is optional (the catalog): sent when the client holds one."""
        return {"Authorization": f"Bearer {self._access}"} if self._access else {}
