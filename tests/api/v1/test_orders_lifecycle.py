"""An order's life after checkout, as the shopper and each producer drive it:
fulfilment, cash on delivery, cancellation, receipt, expiry and card payments."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments.models import Payment, Refund
from tests.factories import ProductFactory, UserFactory, member_of
from tests.order_support import moves, part_of, place_order, portal_orders, see_other_commits, stock_of
from tests.stripe_support import eventually, pay_with_card


@pytest.fixture
def honey():
    return ProductFactory()


@pytest.fixture
def tea():
    return ProductFactory()


@pytest.fixture
def as_honey_producer(bearer, honey):
    return bearer(member_of(honey.producer))


@pytest.fixture
def as_tea_producer(bearer, tea):
    return bearer(member_of(tea.producer))


def act(client, headers, part: dict, action: str, **body):
    """A producer's action on its part of an order, through the portal."""
    producer_id = part["producer"]["id"]
    return client.post(portal_orders(producer_id, part["id"], action), json=body, headers=headers)


def ship(client, headers, part: dict):
    return act(client, headers, part, "ship", carrier="Viettel Post", tracking_number=f"VTP{part['id']:08d}")


def deliver(client, headers, part: dict, **body):
    return act(client, headers, part, "deliver", **body)


def order_now(client, headers, order: dict) -> dict:
    """The order as the shopper sees it now (after other threads' commits)."""
    see_other_commits()
    return client.get(f"/api/v1/orders/{order['id']}", headers=headers).json


def payment_of(order: dict) -> Payment:
    see_other_commits()
    return db.session.scalar(sa.select(Payment).where(Payment.order_id == order["id"]))


# --- the shopper's orders ------------------------------------------------------------------

def test_shoppers_list_their_own_orders_newest_first_by_status(client, bearer, as_shopper, honey):
    first = place_order(client, as_shopper, honey.variants[0].id)
    second = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    place_order(client, bearer(UserFactory()), honey.variants[0].id)

    everything = client.get("/api/v1/orders", headers=as_shopper).json
    waiting = client.get("/api/v1/orders", query_string={"status": "pending_payment"}, headers=as_shopper).json

    assert [o["id"] for o in everything["items"]] == [second["id"], first["id"]]
    assert everything["total"] == 2
    assert [o["id"] for o in waiting["items"]] == [second["id"]]


def test_nobody_else_sees_or_touches_a_shoppers_order(client, bearer, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id)
    part = order["sub_orders"][0]
    someone_else = bearer(UserFactory())

    responses = [
        client.get(f"/api/v1/orders/{order['id']}", headers=someone_else),
        client.post(f"/api/v1/orders/{order['id']}/cancel", json={}, headers=someone_else),
        client.post(f"/api/v1/orders/{order['id']}/sub-orders/{part['id']}/confirm-received", headers=someone_else),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert order_now(client, as_shopper, order)["status"] == "in_progress"
    assert client.get("/api/v1/orders", headers=someone_else).json["items"] == []


# --- fulfilment and cash on delivery ---------------------------------------------------------

def test_a_producer_packs_ships_and_delivers_its_part_collecting_the_cash(client, as_shopper, honey,
                                                                             as_honey_producer):
    order = place_order(client, as_shopper, (honey.variants[0].id, 2))
    part = order["sub_orders"][0]

    packed = act(client, as_honey_producer, part, "pack")
    shipped = ship(client, as_honey_producer, part)
    delivered = deliver(client, as_honey_producer, part, cash_collected_vnd=part["total_vnd"])

    assert [r.status_code for r in (packed, shipped, delivered)] == [200, 200, 200]
    assert (shipped.json["carrier"], shipped.json["tracking_number"]) == ("Viettel Post", f"VTP{part['id']:08d}")
    assert delivered.json["status"] == "delivered"
    assert delivered.json["cash_collected_vnd"] == part["total_vnd"] == 2 * 250_000 + 45_000
    assert delivered.json["delivered_at"] is not None
    seen = order_now(client, as_shopper, order)
    assert seen["status"] == "delivered"
    assert moves(seen["sub_orders"][0]) == [(None, "confirmed", "shopper"), ("confirmed", "packed", "producer"),
                                            ("packed", "shipped", "producer"), ("shipped", "delivered", "producer")]
    times = [datetime.fromisoformat(h["created_at"]) for h in seen["sub_orders"][0]["history"]]
    assert times == sorted(times) and all(t.utcoffset() == timedelta(hours=7) for t in times)


def test_a_part_may_ship_without_being_packed_first(client, as_shopper, honey, as_honey_producer):
    part = place_order(client, as_shopper, honey.variants[0].id)["sub_orders"][0]

    response = ship(client, as_honey_producer, part)

    assert response.status_code == 200
    assert moves(response.json)[-1] == ("confirmed", "shipped", "producer")


@pytest.mark.parametrize("cash", [
    lambda due: {}, lambda due: {"cash_collected_vnd": due - 1}, lambda due: {"cash_collected_vnd": due + 1},
], ids=["missing", "short", "over"])
def test_cash_on_delivery_must_record_exactly_the_amount_due(client, as_shopper, honey, as_honey_producer, cash):
    order = place_order(client, as_shopper, (honey.variants[0].id, 2))
    part = order["sub_orders"][0]
    ship(client, as_honey_producer, part)

    response = deliver(client, as_honey_producer, part, **cash(part["total_vnd"]))

    assert response.status_code == 422
    assert "cash_collected_vnd" in response.json["errors"]["json"]
    seen = order_now(client, as_shopper, order)
    assert (seen["sub_orders"][0]["status"], seen["sub_orders"][0]["cash_collected_vnd"]) == ("shipped", None)
    assert payment_of(order).status == "pending"


def test_a_cod_payment_succeeds_once_every_part_has_been_paid_in_cash(client, as_shopper, honey, tea,
                                                                      as_honey_producer, as_tea_producer):
    order = place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id)
    honey_part, tea_part = part_of(order, honey.producer_id), part_of(order, tea.producer_id)
    ship(client, as_honey_producer, honey_part)
    ship(client, as_tea_producer, tea_part)

    deliver(client, as_honey_producer, honey_part, cash_collected_vnd=honey_part["total_vnd"])
    after_one = (payment_of(order).status, payment_of(order).paid_at)
    deliver(client, as_tea_producer, tea_part, cash_collected_vnd=tea_part["total_vnd"])
    after_both = (payment_of(order).status, payment_of(order).paid_at)

    assert after_one == ("pending", None)
    assert after_both[0] == "succeeded" and after_both[1] is not None
    assert order_now(client, as_shopper, order)["payment"]["status"] == "succeeded"


def test_a_single_part_cod_payment_is_paid_with_paid_at_when_the_producer_records_the_cash(
        client, as_shopper, honey, as_honey_producer):
    order = place_order(client, as_shopper, honey.variants[0].id)
    part = order["sub_orders"][0]
    ship(client, as_honey_producer, part)

    deliver(client, as_honey_producer, part, cash_collected_vnd=part["total_vnd"])

    payment = order_now(client, as_shopper, order)["payment"]
    assert payment["status"] == "succeeded"
    assert payment["paid_at"].endswith("+07:00")


def test_a_cod_payment_is_cancelled_when_the_producer_cancels_its_only_part(client, as_shopper, honey,
                                                                           as_honey_producer):
    order = place_order(client, as_shopper, honey.variants[0].id)

    cancelled = act(client, as_honey_producer, order["sub_orders"][0], "cancel", reason="Hết hàng")

    assert cancelled.status_code == 200
    assert order_now(client, as_shopper, order)["payment"]["status"] == "cancelled"
    assert payment_of(order).paid_at is None


def test_a_cod_payment_is_paid_when_the_part_left_uncollected_is_cancelled(client, as_shopper, honey, tea,
                                                                           as_honey_producer, as_tea_producer):
    """Every live part's cash is in once the other part is cancelled: nothing more will be collected."""
    order = place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id)
    honey_part, tea_part = part_of(order, honey.producer_id), part_of(order, tea.producer_id)
    ship(client, as_honey_producer, honey_part)
    deliver(client, as_honey_producer, honey_part, cash_collected_vnd=honey_part["total_vnd"])
    assert payment_of(order).status == "pending"

    act(client, as_tea_producer, tea_part, "cancel", reason="Hết hàng")

    payment = order_now(client, as_shopper, order)["payment"]
    assert payment["status"] == "succeeded" and payment["paid_at"].endswith("+07:00")


def test_cash_is_refused_for_an_order_paid_another_way(client, as_shopper, honey, as_honey_producer, bearer):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    admin = bearer(UserFactory(is_admin=True))
    client.post(f"/api/v1/admin/orders/{order['id']}/confirm-transfer", headers=admin,
                json={"amount_vnd": order["total_vnd"], "bank_reference": "FT26326000001"})
    part = order["sub_orders"][0]
    ship(client, as_honey_producer, part)

    refused = deliver(client, as_honey_producer, part, cash_collected_vnd=part["total_vnd"])
    delivered = deliver(client, as_honey_producer, part)

    assert refused.status_code == 422
    assert "cash_collected_vnd" in refused.json["errors"]["json"]
    assert delivered.status_code == 200


@pytest.mark.parametrize("steps, action", [
    ([], "deliver"),
    (["ship"], "pack"),
    (["ship", "deliver"], "ship"),
])
def test_illegal_moves_are_refused_and_change_nothing(client, as_shopper, honey, as_honey_producer, steps, action):
    order = place_order(client, as_shopper, honey.variants[0].id)
    part = order["sub_orders"][0]
    calls = {"pack": lambda: act(client, as_honey_producer, part, "pack"),
             "ship": lambda: ship(client, as_honey_producer, part),
             "deliver": lambda: deliver(client, as_honey_producer, part, cash_collected_vnd=part["total_vnd"])}
    for step in steps:
        assert calls[step]().status_code == 200
    before = order_now(client, as_shopper, order)["sub_orders"][0]

    response = calls[action]()

    assert response.status_code == 409
    assert response.json["code"] == "illegal_transition"
    assert order_now(client, as_shopper, order)["sub_orders"][0] == before


def test_a_part_waiting_for_payment_cannot_be_packed_or_shipped(client, as_shopper, honey, as_honey_producer):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    part = order["sub_orders"][0]

    responses = [act(client, as_honey_producer, part, "pack"), ship(client, as_honey_producer, part)]

    assert [r.status_code for r in responses] == [409, 409]
    assert order_now(client, as_shopper, order)["sub_orders"][0]["status"] == "pending_payment"


def test_shipping_needs_a_carrier_and_a_tracking_number(client, as_shopper, honey, as_honey_producer):
    part = place_order(client, as_shopper, honey.variants[0].id)["sub_orders"][0]

    response = act(client, as_honey_producer, part, "ship", carrier="GHN")

    assert response.status_code == 422
    assert "tracking_number" in response.json["errors"]["json"]


# --- cancellation ----------------------------------------------------------------------------

def test_a_shopper_cancels_before_shipping_and_the_stock_comes_back(client, as_shopper, honey, tea,
                                                                     as_honey_producer):
    order = place_order(client, as_shopper, (honey.variants[0].id, 3), (tea.variants[0].id, 2))
    act(client, as_honey_producer, part_of(order, honey.producer_id), "pack")

    response = client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "Đặt nhầm"}, headers=as_shopper)

    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    assert [s["status"] for s in response.json["sub_orders"]] == ["cancelled", "cancelled"]
    assert moves(part_of(response.json, honey.producer_id))[-1] == ("packed", "cancelled", "shopper")
    assert part_of(response.json, tea.producer_id)["history"][-1]["reason"] == "Đặt nhầm"
    assert (stock_of(honey.variants[0].id), stock_of(tea.variants[0].id)) == (20, 20)
    assert payment_of(order).status == "cancelled"


def test_a_shopper_cannot_cancel_once_everything_has_shipped(client, as_shopper, honey, as_honey_producer):
    order = place_order(client, as_shopper, (honey.variants[0].id, 3))
    ship(client, as_honey_producer, order["sub_orders"][0])

    response = client.post(f"/api/v1/orders/{order['id']}/cancel", json={}, headers=as_shopper)

    assert response.status_code == 409
    assert response.json["code"] == "not_cancellable"
    assert order_now(client, as_shopper, order)["sub_orders"][0]["status"] == "shipped"
    assert stock_of(honey.variants[0].id) == 17


def test_a_shopper_cancel_spares_the_parts_already_on_their_way(client, as_shopper, honey, tea, as_honey_producer):
    order = place_order(client, as_shopper, honey.variants[0].id, (tea.variants[0].id, 4))
    ship(client, as_honey_producer, part_of(order, honey.producer_id))

    response = client.post(f"/api/v1/orders/{order['id']}/cancel", json={}, headers=as_shopper)

    assert response.status_code == 200
    assert part_of(response.json, honey.producer_id)["status"] == "shipped"
    assert part_of(response.json, tea.producer_id)["status"] == "cancelled"
    assert (stock_of(honey.variants[0].id), stock_of(tea.variants[0].id)) == (19, 20)
    assert payment_of(order).status == "pending"


def test_a_producer_cancels_its_part_only_with_a_reason(client, as_shopper, honey, tea, as_honey_producer):
    order = place_order(client, as_shopper, (honey.variants[0].id, 2), tea.variants[0].id)
    part = part_of(order, honey.producer_id)

    without = act(client, as_honey_producer, part, "cancel")
    blank = act(client, as_honey_producer, part, "cancel", reason="")
    cancelled = act(client, as_honey_producer, part, "cancel", reason="Hết hàng do mưa lũ")

    assert [r.status_code for r in (without, blank)] == [422, 422]
    assert "reason" in without.json["errors"]["json"]
    assert cancelled.status_code == 200
    assert (cancelled.json["status"], cancelled.json["cancel_reason"]) == ("cancelled", "Hết hàng do mưa lũ")
    assert cancelled.json["history"][-1] | {"created_at": None} == {
        "from_status": "confirmed", "to_status": "cancelled", "actor": "producer", "reason": "Hết hàng do mưa lũ",
        "created_at": None}
    assert stock_of(honey.variants[0].id) == 20
    assert part_of(order_now(client, as_shopper, order), tea.producer_id)["status"] == "confirmed"
    assert order_now(client, as_shopper, order)["status"] == "in_progress"


def test_a_producer_cannot_cancel_after_shipping(client, as_shopper, honey, as_honey_producer):
    part = place_order(client, as_shopper, honey.variants[0].id)["sub_orders"][0]
    ship(client, as_honey_producer, part)

    response = act(client, as_honey_producer, part, "cancel", reason="Khách đổi ý")

    assert response.status_code == 409
    assert response.json["code"] == "illegal_transition"


# --- receipt and the order's derived status -----------------------------------------------------

def test_the_order_status_follows_its_parts_to_completion(client, as_shopper, honey, tea, as_honey_producer,
                                                          as_tea_producer):
    order = place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id)
    honey_part, tea_part = part_of(order, honey.producer_id), part_of(order, tea.producer_id)
    statuses = [order["status"]]

    def then(response):
        assert response.status_code == 200, response.json
        statuses.append(order_now(client, as_shopper, order)["status"])

    then(act(client, as_honey_producer, honey_part, "pack"))
    then(ship(client, as_honey_producer, honey_part))
    then(deliver(client, as_honey_producer, honey_part, cash_collected_vnd=honey_part["total_vnd"]))
    then(ship(client, as_tea_producer, tea_part))
    then(deliver(client, as_tea_producer, tea_part, cash_collected_vnd=tea_part["total_vnd"]))
    then(client.post(f"/api/v1/orders/{order['id']}/sub-orders/{honey_part['id']}/confirm-received",
                     headers=as_shopper))
    then(client.post(f"/api/v1/orders/{order['id']}/sub-orders/{tea_part['id']}/confirm-received",
                     headers=as_shopper))

    assert statuses == ["in_progress", "in_progress", "partially_shipped", "partially_shipped",
                        "shipped", "delivered", "delivered", "completed"]
    final = order_now(client, as_shopper, order)
    assert moves(part_of(final, tea.producer_id))[-1] == ("delivered", "completed", "shopper")


def test_only_a_delivered_part_can_be_confirmed_as_received(client, as_shopper, honey, as_honey_producer):
    order = place_order(client, as_shopper, honey.variants[0].id)
    part = order["sub_orders"][0]
    ship(client, as_honey_producer, part)

    response = client.post(f"/api/v1/orders/{order['id']}/sub-orders/{part['id']}/confirm-received",
                           headers=as_shopper)

    assert response.status_code == 409
    assert order_now(client, as_shopper, order)["sub_orders"][0]["status"] == "shipped"


def test_a_part_of_another_order_cannot_be_confirmed_through_mine(client, as_shopper, honey, bearer):
    mine = place_order(client, as_shopper, honey.variants[0].id)
    theirs = place_order(client, bearer(UserFactory()), honey.variants[0].id)

    response = client.post(f"/api/v1/orders/{mine['id']}/sub-orders/{theirs['sub_orders'][0]['id']}"
                           "/confirm-received", headers=as_shopper)

    assert response.status_code == 404


# --- expiry of unpaid bank transfers ------------------------------------------------------------

def test_unpaid_bank_transfers_expire_and_give_their_stock_back(client, runner, as_shopper, honey, tea):
    due = place_order(client, as_shopper, (honey.variants[0].id, 4), method="bank_transfer")
    waiting = place_order(client, as_shopper, (tea.variants[0].id, 2), method="bank_transfer")
    cod = place_order(client, as_shopper, (tea.variants[0].id, 1))
    db.session.get(Order, due["id"]).reserved_until = utcnow() - timedelta(minutes=1)
    db.session.commit()

    result = runner.invoke(args=["orders", "expire-reservations"])

    assert result.exit_code == 0, result.output
    assert "Expired 1 unpaid orders." in result.output
    expired = order_now(client, as_shopper, due)
    assert expired["status"] == "cancelled"
    assert moves(expired["sub_orders"][0])[-1] == ("pending_payment", "cancelled", "system")
    assert expired["payment"]["status"] == "cancelled"
    assert stock_of(honey.variants[0].id) == 20
    assert order_now(client, as_shopper, waiting)["status"] == "pending_payment"
    assert order_now(client, as_shopper, cod)["status"] == "in_progress"
    assert stock_of(tea.variants[0].id) == 17


def test_the_reservation_lasts_as_long_as_configured(app, client, runner, as_shopper, honey, monkeypatch):
    monkeypatch.setitem(app.config, "BANK_TRANSFER_RESERVATION_HOURS", 2)
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    reserved_until = datetime.fromisoformat(order["reserved_until"])

    runner.invoke(args=["orders", "expire-reservations"])
    still_waiting = order_now(client, as_shopper, order)["status"]

    assert timedelta(hours=1, minutes=59) < reserved_until - datetime.fromisoformat(order["created_at"]) \
        <= timedelta(hours=2)
    assert still_waiting == "pending_payment"


# --- card payments through Stripe (localstripe) ----------------------------------------------------

# Stripe's "attaches, then the charge is declined" test card. localstripe declines
# 4000000000000002 only when it is attached to a customer, never on a PaymentIntent.
DECLINED_CARD = "4000000000000341"


def wait_until(check):
    assert eventually(check), "the webhook did not arrive"


def test_paying_by_card_confirms_every_producers_part(client, as_shopper, honey, tea, live_server, stripe_config):
    order = place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id, method="card")

    pay_with_card(stripe_config, order["payment"]["stripe"]["payment_intent_id"])

    wait_until(lambda: order_now(client, as_shopper, order)["payment"]["status"] == "succeeded")
    paid = order_now(client, as_shopper, order)
    assert paid["status"] == "in_progress"
    assert [moves(s) for s in paid["sub_orders"]] == [
        [(None, "pending_payment", "shopper"), ("pending_payment", "confirmed", "system")]] * 2
    assert paid["payment"]["paid_at"] is not None
    assert "stripe" not in paid["payment"]


def test_a_declined_card_leaves_the_order_waiting_with_the_payment_failed(client, as_shopper, honey, live_server,
                                                                          stripe_config):
    order = place_order(client, as_shopper, (honey.variants[0].id, 2), method="card")

    pay_with_card(stripe_config, order["payment"]["stripe"]["payment_intent_id"], number=DECLINED_CARD)

    wait_until(lambda: order_now(client, as_shopper, order)["payment"]["status"] == "failed")
    seen = order_now(client, as_shopper, order)
    assert seen["status"] == "pending_payment"
    assert seen["sub_orders"][0]["status"] == "pending_payment"
    assert seen["payment"]["failure_message"]
    assert seen["payment"]["stripe"]["client_secret"]  # the shopper may try another card
    assert stock_of(honey.variants[0].id) == 18


def test_a_paid_card_order_cancelled_before_shipping_is_refunded(client, as_shopper, honey, tea, live_server,
                                                                stripe_config):
    order = place_order(client, as_shopper, (honey.variants[0].id, 2), tea.variants[0].id, method="card")
    pay_with_card(stripe_config, order["payment"]["stripe"]["payment_intent_id"])
    wait_until(lambda: order_now(client, as_shopper, order)["status"] == "in_progress")

    response = client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "Đổi ý"}, headers=as_shopper)

    assert response.status_code == 200
    assert [(s["status"], s["refunded_vnd"]) for s in response.json["sub_orders"]] == [
        ("cancelled", s["total_vnd"]) for s in order["sub_orders"]]
    refunds = db.session.scalars(sa.select(Refund).order_by(Refund.sub_order_id)).all()
    assert [(r.sub_order_id, r.amount_vnd) for r in refunds] == [(s["id"], s["total_vnd"]) for s in order["sub_orders"]]
    assert all(r.stripe_refund_id and r.stripe_refund_id.startswith("re_") for r in refunds)
    assert payment_of(order).refunded_vnd == order["total_vnd"]
    assert (stock_of(honey.variants[0].id), stock_of(tea.variants[0].id)) == (20, 20)
