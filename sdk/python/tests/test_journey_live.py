"""The TypeScript quick start's journey through the installed wheel, against the running
platform: register, log in, search with pagination, cart, quote with promo, checkout,
orders, receipts; then the typed errors the API answers."""
from __future__ import annotations

import os
import uuid

import pytest

from disqo_commerce import (
    ApiError,
    AuthenticationError,
    DisqoCommerce,
    NotFoundError,
    PaymentRequiredError,
    UnprocessableEntityError,
)

PASSWORD = "a-long-journey-pass"


@pytest.fixture
def shopper(base_url):
    """A new customer, logged in."""
    email = f"py-{uuid.uuid4()}@example.com"
    DisqoCommerce(base_url=base_url).auth.register(email=email, password=PASSWORD, first_name="Py", last_name="Thon")
    shop = DisqoCommerce(base_url=base_url)
    shop.auth.login(email=email, password=PASSWORD)
    return shop, email


def in_stock(shop: DisqoCommerce, count: int):
    return [p for p in shop.products.list(q="book", limit=20) if p.available >= 2][:count]


def test_when_the_installed_package_is_imported_then_it_is_the_wheel_not_the_sources():
    import disqo_commerce

    if os.environ.get("DISQO_EXPECT_WHEEL") == "1":
        assert "site-packages" in disqo_commerce.__file__


def test_when_a_shopper_goes_from_search_to_receipt_then_every_step_works(base_url, shopper):
    shop, email = shopper
    assert shop.auth.me().email == email

    first = shop.products.list(q="book", limit=5).first_page()
    assert len(first.data) == 5 and first.total_count > 5 and first.has_next_page()
    seen = [p.id for p, _ in zip(shop.products.list(q="book", limit=5), range(12))]
    assert len(seen) == 12 and len(set(seen)) == 12, "12 products over 3 pages, none twice"

    picks = in_stock(shop, 2)
    for product in picks:
        shop.cart.add_item(product_id=product.id, quantity=2)
    assert sorted(i.product_id for i in shop.cart.get().items) == sorted(p.id for p in picks)

    quote = shop.quotes.create(promo_code="WELCOME10")
    assert quote.status.value == "open" and quote.discount_total.amount > 0
    assert quote.subtotal.amount - quote.discount_total.amount + quote.shipping_total.amount + quote.tax_total.amount == quote.total.amount

    paid = shop.checkout.create(quote_id=quote.id, payment_method={"type": "card", "token": "tok_visa"})
    assert paid.order.status.value == "paid" and paid.order.total.to_dict() == quote.total.to_dict()  # each service package has its own Money

    assert [o.id for o in shop.orders.list()] == [paid.order.id]
    assert shop.orders.get(str(paid.order.id)).id == paid.order.id
    assert [r.kind.value for r in shop.receipts.list(order_id=str(paid.order.id))] == ["sale"]
    assert shop.receipts.get(str(paid.receipt.id)).total == paid.order.total

    before = shop.refresh_token
    shop.auth.refresh()
    assert shop.refresh_token != before
    shop.auth.logout()
    assert shop.access_token is None
    with pytest.raises(AuthenticationError) as caught:
        shop.auth.me()
    assert caught.value.code == "unauthenticated"


def test_when_the_password_is_wrong_then_401_invalid_credentials(base_url, shopper):
    _, email = shopper
    with pytest.raises(AuthenticationError) as caught:
        DisqoCommerce(base_url=base_url).auth.login(email=email, password="not-the-password")
    assert (caught.value.status, caught.value.code) == (401, "invalid_credentials")
    assert caught.value.request_id


def test_when_the_order_is_unknown_then_404_not_found(shopper):
    shop, _ = shopper
    with pytest.raises(NotFoundError) as caught:
        shop.orders.get(str(uuid.uuid4()))
    assert (caught.value.status, caught.value.code) == (404, "not_found")


def test_when_the_registration_is_invalid_then_422_names_the_failing_field(base_url):
    with pytest.raises(UnprocessableEntityError) as caught:
        DisqoCommerce(base_url=base_url).auth.register(email="not-an-email", password=PASSWORD, first_name="A", last_name="B")
    assert (caught.value.status, caught.value.code) == (422, "validation_failed")
    assert "/body/email" in [e.path for e in caught.value.errors]


def test_when_the_card_is_declined_then_402_payment_declined_and_the_quote_stays_payable(shopper):
    shop, _ = shopper
    shop.cart.add_item(product_id=in_stock(shop, 1)[0].id, quantity=1)
    quote = shop.quotes.create()
    with pytest.raises(PaymentRequiredError) as caught:
        shop.checkout.create(quote_id=quote.id, payment_method={"type": "card", "token": "tok_chargeDeclined"})
    assert (caught.value.status, caught.value.code, caught.value.decline_code) == (402, "payment_declined", "card_declined")
    assert isinstance(caught.value, ApiError) and caught.value.transaction_id
    paid = shop.checkout.create(quote_id=quote.id, payment_method={"type": "card", "token": "tok_visa"})
    assert paid.order.status.value == "paid"
