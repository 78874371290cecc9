"""What the app sends to Stripe (localstripe) for real orders, and what happens
when Stripe cannot be reached. Every request is recorded by wrapping the
HTTP client of the `stripe.StripeClient` the gateway builds."""

from datetime import timedelta
from functools import partial
from types import SimpleNamespace
from urllib.parse import parse_qsl

import pytest
import requests
import sqlalchemy as sa
import stripe

from marketplace.catalog.models import Variant
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.payments.models import Payment, Refund
from tests.factories import ProductFactory, UserFactory
from tests.stripe_support import pay_with_card, signed

ADDRESS = {"recipient_name": "Trần Thu Hà", "phone": "0912345678", "province_code": 1, "ward_code": 70,
           "street_address": "12 Hàng Bạc"}
STRIPE_AUTH = {"Authorization": "Bearer sk_test_ocop"}


class RecordingRequestsClient(stripe.RequestsClient):
    """Records each request, then sends it on; the first `unreachable_for` attempts fail as if offline."""

    def __init__(self):
        super().__init__()
        self.sent: list[tuple[str, str, str | None, dict]] = []
        self.unreachable_for = 0

    def request(self, method, url, headers, post_data=None):
        path = "/" + url.split("/", 3)[3]
        self.sent.append((method.upper(), path, headers.get("Idempotency-Key"), dict(parse_qsl(post_data or ""))))
        if self.unreachable_for:
            self.unreachable_for -= 1
            raise stripe.APIConnectionError("Stripe could not be reached.", should_retry=True)
        return super().request(method, url, headers, post_data)

    def _sleep_time_seconds(self, num_retries, response=None):
        return 0

    def posts(self):
        return [(path, key, form) for method, path, key, form in self.sent if method == "POST"]


@pytest.fixture
def stripe_http(stripe_config, monkeypatch):
    http = RecordingRequestsClient()
    monkeypatch.setattr(stripe, "StripeClient", partial(stripe.StripeClient, http_client=http))
    return http


@pytest.fixture
def shopper(client, bearer):
    """A shopper with one 250 000 đ jar (of 20 in stock) in the cart."""
    variant = ProductFactory().variants[0]
    headers = bearer(UserFactory())
    client.put(f"/api/v1/cart/lines/{variant.id}", json={"quantity": 1}, headers=headers)
    return SimpleNamespace(headers=headers, variant_id=variant.id)


def check_out(client, shopper, key="gateway-test-1"):
    return client.post("/api/v1/checkout", json={"payment_method": "card", "shipping_address": ADDRESS},
                       headers={**shopper.headers, "Idempotency-Key": key})


def orders_of(client, shopper):
    return client.get("/api/v1/orders", headers=shopper.headers).json["items"]


def payment_of(order_id) -> Payment:
    db.session.expire_all()
    return db.session.scalar(sa.select(Payment).where(Payment.order_id == order_id))


def stock_of(shopper) -> int:
    return db.session.scalar(sa.select(Variant.stock_quantity).where(Variant.id == shopper.variant_id))


def test_a_card_order_asks_stripe_for_its_total_in_dong_under_a_key_from_its_payment(client, shopper, stripe_http):
    order = check_out(client, shopper).json

    payment = payment_of(order["id"])
    [(path, key, form)] = stripe_http.posts()
    assert (path, key) == ("/v1/payment_intents", f"payment-{payment.id}-intent")
    assert (form["amount"], form["currency"]) == (str(order["total_vnd"]), "vnd")
    assert order["total_vnd"] == 250_000 + order["shipping_total_vnd"]
    assert order["payment"]["stripe"]["payment_intent_id"] == payment.stripe_payment_intent_id


def test_a_refund_goes_to_stripe_under_a_key_from_our_refund(client, shopper, stripe_http, stripe_config):
    order = check_out(client, shopper).json
    intent_id = order["payment"]["stripe"]["payment_intent_id"]
    pay_with_card(stripe_config, intent_id)
    body, signature = signed({"id": "evt_paid", "type": "payment_intent.succeeded",
                              "data": {"object": {"id": intent_id}}})
    client.post("/api/v1/payments/stripe/webhook", data=body, headers={"Stripe-Signature": signature})

    cancelled = client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "Đặt nhầm"},
                            headers=shopper.headers)

    assert cancelled.json["payment"]["refunded_vnd"] == order["total_vnd"]
    [refund] = db.session.scalars(sa.select(Refund)).all()
    (path, key, form) = stripe_http.posts()[-1]
    assert (path, key) == ("/v1/refunds", f"refund-{refund.id}")
    assert form == {"payment_intent": intent_id, "amount": str(order["total_vnd"])}
    assert refund.stripe_refund_id is not None


def test_an_expired_reservation_cancels_its_intent_under_a_key_from_our_payment(client, shopper, stripe_http,
                                                                                stripe_config):
    order = check_out(client, shopper).json
    intent_id = order["payment"]["stripe"]["payment_intent_id"]

    expired = fulfilment.expire_reservations(now=utcnow() + timedelta(days=1))

    assert expired == 1
    (path, key, _form) = stripe_http.posts()[-1]
    assert (path, key) == (f"/v1/payment_intents/{intent_id}/cancel", f"payment-{payment_of(order['id']).id}-cancel")
    assert requests.get(f"{stripe_config}/v1/payment_intents/{intent_id}", headers=STRIPE_AUTH).json()["status"] \
        == "canceled"
    assert stock_of(shopper) == 20


def test_when_stripe_is_down_checkout_answers_with_the_order_and_keeps_it(client, shopper, stripe_http):
    stripe_http.unreachable_for = 3

    response = check_out(client, shopper)

    assert response.status_code == 201
    assert response.json["payment"]["retry"]["path"] == f"/api/v1/orders/{response.json['id']}/payment-intent"
    [order] = orders_of(client, shopper)
    assert (order["status"], order["payment"]["status"]) == ("pending_payment", "pending")
    assert order["payment"]["stripe"]["payment_intent_id"] is None
    assert stock_of(shopper) == 19
    payment = payment_of(order["id"])
    assert [key for _path, key, _form in stripe_http.posts()] == [f"payment-{payment.id}-intent"] * 3


@pytest.mark.parametrize("retry", [
    pytest.param(lambda client, shopper, order_id: client.post(f"/api/v1/orders/{order_id}/payment-intent",
                                                               headers=shopper.headers), id="payment-intent"),
    pytest.param(lambda client, shopper, _order_id: check_out(client, shopper), id="checkout with the same key"),
])
def test_after_a_stripe_outage_the_payment_can_be_retried_under_the_same_key(client, shopper, stripe_http, retry):
    stripe_http.unreachable_for = 3
    check_out(client, shopper)
    [order] = orders_of(client, shopper)

    retried = retry(client, shopper, order["id"])
    again = retry(client, shopper, order["id"])

    assert retried.status_code == again.status_code == 200
    assert retried.json["id"] == order["id"]
    intent_id = retried.json["payment"]["stripe"]["payment_intent_id"]
    assert intent_id.startswith("pi_")
    assert again.json["payment"]["stripe"]["payment_intent_id"] == intent_id
    payment = payment_of(order["id"])
    assert payment.stripe_payment_intent_id == intent_id
    assert [key for _path, key, _form in stripe_http.posts()] == [f"payment-{payment.id}-intent"] * 4
    assert len(orders_of(client, shopper)) == 1


def test_an_order_that_expired_during_a_stripe_outage_gets_no_payment_intent(client, shopper, stripe_http):
    stripe_http.unreachable_for = 3
    check_out(client, shopper)
    [order] = orders_of(client, shopper)
    fulfilment.expire_reservations(now=utcnow() + timedelta(days=1))

    response = client.post(f"/api/v1/orders/{order['id']}/payment-intent", headers=shopper.headers)

    assert response.status_code == 200
    assert (response.json["status"], response.json["payment"]["status"]) == ("cancelled", "cancelled")
    assert response.json["payment"]["stripe"]["payment_intent_id"] is None
    assert len(stripe_http.posts()) == 3
