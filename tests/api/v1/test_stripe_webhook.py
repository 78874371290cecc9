"""POST /api/v1/payments/stripe/webhook: signed, applied once, and robust to
events that arrive late, twice, out of order, or about intents that aren't ours.

Events are signed and posted here by the test (no live server), so each test
decides exactly what arrives and when. PaymentIntents are real ones in
localstripe, which the handler re-reads.
"""

import hashlib
import hmac
import itertools
import json
import time
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from marketplace.catalog.models import Variant
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.orders.lifecycle import SubOrderStatus
from marketplace.orders.models import StatusChange
from marketplace.payments import gateway
from marketplace.payments.models import Payment, RejectedStripeEvent, Refund, StripeEvent
from tests.factories import ProductFactory, UserFactory
from tests.stripe_support import WEBHOOK_SECRET, pay_with_card, signed

WEBHOOK = "/api/v1/payments/stripe/webhook"
ADDRESS = {"recipient_name": "Trần Thu Hà", "phone": "0912345678", "province_code": 1, "ward_code": 70,
           "street_address": "12 Hàng Bạc"}
STRIPE_AUTH = {"Authorization": "Bearer sk_test_ocop"}
_event_ids = itertools.count(1)


def intent_event(intent_id, event_type="payment_intent.succeeded", event_id=None, **intent_fields):
    return {"id": event_id or f"evt_test_{next(_event_ids)}", "object": "event", "type": event_type,
            "data": {"object": {"id": intent_id, "object": "payment_intent", **intent_fields}}}


def charge_refunded_event(intent_id, amount_refunded):
    return {"id": f"evt_test_{next(_event_ids)}", "object": "event", "type": "charge.refunded",
            "data": {"object": {"id": "ch_test", "object": "charge", "payment_intent": intent_id,
                                "amount_refunded": amount_refunded, "refunded": True}}}


def deliver(client, event):
    body, signature = signed(event)
    return client.post(WEBHOOK, data=body, headers={"Stripe-Signature": signature, "Content-Type": "application/json"})


class Shopper:
    def __init__(self, client, headers, order_id):
        self.client, self.headers, self.order_id = client, headers, order_id

    def order(self):
        return self.client.get(f"/api/v1/orders/{self.order_id}", headers=self.headers).json


@pytest.fixture
def card_order(client, stripe_config, bearer):
    """A card order for one 250 000 đ jar; its PaymentIntent is in localstripe, not yet paid."""
    product = ProductFactory()
    headers = bearer(UserFactory())
    client.put(f"/api/v1/cart/lines/{product.variants[0].id}", json={"quantity": 1}, headers=headers)
    response = client.post("/api/v1/checkout", json={"payment_method": "card", "shipping_address": ADDRESS},
                           headers={**headers, "Idempotency-Key": "webhook-test-1"})
    assert response.status_code == 201, response.json
    shopper = Shopper(client, headers, response.json["id"])
    shopper.intent_id = response.json["payment"]["stripe"]["payment_intent_id"]
    return shopper


@pytest.fixture
def paid_order(card_order, stripe_config):
    """The card order after the shopper paid at Stripe, before any webhook arrived."""
    assert pay_with_card(stripe_config, card_order.intent_id)["status"] == "succeeded"
    return card_order


def stripe_events():
    return db.session.scalars(sa.select(StripeEvent.id)).all()


def confirmations():
    return db.session.scalars(sa.select(StatusChange).where(StatusChange.to_status == SubOrderStatus.CONFIRMED)).all()


def signature_for(body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = timestamp or int(time.time())
    digest = hmac.new(secret.encode(), b"%d." % timestamp + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _missing(body):
    return body, None


def _garbage(body):
    return body, "t=1,v1=0123456789abcdef"


def _tampered(body):
    return body.replace(b'"evt_test_', b'"evt_forged_'), signature_for(body)


def _another_secret(body):
    return body, signature_for(body, secret="whsec_someone_else")


def _stale(body):
    return body, signature_for(body, timestamp=int(time.time()) - 3600)


def _an_hour_ahead(body):
    return body, signature_for(body, timestamp=int(time.time()) + 3600)


def _not_json(_body):
    return b"payment_intent.succeeded", signature_for(b"payment_intent.succeeded")


@pytest.mark.parametrize("forge", [_missing, _garbage, _tampered, _another_secret, _stale, _an_hour_ahead, _not_json],
                         ids=["missing", "garbage", "tampered body", "another secret", "stale timestamp",
                              "timestamp an hour ahead", "not JSON"])
def test_an_event_without_a_valid_signature_is_refused_and_changes_nothing(client, paid_order, forge):
    body, signature = forge(json.dumps(intent_event(paid_order.intent_id)).encode())
    headers = {"Content-Type": "application/json"} | ({"Stripe-Signature": signature} if signature else {})

    response = client.post(WEBHOOK, data=body, headers=headers)

    assert response.status_code == 400
    assert response.json["code"] == "bad_signature"
    assert stripe_events() == []
    order = paid_order.order()
    assert (order["status"], order["payment"]["status"]) == ("pending_payment", "pending")


def test_an_event_signed_a_few_minutes_ahead_of_our_clock_is_accepted(client, paid_order):
    body = json.dumps(intent_event(paid_order.intent_id)).encode()
    signature = signature_for(body, timestamp=int(time.time()) + 240)  # clocks drift; 5 minutes either way is fine

    response = client.post(WEBHOOK, data=body, headers={"Stripe-Signature": signature,
                                                        "Content-Type": "application/json"})

    assert (response.status_code, response.json["result"]) == (200, "processed")


def _without(event, *path):
    """The event with the key at `path` (e.g. "data", "object", "id") removed."""
    event = json.loads(json.dumps(event))
    holder = event
    for key in path[:-1]:
        holder = holder[key]
    del holder[path[-1]]
    return event


MALFORMED = {
    "no data.object.id": lambda intent: _without(intent_event(intent), "data", "object", "id"),
    "no data.object": lambda intent: _without(intent_event(intent), "data", "object"),
    "no data": lambda intent: _without(intent_event(intent), "data"),
    "data.object.id not a string": lambda intent: intent_event(5),
    "data.object not an object": lambda intent: {**intent_event(intent), "data": {"object": [intent]}},
    "no event id": lambda intent: _without(intent_event(intent), "id"),
    "not an object at all": lambda intent: [intent_event(intent)],
    "refund without amount_refunded": lambda intent: _without(charge_refunded_event(intent, 1), "data", "object",
                                                              "amount_refunded"),
    "refund of a negative amount": lambda intent: charge_refunded_event(intent, -250_000),
    "refund of a text amount": lambda intent: charge_refunded_event(intent, "250000"),
    "refund without payment_intent": lambda intent: _without(charge_refunded_event(intent, 1), "data", "object",
                                                             "payment_intent"),
}


@pytest.mark.parametrize("malform", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_event_that_is_malformed_is_refused_recorded_and_changes_nothing(client, paid_order, malform):
    event = malform(paid_order.intent_id)

    response = deliver(client, event)
    again = deliver(client, event)  # Stripe redelivers what was refused: refused again, recorded again

    assert (response.status_code, response.json["code"]) == (400, "malformed_event")
    assert (again.status_code, again.json["code"]) == (400, "malformed_event")
    rejected = db.session.scalars(sa.select(RejectedStripeEvent).order_by(RejectedStripeEvent.id)).all()
    assert len(rejected) == 2
    assert rejected[0].reason and rejected[0].reason in response.json["message"]
    assert json.loads(rejected[0].payload) == event
    assert rejected[0].event_id == (event.get("id") if isinstance(event, dict) else None)
    assert stripe_events() == []
    order = paid_order.order()
    assert (order["status"], order["payment"]["status"], order["payment"]["refunded_vnd"]) == (
        "pending_payment", "pending", 0)


def test_a_signed_body_nested_too_deeply_to_parse_is_refused_and_recorded(client, paid_order):
    body = b"[" * 100_000 + b"]" * 100_000

    response = client.post(WEBHOOK, data=body, headers={"Stripe-Signature": signature_for(body),
                                                        "Content-Type": "application/json"})

    assert (response.status_code, response.json["code"]) == (400, "malformed_event")
    [rejected] = db.session.scalars(sa.select(RejectedStripeEvent)).all()
    assert (rejected.event_id, rejected.reason) == (None, "The body is nested too deeply to read.")


def test_a_refunded_charge_without_a_payment_intent_touches_no_order(client, bearer, stripe_config):
    """Stripe sends payment_intent: null for a charge made without one. It is
    never ours, and must not match our payments that have no intent (cash, transfers)."""
    headers = bearer(UserFactory())
    client.put(f"/api/v1/cart/lines/{ProductFactory().variants[0].id}", json={"quantity": 1}, headers=headers)
    cod = client.post("/api/v1/checkout", json={"payment_method": "cod", "shipping_address": ADDRESS},
                      headers={**headers, "Idempotency-Key": "cash-order-1"}).json

    response = deliver(client, charge_refunded_event(None, 50_000))

    assert (response.status_code, response.json["result"]) == (200, "processed")
    assert db.session.scalars(sa.select(Refund)).all() == []
    assert client.get(f"/api/v1/orders/{cod['id']}", headers=headers).json["payment"]["refunded_vnd"] == 0


def test_a_succeeded_event_for_a_paid_intent_confirms_the_order(client, paid_order):
    response = deliver(client, intent_event(paid_order.intent_id))

    assert response.status_code == 200
    assert response.json == {"received": True, "result": "processed"}
    order = paid_order.order()
    assert (order["status"], order["payment"]["status"]) == ("in_progress", "succeeded")
    [history] = [s["history"] for s in order["sub_orders"]]
    assert [(h["to_status"], h["actor"]) for h in history] == [("pending_payment", "shopper"), ("confirmed", "system")]


def test_a_replayed_event_is_a_duplicate_and_applied_once(client, paid_order):
    event = intent_event(paid_order.intent_id)
    body, signature = signed(event)
    headers = {"Stripe-Signature": signature, "Content-Type": "application/json"}
    client.post(WEBHOOK, data=body, headers=headers)
    rows_before = {model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                   for model in (StripeEvent, StatusChange, Refund)}

    response = client.post(WEBHOOK, data=body, headers=headers)

    assert response.status_code == 200
    assert response.json["result"] == "duplicate"
    assert stripe_events() == [event["id"]]
    assert len(confirmations()) == 1
    assert {model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in rows_before} == rows_before


def test_another_event_for_the_same_intent_is_harmless(client, paid_order):
    deliver(client, intent_event(paid_order.intent_id))

    response = deliver(client, intent_event(paid_order.intent_id))

    assert response.json["result"] == "processed"
    assert len(stripe_events()) == 2
    assert len(confirmations()) == 1
    assert paid_order.order()["status"] == "in_progress"


def test_a_failure_event_for_an_intent_that_has_since_succeeded_confirms_the_order(client, paid_order):
    stale_copy = intent_event(paid_order.intent_id, "payment_intent.payment_failed", status="requires_payment_method",
                              last_payment_error={"code": "card_declined", "message": "Your card was declined."})

    response = deliver(client, stale_copy)

    assert response.json["result"] == "processed"
    order = paid_order.order()
    assert (order["status"], order["payment"]["status"]) == ("in_progress", "succeeded")


def test_a_failure_event_arriving_after_the_success_leaves_the_order_confirmed(client, paid_order):
    deliver(client, intent_event(paid_order.intent_id))

    deliver(client, intent_event(paid_order.intent_id, "payment_intent.payment_failed",
                                 status="requires_payment_method",
                                 last_payment_error={"code": "card_declined", "message": "Your card was declined."}))

    order = paid_order.order()
    assert (order["status"], order["payment"]["status"]) == ("in_progress", "succeeded")
    assert "failure_message" not in order["payment"]
    assert len(confirmations()) == 1


def test_an_event_for_an_intent_that_is_not_ours_is_accepted_and_ignored(client, card_order, stripe_config):
    foreign = requests.post(f"{stripe_config}/v1/payment_intents", headers=STRIPE_AUTH,
                            data={"amount": 250_000, "currency": "vnd"}).json()
    pay_with_card(stripe_config, foreign["id"])

    response = deliver(client, intent_event(foreign["id"]))

    assert response.status_code == 200
    assert response.json["result"] == "processed"
    order = card_order.order()
    assert (order["status"], order["payment"]["status"]) == ("pending_payment", "pending")
    assert confirmations() == []


@pytest.mark.parametrize("event_type", ["customer.created", "payment_intent.created", "charge.dispute.created"])
def test_an_event_type_we_do_not_handle_is_ignored(client, paid_order, event_type):
    response = deliver(client, intent_event(paid_order.intent_id, event_type))

    assert response.status_code == 200
    assert response.json["result"] == "ignored"
    assert paid_order.order()["status"] == "pending_payment"


def test_a_refund_made_in_stripe_is_recorded_for_what_we_had_not_counted(client, paid_order, bearer):
    deliver(client, intent_event(paid_order.intent_id))
    order = paid_order.order()
    admin = bearer(UserFactory(is_admin=True))
    client.post(f"/api/v1/admin/orders/{order['id']}/sub-orders/{order['sub_orders'][0]['id']}/refunds",
                json={"amount_vnd": 50_000, "reason": "Lọ bị sứt mẻ"}, headers=admin)

    ours = deliver(client, charge_refunded_event(paid_order.intent_id, 50_000))
    refunds_after_ours = db.session.scalars(sa.select(Refund.amount_vnd)).all()
    theirs = deliver(client, charge_refunded_event(paid_order.intent_id, 120_000))

    assert (ours.json["result"], theirs.json["result"]) == ("processed", "processed")
    assert refunds_after_ours == [50_000]
    external = db.session.scalars(sa.select(Refund).order_by(Refund.id)).all()[-1]
    # One producer's order: the refund made in Stripe is theirs.
    assert (external.amount_vnd, external.sub_order_id, external.stripe_refund_id) == (
        70_000, order["sub_orders"][0]["id"], None)
    after = paid_order.order()
    assert after["payment"]["refunded_vnd"] == 120_000
    assert after["sub_orders"][0]["refunded_vnd"] == 120_000


def test_a_full_refund_made_in_stripe_closes_a_one_producer_order_and_returns_its_stock(client, paid_order):
    deliver(client, intent_event(paid_order.intent_id))
    order = paid_order.order()
    variant_id = order["sub_orders"][0]["lines"][0]["variant_id"]
    stock_before = db.session.get(Variant, variant_id).stock_quantity

    deliver(client, charge_refunded_event(paid_order.intent_id, order["total_vnd"]))

    after = paid_order.order()
    assert (after["status"], after["sub_orders"][0]["status"]) == ("refunded", "refunded")
    db.session.expire_all()
    assert db.session.get(Variant, variant_id).stock_quantity == stock_before + 1


def test_a_partial_refund_made_in_stripe_for_a_several_producer_order_awaits_allocation(client, stripe_config,
                                                                                         bearer):
    """Whose goods it paid back is for an admin to say (tests/api/v1/test_refunds_made_in_stripe.py)."""
    honey, tea = ProductFactory(), ProductFactory()
    headers = bearer(UserFactory())
    for product in (honey, tea):
        client.put(f"/api/v1/cart/lines/{product.variants[0].id}", json={"quantity": 1}, headers=headers)
    placed = client.post("/api/v1/checkout", json={"payment_method": "card", "shipping_address": ADDRESS},
                         headers={**headers, "Idempotency-Key": "two-producers"}).json
    intent_id = placed["payment"]["stripe"]["payment_intent_id"]
    pay_with_card(stripe_config, intent_id)
    deliver(client, intent_event(intent_id))

    deliver(client, charge_refunded_event(intent_id, 30_000))

    (refund,) = db.session.scalars(sa.select(Refund)).all()
    assert (refund.amount_vnd, refund.sub_order_id, refund.awaiting_allocation) == (30_000, None, True)
    order = client.get(f"/api/v1/orders/{placed['id']}", headers=headers).json
    assert [s["refunded_vnd"] for s in order["sub_orders"]] == [0, 0]
    assert order["payment"]["refunded_vnd"] == 30_000


def test_the_refund_event_for_our_own_full_refund_changes_nothing(client, paid_order):
    deliver(client, intent_event(paid_order.intent_id))
    cancelled = client.post(f"/api/v1/orders/{paid_order.order_id}/cancel", json={"reason": "Đặt nhầm"},
                            headers=paid_order.headers).json

    response = deliver(client, charge_refunded_event(paid_order.intent_id, cancelled["total_vnd"]))

    assert response.json["result"] == "processed"
    assert len(db.session.scalars(sa.select(Refund)).all()) == 1
    assert paid_order.order()["payment"] == cancelled["payment"]
    assert cancelled["payment"]["refunded_vnd"] == cancelled["total_vnd"]


def _checkout_while_the_expiry_job_runs(client, headers, monkeypatch, key):
    """The only real way an expired order meets a live intent: the expiry job
    runs while Stripe is still creating the intent at checkout."""
    create_intent = gateway.create_payment_intent

    def expiry_job_runs_while_stripe_answers(**kwargs):
        intent = create_intent(**kwargs)
        fulfilment.expire_reservations(now=utcnow() + timedelta(days=1))
        return intent

    monkeypatch.setattr(gateway, "create_payment_intent", expiry_job_runs_while_stripe_answers)
    return client.post("/api/v1/checkout", json={"payment_method": "card", "shipping_address": ADDRESS},
                       headers={**headers, "Idempotency-Key": key}).json


def test_an_intent_created_for_an_order_that_expired_meanwhile_is_cancelled_at_stripe(
        client, stripe_config, bearer, monkeypatch):
    product = ProductFactory()
    headers = bearer(UserFactory())
    client.put(f"/api/v1/cart/lines/{product.variants[0].id}", json={"quantity": 2}, headers=headers)

    placed = _checkout_while_the_expiry_job_runs(client, headers, monkeypatch, "expired-then-cancelled")

    assert placed["status"] == "cancelled"
    intent_id = db.session.scalar(sa.select(Payment.stripe_payment_intent_id))
    at_stripe = requests.get(f"{stripe_config}/v1/payment_intents/{intent_id}", headers=STRIPE_AUTH).json()
    assert at_stripe["status"] == "canceled"


def test_a_payment_for_an_order_that_expired_meanwhile_is_refunded_in_full(client, stripe_config, bearer,
                                                                           monkeypatch):
    product = ProductFactory()
    headers = bearer(UserFactory())
    client.put(f"/api/v1/cart/lines/{product.variants[0].id}", json={"quantity": 2}, headers=headers)

    def stripe_unreachable(*args, **kwargs):
        raise gateway.PaymentProviderError()

    monkeypatch.setattr(gateway, "cancel_payment_intent", stripe_unreachable)  # so the intent stays open
    placed = _checkout_while_the_expiry_job_runs(client, headers, monkeypatch, "expired-then-paid")
    intent_id = db.session.scalar(sa.select(Payment.stripe_payment_intent_id))
    assert placed["status"] == "cancelled"
    pay_with_card(stripe_config, intent_id)

    deliver(client, intent_event(intent_id))

    order = client.get(f"/api/v1/orders/{placed['id']}", headers=headers).json
    assert order["status"] == "cancelled"
    assert order["payment"]["status"] == "succeeded"
    assert order["payment"]["refunded_vnd"] == order["total_vnd"] == placed["total_vnd"]
    [refund] = db.session.scalars(sa.select(Refund)).all()
    at_stripe = requests.get(f"{stripe_config}/v1/refunds/{refund.stripe_refund_id}", headers=STRIPE_AUTH).json()
    assert (at_stripe["payment_intent"], at_stripe["amount"]) == (intent_id, placed["total_vnd"])
    assert db.session.get(Variant, product.variants[0].id).stock_quantity == 20
