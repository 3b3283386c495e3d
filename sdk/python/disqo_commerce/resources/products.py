from __future__ import annotations

from typing import Optional

from disqo_commerce._core import RequestOptions, Session
from disqo_commerce._pagination import Pager
from disqo_commerce.generated import product as gen
from disqo_commerce.generated.product import Product, ProductSort


class ProductsResource:
    """The catalog: search and browse (no token needed)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._api = gen.ProductsApi(session.api_client(gen))

    def list(
        self,
        q: Optional[str] = None,
        *,
        min_price: Optional[int] = None,
        max_price: Optional[int] = None,
        sort: Optional[ProductSort] = None,
        ids: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        options: Optional[RequestOptions] = None,
    ) -> "Pager[Product]":
        """Searches (``q``: every word must match, prefixes too) or browses the catalog.
        Iterate the result for every matching product (pages are fetched as the loop gets
        there), or take ``.first_page()`` for one page (``data``, ``next_cursor``, ``total_count``)."""

        def fetch(next_cursor: Optional[str]):
            # An admin's token shows inactive products too, so the held token goes along.
            return self._session.call(options, lambda: self._api.search_products(
                q=q, min_price=min_price, max_price=max_price, sort=sort, ids=ids, limit=limit,
                cursor=next_cursor or cursor, _headers=self._session.bearer_headers()))

        return Pager(fetch)

    def get(self, id: int, *, options: Optional[RequestOptions] = None) -> Product:
        """One product with its available stock."""
        return self._session.call(options, lambda: self._api.get_product(id, _headers=self._session.bearer_headers()))
