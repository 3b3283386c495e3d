"""The hand-written layer against a scripted local server: retries (only what is safe to
repeat, with the same Idempotency-Key, honouring Retry-After), token refresh (once), errors."""
from __future__ import annotations

import time

import pytest

from conftest import problem
from disqo_commerce import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    DisqoCommerce,
    InternalServerError,
    PaymentRequiredError,
    RateLimitError,
    RequestOptions,
    RetryPolicy,
    UnprocessableEntityError,
)

FAST = RetryPolicy(initial_delay=0.01, max_delay=0.02, max_retry_after=1.0)
USER = {"id": 1, "email": "sam@example.com", "first_name": "Sam", "last_name": "Shopper", "role": "customer", "is_active": True,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
PAIR = {"access_token": "access-2", "refresh_token": "refresh-2", "token_type": "Bearer", "expires_in": 900}
UNAVAILABLE = (503, {}, problem(503, "service_unavailable"))


def client(fake, **kw) -> DisqoCommerce:
    return DisqoCommerce(base_url=fake.url, retry=FAST, **kw)


def test_when_a_get_meets_503s_then_it_is_retried_until_it_succeeds(fake):
    fake.on("GET", "/v1/users/me", UNAVAILABLE, UNAVAILABLE, (200, {}, USER))
    assert client(fake, access_token="a").auth.me().email == "sam@example.com"
    assert len(fake.calls("GET", "/v1/users/me")) == 3


def test_when_retries_run_out_then_the_last_error_is_raised(fake):
    fake.on("GET", "/v1/users/me", UNAVAILABLE)
    with pytest.raises(InternalServerError) as caught:
        client(fake, access_token="a", max_retries=1).auth.me()
    assert caught.value.code == "service_unavailable"
    assert len(fake.calls("GET", "/v1/users/me")) == 2


def test_when_a_post_without_key_meets_a_503_then_it_is_not_sent_twice(fake):
    fake.on("POST", "/v1/cart/items", UNAVAILABLE)
    with pytest.raises(InternalServerError):
        client(fake, access_token="a").cart.add_item(product_id=1, quantity=1)
    assert len(fake.calls("POST", "/v1/cart/items")) == 1


def test_when_checkout_is_retried_then_every_attempt_carries_the_same_made_key(fake):
    fake.on("POST", "/v1/checkout", UNAVAILABLE)
    shop = client(fake, access_token="a")
    for _ in range(2):
        with pytest.raises(InternalServerError):
            shop.checkout.create(quote_id="q_1", payment_method={"type": "card", "token": "tok_visa"})
    keys = [c["headers"]["Idempotency-Key"] for c in fake.calls("POST", "/v1/checkout")]
    assert len(keys) == 6
    assert len(set(keys[:3])) == 1 and len(set(keys[3:])) == 1, "one key per call, repeated by its retries"
    assert keys[0] != keys[3], "a new call gets a new key"


def test_when_the_caller_gives_a_key_then_checkout_sends_it(fake):
    fake.on("POST", "/v1/checkout", UNAVAILABLE)
    with pytest.raises(InternalServerError):
        client(fake, access_token="a", max_retries=0).checkout.create(
            quote_id="q_1", payment_method={"type": "card", "token": "tok_visa"}, options=RequestOptions(idempotency_key="my-key-123"))
    assert fake.calls("POST", "/v1/checkout")[0]["headers"]["Idempotency-Key"] == "my-key-123"


def test_when_429_says_retry_after_then_the_client_waits_that_long(fake):
    fake.on("GET", "/v1/users/me", (429, {"Retry-After": "0.3"}, problem(429, "rate_limited")), (200, {}, USER))
    started = time.monotonic()
    client(fake, access_token="a").auth.me()
    assert time.monotonic() - started >= 0.3
    assert len(fake.calls("GET", "/v1/users/me")) == 2


def test_when_retry_after_is_too_long_then_the_error_is_raised_with_it(fake):
    fake.on("GET", "/v1/users/me", (429, {"Retry-After": "3600"}, problem(429, "rate_limited")))
    with pytest.raises(RateLimitError) as caught:
        client(fake, access_token="a").auth.me()
    assert caught.value.retry_after == 3600
    assert len(fake.calls("GET", "/v1/users/me")) == 1


def test_when_the_token_expired_then_the_client_refreshes_once_and_retries(fake):
    fake.on("GET", "/v1/users/me", (401, {}, problem(401, "token_expired")), (200, {}, USER))
    fake.on("POST", "/v1/auth/refresh", (200, {}, PAIR))
    stored = []
    shop = client(fake, access_token="access-1", refresh_token="refresh-1", on_tokens=stored.append)
    assert shop.auth.me().id == 1
    me_calls = fake.calls("GET", "/v1/users/me")
    assert [c["headers"]["Authorization"] for c in me_calls] == ["Bearer access-1", "Bearer access-2"]
    assert fake.calls("POST", "/v1/auth/refresh")[0]["body"] == {"refresh_token": "refresh-1"}
    assert [p.access_token for p in stored] == ["access-2"]
    assert shop.access_token == "access-2" and shop.refresh_token == "refresh-2"


def test_when_the_retried_call_is_refused_again_then_the_401_stands_without_a_loop(fake):
    fake.on("GET", "/v1/users/me", (401, {}, problem(401, "token_expired")))
    fake.on("POST", "/v1/auth/refresh", (200, {}, PAIR))
    with pytest.raises(AuthenticationError) as caught:
        client(fake, access_token="access-1", refresh_token="refresh-1").auth.me()
    assert caught.value.code == "token_expired"
    assert len(fake.calls("POST", "/v1/auth/refresh")) == 1
    assert len(fake.calls("GET", "/v1/users/me")) == 2


def test_when_the_refresh_fails_then_the_original_401_is_raised(fake):
    fake.on("GET", "/v1/users/me", (401, {}, problem(401, "token_expired")))
    fake.on("POST", "/v1/auth/refresh", (401, {}, problem(401, "token_invalid")))
    with pytest.raises(AuthenticationError) as caught:
        client(fake, access_token="access-1", refresh_token="refresh-1").auth.me()
    assert caught.value.code == "token_expired"
    assert len(fake.calls("GET", "/v1/users/me")) == 1


def test_when_the_api_answers_a_problem_then_its_fields_are_on_the_typed_error(fake):
    fake.on("POST", "/v1/checkout", (402, {"X-Request-Id": "req-1"}, problem(402, "payment_declined", decline_code="card_declined", transaction_id="t-1")))
    fake.on("POST", "/v1/cart/items", (422, {}, problem(422, "validation_failed", errors=[{"path": "/body/quantity", "message": "must be >= 1"}])))
    shop = client(fake, access_token="a")
    with pytest.raises(PaymentRequiredError) as declined:
        shop.checkout.create(quote_id="q_1", payment_method={"type": "card", "token": "tok_chargeDeclined"})
    assert (declined.value.status, declined.value.code, declined.value.decline_code) == (402, "payment_declined", "card_declined")
    assert declined.value.request_id == "req-1" and declined.value.transaction_id == "t-1"
    with pytest.raises(UnprocessableEntityError) as invalid:
        shop.cart.add_item(product_id=1, quantity=1)
    assert [(e.path, e.message) for e in invalid.value.errors] == [("/body/quantity", "must be >= 1")]


def test_when_nothing_listens_then_a_connection_error_is_raised_after_the_retries(fake):
    url = fake.url
    fake.server.shutdown()
    fake.server.server_close()
    with pytest.raises(APIConnectionError):
        DisqoCommerce(base_url=url, retry=FAST).auth.me()


def test_when_the_server_is_too_slow_then_a_timeout_error_is_raised(fake):
    def slow():
        time.sleep(0.5)
        return USER

    fake.on("GET", "/v1/users/me", (200, {}, slow))
    with pytest.raises(APITimeoutError):
        client(fake, access_token="a", timeout=0.1, max_retries=0).auth.me()


def test_when_a_list_has_three_pages_then_iterating_fetches_each_with_the_cursor(fake):
    def page(ids, cursor):
        return {"data": [dict(id=i, name=f"p{i}", description="", sku=f"S{i}", category="books", price={"amount": 1, "currency": "USD"}, images=[], is_active=True,
                              stock=1, available=1, created_at="2026-01-01T00:00:00Z", updated_at="2026-01-01T00:00:00Z") for i in ids],
                "next_cursor": cursor, "total_count": 5, "total_count_is_lower_bound": False}

    fake.on("GET", "/v1/products", (200, {}, page([1, 2], "c1")), (200, {}, page([3, 4], "c2")), (200, {}, page([5], None)))
    assert [p.id for p in client(fake).products.list(q="kite", limit=2)] == [1, 2, 3, 4, 5]
    paths = [c["path"] for c in fake.calls("GET", "/v1/products")]
    assert "cursor" not in paths[0] and "cursor=c1" in paths[1] and "cursor=c2" in paths[2]
    assert all("q=kite" in p and "limit=2" in p for p in paths)


def test_when_calls_find_the_token_expired_together_then_they_share_one_refresh(fake):
    import threading

    def expired_slowly():
        time.sleep(0.2)  # both calls are out before either refreshes
        return problem(401, "token_expired")

    fake.on("GET", "/v1/users/me", (401, {}, expired_slowly), (401, {}, expired_slowly), (200, {}, USER))
    fake.on("POST", "/v1/auth/refresh", (200, {}, PAIR))
    shop = client(fake, access_token="access-1", refresh_token="refresh-1")
    results = []
    threads = [threading.Thread(target=lambda: results.append(shop.auth.me().id)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [1, 1]
    assert len(fake.calls("POST", "/v1/auth/refresh")) == 1, "a refresh token is single-use"
