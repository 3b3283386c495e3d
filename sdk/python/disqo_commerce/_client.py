"""The DISQO Commerce API client: ``DisqoCommerce``."""
from __future__ import annotations

from typing import Callable, Dict, Optional

from disqo_commerce._core import Session
from disqo_commerce._transport import RetryPolicy
from disqo_commerce.generated.auth.models.token_pair import TokenPair
from disqo_commerce.resources.auth import AuthResource
from disqo_commerce.resources.cart import CartResource, QuotesResource
from disqo_commerce.resources.orders import CheckoutResource, OrdersResource, ReceiptsResource
from disqo_commerce.resources.products import ProductsResource


class DisqoCommerce:
    """One client holds one session's tokens: on a server acting for many shoppers, create one
    per shopper (construction is cheap). Field names are the API's (snake_case), unchanged.

    ::

        shop = DisqoCommerce(base_url="http://localhost:8080")
        shop.auth.login(email="shopper@example.com", password="shopper-demo-pass")
        for product in shop.products.list(q="book"):
            print(product.name)
    """

    def __init__(
        self,
        base_url: str,
        *,
        access_token: Optional[str] = None,
        refresh_token: Optional[str] = None,
        on_tokens: Optional[Callable[[TokenPair], None]] = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        retry: RetryPolicy = RetryPolicy(),
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        self._session = Session(base_url, access_token, refresh_token, on_tokens, timeout, max_retries, retry, headers or {})
        #: Register, log in, refresh, log out; the caller's profile (``me``).
        self.auth = AuthResource(self._session)
        #: The catalog.
        self.products = ProductsResource(self._session)
        #: The caller's cart.
        self.cart = CartResource(self._session)
        #: Quotes of the cart.
        self.quotes = QuotesResource(self._session)
        #: Paying for a quote.
        self.checkout = CheckoutResource(self._session)
        #: The caller's orders.
        self.orders = OrdersResource(self._session)
        #: Immutable receipts.
        self.receipts = ReceiptsResource(self._session)

    @property
    def access_token(self) -> Optional[str]:
        return self._session.access_token

    @property
    def refresh_token(self) -> Optional[str]:
        return self._session.refresh_token

    def set_tokens(self, access_token: Optional[str], refresh_token: Optional[str]) -> None:
        """Holds a token pair you stored earlier (``on_tokens`` is not called for it)."""
        self._session.set_tokens(access_token, refresh_token)

    def clear_tokens(self) -> None:
        """Forgets the tokens locally (revokes nothing: use ``auth.logout()`` for that)."""
        self._session.set_tokens(None, None)
