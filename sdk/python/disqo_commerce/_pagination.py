"""Cursor pagination, the same for every list of the API: a page is ``{data, next_cursor}``
(plus ``total_count`` where the API counts), and the next page is asked for with
``cursor=<next_cursor>`` and otherwise the same parameters."""
from __future__ import annotations

from typing import Any, Callable, Generic, Iterator, List, Optional, TypeVar

T = TypeVar("T")
Fetch = Callable[[Optional[str]], Any]


class Page(Generic[T]):
    """One page. ``data`` and ``next_cursor`` are on it, and any other member of the list's
    body (e.g. ``total_count``) is read from ``body``, the generated page model."""

    def __init__(self, body: Any, fetch: Fetch) -> None:
        self.body = body
        self.data: List[T] = list(body.data or [])
        self.next_cursor: Optional[str] = body.next_cursor or None
        self._fetch = fetch

    def __getattr__(self, name: str) -> Any:
        return getattr(self.body, name)

    def has_next_page(self) -> bool:
        return self.next_cursor is not None

    def get_next_page(self) -> "Page[T]":
        if self.next_cursor is None:
            raise StopIteration("This is the last page: there is no next page.")
        return Page(self._fetch(self.next_cursor), self._fetch)

    def iter_pages(self) -> Iterator["Page[T]"]:
        """This page and every following one."""
        page: Page[T] = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        """Every item from this page to the last, fetching pages as the loop reaches them."""
        for page in self.iter_pages():
            yield from page.data


class Pager(Generic[T]):
    """What a list method returns: iterate it for every item across all pages, or take
    ``first_page()`` (or ``pages()``) to work page by page. Nothing is sent until then."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._first: Optional[Page[T]] = None

    def first_page(self) -> Page[T]:
        if self._first is None:
            self._first = Page(self._fetch(None), self._fetch)
        return self._first

    def pages(self) -> Iterator[Page[T]]:
        return self.first_page().iter_pages()

    def __iter__(self) -> Iterator[T]:
        return iter(self.first_page())
