"""POST /api/v1/bank/incoming-transfers: the bank's signed notification of money in.

An exact match (the order's reference in the description, its total, while it
awaits payment) confirms the order once; a replay changes nothing; anything
else is recorded and waits in the admin's queue with its reason.
"""

import json

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments.models import PaymentStatus
from marketplace.payouts.models import EntryKind, JournalEntry
from marketplace.banking.signature import signature_of
from tests.bank_support import SECRET, expire, new_bank_reference, notification, send, transactions, transfer_order
from tests.factories import ProductFactory
from tests.order_support import stock_of

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def honey():
    return ProductFactory()


@pytest.fixture
def order(client, as_shopper, honey):
    return transfer_order(client, as_shopper, honey.variants[0].id)


def payment_status(order: dict) -> PaymentStatus:
    db.session.expire_all()
    return db.session.get(Order, order["id"]).payment.status


def sales_of(order: dict) -> int:
    number = order["number"]
    return db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)
                             .where(JournalEntry.kind == EntryKind.SALE, JournalEntry.reference == number))


# --- who may send it --------------------------------------------------------------------------

def _signed_otherwise(body: dict, how: str) -> dict:
    """send()'s keyword arguments for a body signed wrongly, or not at all."""
    if how == "missing":
        return {"secret": None}
    if how == "wrong secret":
        return {"secret": "not-our-secret"}
    if how == "not hex":
        return {"signature": "zz-not-a-signature"}
    tampered = json.dumps({**body, "amount_vnd": 1}).encode()  # signed, then the body changed
    return {"signature": signature_of(tampered, SECRET)}


@pytest.mark.parametrize("how", ["missing", "wrong secret", "not hex", "another body's"])
def test_a_missing_or_wrong_signature_is_refused_and_changes_nothing(client, order, how):
    body = notification(order)

    response = send(client, body, **_signed_otherwise(body, how))

    assert response.status_code == 401
    assert response.json["code"] == "invalid_signature"
    assert transactions() == []
    assert payment_status(order) is PaymentStatus.PENDING


def test_without_a_configured_secret_every_notification_is_refused(app, client, order, monkeypatch):
    monkeypatch.setitem(app.config, "BANK_WEBHOOK_SECRET", "")

    response = send(client, notification(order), secret="")

    assert response.status_code == 401
    assert transactions() == []


def test_a_signed_in_admin_without_the_signature_is_refused_too(client, bearer, order):
    from tests.factories import UserFactory
    body = notification(order)

    response = client.post("/api/v1/bank/incoming-transfers", json=body,
                           headers=bearer(UserFactory(is_admin=True)))

    assert response.status_code == 401
    assert transactions() == []


# --- the exact match ---------------------------------------------------------------------------

def test_a_signed_exact_transfer_confirms_the_order_once(client, as_shopper, order):
    response = send(client, notification(order))

    assert response.status_code == 200
    assert response.json | {"id": None} == {
        "id": None, "bank_reference": response.json["bank_reference"], "amount_vnd": order["total_vnd"],
        "status": "matched", "reason": None, "suggested_action": None, "order_number": order["number"],
        "duplicate": False}
    assert payment_status(order) is PaymentStatus.SUCCEEDED
    shown = client.get(f"/api/v1/orders/{order['id']}", headers=as_shopper).json
    assert shown["status"] == "in_progress"
    assert [s["history"][-1]["actor"] for s in shown["sub_orders"]] == ["system"]
    assert sales_of(order) == 1
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "bank_transfer.confirmed")).all()
    assert entry.details["by"] == "system" and entry.actor_id is None


def test_the_reference_is_found_whatever_the_bank_did_to_case_spaces_and_diacritics(client, order):
    reference = order["transfer_reference"]
    mangled = f"Thanh toán đơn {reference[:4].lower()} {reference[4:8]} {reference[8:].lower()} cảm ơn"

    response = send(client, notification(order, description=mangled))

    assert response.json["status"] == "matched"
    assert payment_status(order) is PaymentStatus.SUCCEEDED


def test_the_same_notification_sent_again_changes_nothing(client, order):
    body = notification(order)
    first = send(client, body)

    again = send(client, body)

    assert again.status_code == 200
    assert again.json == {**first.json, "duplicate": True}
    assert len(transactions()) == 1
    assert sales_of(order) == 1


def test_the_same_bank_reference_with_another_amount_is_refused_and_changes_nothing(client, order):
    body = notification(order)
    send(client, body)

    response = send(client, {**body, "amount_vnd": body["amount_vnd"] + 1000})

    assert response.status_code == 409
    assert response.json["code"] == "bank_reference_reused"
    assert [t.amount_vnd for t in transactions()] == [order["total_vnd"]]


# --- what waits for the admin --------------------------------------------------------------------

@pytest.mark.parametrize("off_by, reason, suggested", [(-1000, "partial", "refund"), (5000, "overpaid", "confirm")])
def test_a_transfer_of_the_wrong_amount_waits_in_the_queue(client, order, off_by, reason, suggested):
    response = send(client, notification(order, amount=order["total_vnd"] + off_by))

    assert response.status_code == 200
    assert (response.json["status"], response.json["reason"], response.json["suggested_action"],
            response.json["order_number"]) == ("queued", reason, suggested, order["number"])
    assert payment_status(order) is PaymentStatus.PENDING
    assert sales_of(order) == 0


def test_an_unknown_reference_waits_with_the_one_order_awaiting_that_amount_as_its_likely_order(client, order):
    response = send(client, notification(order, description="CHUYEN TIEN MUA MAT ONG"))

    assert (response.json["status"], response.json["reason"], response.json["suggested_action"]) == (
        "queued", "unknown_reference", "confirm")
    assert response.json["order_number"] == order["number"]  # a guess, for the admin to check
    [transaction] = transactions()
    assert transaction.order_found_by == "amount"
    assert payment_status(order) is PaymentStatus.PENDING  # a guess never pays an order


def test_an_unknown_reference_without_a_single_likely_order_suggests_returning_the_money(client, as_shopper,
                                                                                         honey, order):
    transfer_order(client, as_shopper, honey.variants[0].id)  # a second order of the same total

    response = send(client, notification(order, description="OCOPZZZZZZZZ chuyen tien"))

    assert (response.json["reason"], response.json["suggested_action"], response.json["order_number"]) == (
        "unknown_reference", "refund", None)


def test_a_transfer_for_an_expired_order_whose_stock_went_back_is_never_confirmed(client, runner, as_shopper,
                                                                                   honey, order):
    expire(order, runner)
    assert stock_of(honey.variants[0].id) == 20

    response = send(client, notification(order))

    assert (response.json["status"], response.json["reason"], response.json["suggested_action"]) == (
        "queued", "order_expired", "re_reserve")
    assert payment_status(order) is PaymentStatus.CANCELLED
    assert client.get(f"/api/v1/orders/{order['id']}", headers=as_shopper).json["status"] == "cancelled"
    assert stock_of(honey.variants[0].id) == 20
    assert sales_of(order) == 0


def test_a_late_transfer_whose_goods_sold_out_meanwhile_suggests_a_refund(client, runner, honey, order):
    expire(order, runner)
    honey.variants[0].stock_quantity = 0
    db.session.commit()

    response = send(client, notification(order))

    assert (response.json["reason"], response.json["suggested_action"]) == ("order_expired", "refund")


def test_a_transfer_for_a_cancelled_order_waits_to_be_returned(client, as_shopper, order):
    cancelled = client.post(f"/api/v1/orders/{order['id']}/cancel", headers=as_shopper, json={"reason": "Đổi ý"})
    assert cancelled.status_code == 200, cancelled.json

    response = send(client, notification(order))

    assert (response.json["status"], response.json["reason"], response.json["suggested_action"]) == (
        "queued", "order_cancelled", "refund")


def test_a_second_payment_of_the_same_order_waits_and_is_not_counted_twice(client, order):
    send(client, notification(order))

    second = send(client, notification(order, reference=new_bank_reference()))

    assert (second.json["status"], second.json["reason"], second.json["suggested_action"]) == (
        "queued", "already_paid", "refund")
    assert sales_of(order) == 1
    assert len(transactions()) == 2


def test_a_notification_of_a_transfer_an_admin_already_confirmed_by_hand_is_recorded_as_matched(
        client, bearer, order):
    from tests.factories import UserFactory
    admin = bearer(UserFactory(is_admin=True))
    confirmed = client.post(f"/api/v1/admin/orders/{order['id']}/confirm-transfer", headers=admin,
                            json={"amount_vnd": order["total_vnd"], "bank_reference": "FT26339777777"})
    assert confirmed.status_code == 200

    response = send(client, notification(order, reference="FT26339777777"))

    assert (response.json["status"], response.json["reason"]) == ("matched", None)
    assert sales_of(order) == 1


# --- bad bodies ---------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    {"amount_vnd": 0}, {"amount_vnd": "320000"}, {"amount_vnd": 1.5}, {"bank_reference": ""},
    {"occurred_at": "hôm qua"}, {"occurred_at": "1899-01-01T00:00:00"}, {"unknown": 1}])
def test_a_signed_body_that_is_not_a_transfer_is_refused_with_field_errors(client, order, change):
    response = send(client, {**notification(order), **change})

    assert response.status_code == 422
    assert transactions() == []


def test_a_time_without_an_offset_is_vietnam_time(client, order):
    send(client, notification(order, occurred_at="2026-12-05 14:02:37"))

    [transaction] = transactions()
    assert transaction.occurred_at.isoformat() == "2026-12-05T07:02:37+00:00"


@pytest.mark.parametrize("field", ["bank_reference", "amount_vnd", "occurred_at"])
def test_a_signed_body_without_a_required_field_is_refused(client, order, field):
    body = notification(order)
    del body[field]

    response = send(client, body)

    assert response.status_code == 422
    assert field in response.json["errors"]["json"]
    assert transactions() == []


def test_a_long_description_is_matched_whole_and_kept_in_part(client, order):
    description = "x" * 900 + order["transfer_reference"]

    response = send(client, notification(order, description=description))

    assert response.json["status"] == "matched"
    assert transactions()[0].description == "x" * 500
