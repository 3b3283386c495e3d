from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any, Callable, Dict, Optional, TypeVar, Union
from uuid import UUID

from disqo_commerce._core import RequestOptions, Session
from disqo_commerce._pagination import Pager
from disqo_commerce.generated import order as gen
from disqo_commerce.generated.order import CheckoutResult, Order, Receipt

T = TypeVar("T")
#: Order and receipt ids are UUIDs: a string or a uuid.UUID.
Id = Union[str, UUID]


def _uuid(value: Id) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def _idempotent(session: Session, options: Optional[RequestOptions], run: Callable[[str], T]) -> T:
    """Runs a call with an Idempotency-Key, made here when the caller gave none. The key is
    fixed before the first attempt, so every retry of this call repeats it."""
    opts = options or RequestOptions()
    key = opts.idempotency_key or str(uuid.uuid4())
    return session.call(replace(opts, idempotency_key=key), lambda: run(key))


class CheckoutResource:
    """Paying for a quote."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._api = gen.CheckoutApi(session.api_client(gen))

    def create(
        self,
        quote_id: str,
        payment_method: Union[Dict[str, Any], gen.PaymentMethod],
        *,
        options: Optional[RequestOptions] = None,
    ) -> CheckoutResult:
        """Charges the card for an open quote and places the order: ``{order, receipt, transaction}``.
        A decline raises PaymentRequiredError (402 ``payment_declined``); the quote stays open.
        The Idempotency-Key is made here unless ``options.idempotency_key`` is given, and every
        retry repeats it, so the card is never charged twice."""
        method = payment_method if isinstance(payment_method, gen.PaymentMethod) else gen.PaymentMethod.model_validate(payment_method)
        body = gen.CheckoutInput(quote_id=quote_id, payment_method=method)
        return _idempotent(self._session, options, lambda key: self._api.create_checkout(idempotency_key=key, checkout_input=body))


class OrdersResource:
    """The caller's orders."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._api = gen.OrdersApi(session.api_client(gen))

    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None, options: Optional[RequestOptions] = None) -> "Pager[Order]":
        """The caller's orders, newest first; iterate for all of them."""
        return Pager(lambda next_cursor: self._session.call(options, lambda: self._api.list_orders(limit=limit, cursor=next_cursor or cursor)))

    def get(self, id: Id, *, options: Optional[RequestOptions] = None) -> Order:
        """One order with its items, shipments, receipts and transactions."""
        return self._session.call(options, lambda: self._api.get_order(id=_uuid(id)))

    def cancel(self, id: Id, reason: Optional[str] = None, *, options: Optional[RequestOptions] = None) -> Order:
        """Cancels an order that has not shipped (refund, stock returned); 409
        ``illegal_transition`` once shipped. The Idempotency-Key is made here unless given."""
        body = gen.CancelInput.from_dict({} if reason is None else {"reason": reason})
        return _idempotent(self._session, options, lambda key: self._api.cancel_order(id=_uuid(id), idempotency_key=key, cancel_input=body))


class ReceiptsResource:
    """Immutable receipts of sales and refunds."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._api = gen.ReceiptsApi(session.api_client(gen))

    def list(self, *, order_id: Optional[Id] = None, limit: Optional[int] = None, cursor: Optional[str] = None, options: Optional[RequestOptions] = None) -> "Pager[Receipt]":
        """The caller's receipts, newest first; ``order_id`` for one order's."""
        return Pager(lambda next_cursor: self._session.call(options, lambda: self._api.list_receipts(limit=limit, cursor=next_cursor or cursor, order_id=None if order_id is None else _uuid(order_id))))

    def get(self, id: Id, *, options: Optional[RequestOptions] = None) -> Receipt:
        return self._session.call(options, lambda: self._api.get_receipt(id=_uuid(id)))
