"""Refunds made in Stripe's dashboard for an order of two producers.

Stripe refunds the charge, not a producer's part. A refund of everything the
parts still had refunds every part; any other amount could be for either
producer's goods, so it awaits an admin's allocation, and meanwhile neither
producer's earnings from the order are released or paid out: nobody is paid
for goods refunded without someone deciding whose they were (issue #10).
"""

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.models import SubOrder
from marketplace.payments.models import Refund
from marketplace.payouts import runs
from marketplace.payouts.earnings import release_due
from tests.api.v1.test_stripe_webhook import ADDRESS, charge_refunded_event, intent_event
from tests.api.v1.test_stripe_webhook import deliver as post_event
from tests.factories import ProductFactory, UserFactory
from tests.money_helpers import balance_of, deliver, give_bank_account, release_all_delivered, unbalanced_entries
from tests.order_support import stock_of
from tests.stripe_support import pay_with_card

ADMIN_ORDERS = "/api/v1/admin/orders"


class PaidOrder:
    """A card order of honey (producer A) and tea (producer B), paid and confirmed."""

    def __init__(self, client, stripe_config, bearer):
        self.client = client
        self.honey, self.tea = ProductFactory(), ProductFactory()
        self.shopper = bearer(UserFactory())
        self.admin = bearer(UserFactory(is_admin=True))
        for product in (self.honey, self.tea):
            client.put(f"/api/v1/cart/lines/{product.variants[0].id}", json={"quantity": 1}, headers=self.shopper)
        placed = client.post("/api/v1/checkout", json={"payment_method": "card", "shipping_address": ADDRESS},
                             headers={**self.shopper, "Idempotency-Key": "two-producers-refund"}).json
        self.id, self.total = placed["id"], placed["total_vnd"]
        self.intent_id = placed["payment"]["stripe"]["payment_intent_id"]
        pay_with_card(stripe_config, self.intent_id)
        assert post_event(client, intent_event(self.intent_id)).json["result"] == "processed"
        db.session.expire_all()
        self.parts = db.session.scalars(sa.select(SubOrder).where(SubOrder.order_id == self.id)
                                        .order_by(SubOrder.id)).all()
        self.part_ids = [p.id for p in self.parts]
        self.producers = [p.producer_id for p in self.parts]
        self.earned = {p.producer_id: p.total_vnd - p.commission_vnd for p in self.parts}

    def refunded_in_stripe(self, amount_refunded):
        response = post_event(self.client, charge_refunded_event(self.intent_id, amount_refunded))
        assert (response.status_code, response.json["result"]) == (200, "processed"), response.json
        db.session.expire_all()

    def seen_by_admin(self):
        return self.client.get(f"{ADMIN_ORDERS}/{self.id}", headers=self.admin).json

    def allocate(self, refund_id, parts, reason="Hũ mật ong bị vỡ khi giao"):
        return self.client.post(f"{ADMIN_ORDERS}/{self.id}/refunds/{refund_id}/allocation", headers=self.admin,
                                json={"parts": parts, "reason": reason})

    def delivered_and_past_the_hold(self):
        for part in db.session.scalars(sa.select(SubOrder).where(SubOrder.order_id == self.id)):
            deliver(part)
        release_all_delivered()

    def available(self):
        return [balance_of(p).available_vnd for p in self.producers]

    def pending(self):
        return [balance_of(p).pending_vnd for p in self.producers]


@pytest.fixture
def order(client, stripe_config, bearer):
    return PaidOrder(client, stripe_config, bearer)


def test_a_full_refund_in_stripe_refunds_every_part_and_takes_back_both_producers_earnings(order):
    order.refunded_in_stripe(order.total)

    seen = order.seen_by_admin()
    assert seen["status"] == "refunded"
    assert [(s["status"], s["refunded_vnd"]) for s in seen["sub_orders"]] == [
        ("refunded", p.total_vnd) for p in order.parts]
    assert "refunds_awaiting_allocation" not in seen["payment"]
    refunds = db.session.scalars(sa.select(Refund).order_by(Refund.id)).all()
    assert [(r.sub_order_id, r.amount_vnd, r.awaiting_allocation) for r in refunds] == [
        (p.id, p.total_vnd, False) for p in order.parts]
    assert order.pending() == [0, 0] and order.available() == [0, 0]
    assert [stock_of(v) for v in (order.honey.variants[0].id, order.tea.variants[0].id)] == [20, 20]
    assert unbalanced_entries() == []


def test_a_partial_refund_in_stripe_holds_both_parts_earnings_until_an_admin_allocates_it(order):
    order.refunded_in_stripe(30_000)
    order.delivered_and_past_the_hold()

    release_due()

    [awaiting] = order.seen_by_admin()["payment"]["refunds_awaiting_allocation"]
    assert awaiting["amount_vnd"] == 30_000
    assert order.available() == [0, 0]  # not released ...
    assert order.pending() == [order.earned[p] for p in order.producers]  # ... nor taken from either producer

    honey_part, tea_part = order.part_ids
    response = order.allocate(awaiting["id"], [{"sub_order_id": honey_part, "amount_vnd": 30_000}])

    assert response.status_code == 200, response.json
    assert "refunds_awaiting_allocation" not in response.json["payment"]
    assert [s["refunded_vnd"] for s in response.json["sub_orders"]] == [30_000, 0]
    assert response.json["payment"]["refunded_vnd"] == 30_000  # no money moved again
    honey = order.parts[0]
    commission_back = honey.commission_vnd * 30_000 // honey.total_vnd
    release_due()
    assert order.available() == [order.earned[order.producers[0]] - (30_000 - commission_back),
                                 order.earned[order.producers[1]]]
    assert order.pending() == [0, 0]
    assert unbalanced_entries() == []


def test_earnings_released_before_the_refund_arrived_are_not_paid_out_until_it_is_allocated(order):
    for producer in (order.honey.producer, order.tea.producer):
        give_bank_account(producer)
    order.delivered_and_past_the_hold()
    release_due()
    order.refunded_in_stripe(30_000)

    held_run = runs.run_payouts()

    assert held_run.payouts == []
    [awaiting] = order.seen_by_admin()["payment"]["refunds_awaiting_allocation"]
    _honey_part, tea_part = order.part_ids
    assert order.allocate(awaiting["id"], [{"sub_order_id": tea_part, "amount_vnd": 20_000}]).status_code == 200

    paid = {p.producer_id: p.amount_vnd for p in runs.run_payouts().payouts}

    tea = order.parts[1]
    tea_commission_back = tea.commission_vnd * 20_000 // tea.total_vnd
    assert paid == {order.producers[0]: order.earned[order.producers[0]],
                    order.producers[1]: order.earned[order.producers[1]] - (20_000 - tea_commission_back)}
    assert unbalanced_entries() == []


def test_an_admin_may_decide_the_platform_bears_the_whole_refund(order):
    order.refunded_in_stripe(30_000)
    [awaiting] = order.seen_by_admin()["payment"]["refunds_awaiting_allocation"]

    response = order.allocate(awaiting["id"], [], reason="Phí giao hàng hoàn lại do lỗi của sàn")

    assert response.status_code == 200
    assert [s["refunded_vnd"] for s in response.json["sub_orders"]] == [0, 0]
    order.delivered_and_past_the_hold()
    release_due()
    assert order.available() == [order.earned[p] for p in order.producers]


def test_a_refund_is_allocated_once(order):
    order.refunded_in_stripe(30_000)
    [awaiting] = order.seen_by_admin()["payment"]["refunds_awaiting_allocation"]
    share = [{"sub_order_id": order.part_ids[0], "amount_vnd": 10_000}]
    assert order.allocate(awaiting["id"], share).status_code == 200

    again = order.allocate(awaiting["id"], share)

    assert (again.status_code, again.json["code"]) == (409, "refund_not_awaiting_allocation")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 2  # the refund and one share


@pytest.mark.parametrize("shares", [
    pytest.param(lambda parts, _other: [{"sub_order_id": parts[0], "amount_vnd": 20_000},
                                        {"sub_order_id": parts[1], "amount_vnd": 20_000}], id="more than the refund"),
    pytest.param(lambda parts, _other: [{"sub_order_id": parts[0], "amount_vnd": 10_000},
                                        {"sub_order_id": parts[0], "amount_vnd": 10_000}], id="a part named twice"),
    pytest.param(lambda _parts, other: [{"sub_order_id": other, "amount_vnd": 10_000}], id="another order's part"),
])
def test_an_allocation_that_does_not_fit_the_order_is_refused_and_changes_nothing(order, shares):
    other = ProductFactory()
    order.client.put(f"/api/v1/cart/lines/{other.variants[0].id}", json={"quantity": 1}, headers=order.shopper)
    placed = order.client.post("/api/v1/checkout", json={"payment_method": "cod", "shipping_address": ADDRESS},
                               headers={**order.shopper, "Idempotency-Key": "another-order"}).json
    other_part = placed["sub_orders"][0]["id"]
    order.refunded_in_stripe(30_000)
    [awaiting] = order.seen_by_admin()["payment"]["refunds_awaiting_allocation"]

    response = order.allocate(awaiting["id"], shares(order.part_ids, other_part))

    assert (response.status_code, response.json["code"]) == (422, "validation_error")
    assert order.seen_by_admin()["payment"]["refunds_awaiting_allocation"] == [awaiting]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 1


def test_a_share_larger_than_what_is_left_of_the_part_is_refused(order):
    order.refunded_in_stripe(order.total - 1)  # nearly everything: still not unambiguous
    [awaiting] = order.seen_by_admin()["payment"]["refunds_awaiting_allocation"]
    honey = order.parts[0]

    response = order.allocate(awaiting["id"], [{"sub_order_id": honey.id, "amount_vnd": honey.total_vnd + 1}])

    assert (response.status_code, response.json["code"]) == (422, "validation_error")
    assert str(honey.id) in response.json["errors"]["json"]["parts"]


def test_only_admins_allocate_refunds(order, bearer):
    order.refunded_in_stripe(30_000)
    [awaiting] = order.seen_by_admin()["payment"]["refunds_awaiting_allocation"]

    response = order.client.post(f"{ADMIN_ORDERS}/{order.id}/refunds/{awaiting['id']}/allocation",
                                 headers=order.shopper, json={"parts": [], "reason": "Tự quyết"})

    assert response.status_code == 403
    assert order.seen_by_admin()["payment"]["refunds_awaiting_allocation"] == [awaiting]
