"""Shoppers checking out at the same instant, on PostgreSQL (tests/concurrency.py)."""

from collections import Counter
from functools import partial

import pytest
import sqlalchemy as sa

from marketplace.catalog.models import Variant
from marketplace.extensions import db
from marketplace.orders.lifecycle import SubOrderStatus
from marketplace.orders.models import Cart, CartLine, Order, OrderLine, StatusChange
from tests import concurrency
from tests.factories import ProductFactory, UserFactory
from tests.stripe_support import pay_with_card, signed

ADDRESS = {"recipient_name": "Trần Thu Hà", "phone": "0912345678", "province_code": 1, "ward_code": 70,
           "street_address": "12 Hàng Bạc"}
COD = {"payment_method": "cod", "shipping_address": ADDRESS}

pytestmark = pytest.mark.usefixtures("postgresql_only")
race = partial(concurrency.race, with_client=True)  # each shopper with a test client of their own


def shopper_with(bearer, *lines):
    """A new shopper's auth headers; their cart holds `lines`, (variant, quantity) in the order added."""
    user = UserFactory()
    headers = bearer(user)
    db.session.add(Cart(user_id=user.id, lines=[CartLine(variant_id=variant.id, quantity=quantity,
                                                         price_seen_vnd=variant.price_vnd)
                                                for variant, quantity in lines]))
    db.session.commit()
    return headers


def check_out(headers, key):
    return lambda client: client.post("/api/v1/checkout", json=COD, headers={**headers, "Idempotency-Key": key})


def outcomes(results):
    crashes = [r for r in results if isinstance(r, Exception)]
    assert crashes == [], crashes
    return Counter((r.status_code, r.json.get("code")) for r in results)


def stock_of(variant_id):
    return db.session.scalar(sa.select(Variant.stock_quantity).where(Variant.id == variant_id))


def units_sold(variant_id):
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(OrderLine.quantity), 0))
                             .where(OrderLine.variant_id == variant_id))


@pytest.mark.parametrize(("stock", "buyers"), [(8, 12), (12, 12), (20, 12)],
                         ids=["fewer jars than buyers", "just enough", "more than enough"])
def test_simultaneous_checkouts_sell_no_more_than_the_stock(app, bearer, stock, buyers):
    variant = ProductFactory(variant__stock_quantity=stock).variants[0]
    shoppers = [shopper_with(bearer, (variant, 1)) for _ in range(buyers)]

    results = race(app, [check_out(headers, f"race-{i}-checkout") for i, headers in enumerate(shoppers)])

    sold = min(buyers, stock)
    assert outcomes(results) == Counter({(201, None): sold}) + Counter({(409, "insufficient_stock"): buyers - sold})
    assert stock_of(variant.id) == stock - sold >= 0
    assert units_sold(variant.id) == sold
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == sold


def test_two_buyers_of_the_last_jar_exactly_one_gets_it(app, bearer):
    variant = ProductFactory(variant__stock_quantity=1).variants[0]
    first, second = shopper_with(bearer, (variant, 1)), shopper_with(bearer, (variant, 1))

    results = race(app, [check_out(first, "last-jar-first"), check_out(second, "last-jar-second")])

    assert outcomes(results) == Counter({(201, None): 1, (409, "insufficient_stock"): 1})
    assert stock_of(variant.id) == 0
    assert units_sold(variant.id) == 1


def test_the_buyer_who_loses_the_race_is_told_how_many_are_really_left(app, bearer):
    variant = ProductFactory(variant__stock_quantity=5).variants[0]
    first, second = shopper_with(bearer, (variant, 3)), shopper_with(bearer, (variant, 3))

    results = race(app, [check_out(first, "three-jars-first"), check_out(second, "three-jars-second")])

    assert outcomes(results) == Counter({(201, None): 1, (409, "insufficient_stock"): 1})
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json["errors"] == {"lines": {str(variant.id): ["Only 2 left."]}}
    assert stock_of(variant.id) == 2


def test_one_checkout_retried_from_several_threads_at_once_places_one_order(app, bearer):
    variant = ProductFactory(variant__stock_quantity=20).variants[0]
    headers = shopper_with(bearer, (variant, 2))

    results = race(app, [check_out(headers, "same-key-everywhere")] * 8)

    outcome = outcomes(results)
    assert all(status in (200, 201, 409, 422) for status, _code in outcome), outcome
    assert outcome[(201, None)] == 1
    [order_id] = db.session.scalars(sa.select(Order.id)).all()
    assert {r.json["id"] for r in results if r.status_code in (200, 201)} == {order_id}
    assert stock_of(variant.id) == 18


def test_checkouts_locking_two_variants_in_opposite_cart_orders_do_not_deadlock(app, bearer):
    honey = ProductFactory(variant__stock_quantity=50).variants[0]
    noodles = ProductFactory(variant__stock_quantity=50).variants[0]
    shoppers = [shopper_with(bearer, (honey, 1), (noodles, 1)) if i % 2 == 0
                else shopper_with(bearer, (noodles, 1), (honey, 1)) for i in range(12)]

    results = race(app, [check_out(headers, f"crossed-{i}-checkout") for i, headers in enumerate(shoppers)])

    assert outcomes(results) == Counter({(201, None): 12})
    assert (stock_of(honey.id), stock_of(noodles.id)) == (38, 38)


def test_the_same_stripe_event_delivered_several_times_at_once_is_applied_once(app, client, bearer, stripe_config):
    variant = ProductFactory().variants[0]
    headers = shopper_with(bearer, (variant, 1))
    order = client.post("/api/v1/checkout", json={**COD, "payment_method": "card"},
                        headers={**headers, "Idempotency-Key": "card-paid-once"}).json
    intent_id = order["payment"]["stripe"]["payment_intent_id"]
    pay_with_card(stripe_config, intent_id)
    body, signature = signed({"id": "evt_delivered_four_times", "type": "payment_intent.succeeded",
                              "data": {"object": {"id": intent_id}}})

    results = race(app, [lambda client: client.post("/api/v1/payments/stripe/webhook", data=body,
                                                    headers={"Stripe-Signature": signature})] * 4)

    assert sorted(r.json["result"] for r in results) == ["duplicate", "duplicate", "duplicate", "processed"]
    assert client.get(f"/api/v1/orders/{order['id']}", headers=headers).json["status"] == "in_progress"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatusChange)
                             .where(StatusChange.to_status == SubOrderStatus.CONFIRMED)) == 1
