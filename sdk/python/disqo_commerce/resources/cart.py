from __future__ import annotations

from typing import Any, Dict, Optional

from disqo_commerce._core import RequestOptions, Session
from disqo_commerce.generated import cart as gen
from disqo_commerce.generated.cart import Cart, Quote


class CartResource:
    """The caller's cart (created on first use). Every method answers the whole cart."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._api = gen.CartApi(session.api_client(gen))

    def get(self, *, options: Optional[RequestOptions] = None) -> Cart:
        return self._session.call(options, lambda: self._api.get_cart())

    def add_item(self, product_id: int, quantity: int, *, options: Optional[RequestOptions] = None) -> Cart:
        """Adds a product (adding one already in the cart adds to its quantity)."""
        body = gen.CartItemInput(product_id=product_id, quantity=quantity)
        return self._session.call(options, lambda: self._api.add_cart_item(cart_item_input=body))

    def update_item(self, item_id: int, quantity: int, *, options: Optional[RequestOptions] = None) -> Cart:
        body = gen.CartItemUpdate(quantity=quantity)
        return self._session.call(options, lambda: self._api.update_cart_item(item_id, body))

    def remove_item(self, item_id: int, *, options: Optional[RequestOptions] = None) -> Cart:
        return self._session.call(options, lambda: self._api.remove_cart_item(item_id))

    def clear(self, *, options: Optional[RequestOptions] = None) -> Cart:
        return self._session.call(options, lambda: self._api.clear_cart())


class QuotesResource:
    """Quotes: the cart priced now (promo code, tax, shipping), its stock held until it expires."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._api = gen.QuotesApi(session.api_client(gen))

    def create(
        self,
        promo_code: Optional[str] = None,
        shipping_address: Optional[Dict[str, Any]] = None,
        *,
        options: Optional[RequestOptions] = None,
    ) -> Quote:
        """Prices the cart and reserves its stock until ``expires_at``; pay it with ``checkout.create``."""
        fields: Dict[str, Any] = {}
        if promo_code is not None:
            fields["promo_code"] = promo_code
        if shipping_address is not None:
            fields["shipping_address"] = shipping_address
        body = gen.QuoteInput.from_dict(fields)
        return self._session.call(options, lambda: self._api.create_quote(quote_input=body))

    def get(self, id: str, *, options: Optional[RequestOptions] = None) -> Quote:
        return self._session.call(options, lambda: self._api.get_quote(id))
