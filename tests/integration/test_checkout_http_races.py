"""Checkouts of one cart racing each other over real HTTP, on PostgreSQL (issue #10, items 1 and 2).

Each round is a new shopper, so the rounds are independent tries of the same race.
"""

import threading
import time
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.catalog.models import Variant
from marketplace.orders import checkout as checkout_service, stock
from marketplace.orders.models import CartLine, Order
from tests.factories import ProductFactory, UserFactory
from tests.http_races import live_url, outcomes, post, race_http  # noqa: F401  (live_url is a fixture)
from tests.integration.test_checkout_concurrency import COD, shopper_with, stock_of

pytestmark = pytest.mark.usefixtures("postgresql_only")

ROUNDS = 15


def test_a_double_tap_with_two_keys_places_the_cart_once_and_the_other_tap_finds_it_empty(app, bearer, live_url):
    variant = ProductFactory(variant__stock_quantity=2 * ROUNDS).variants[0]
    rounds = []
    for i in range(ROUNDS):
        headers = shopper_with(bearer, (variant, 1))
        results = race_http([post(f"{live_url}/api/v1/checkout", COD, headers, f"double-tap-{i}-{tab}")
                             for tab in ("first", "second")])
        rounds.append(outcomes(results))

    assert rounds == [Counter({(201, None): 1, (409, "empty_cart"): 1})] * ROUNDS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == ROUNDS
    assert stock_of(variant.id) == ROUNDS  # one unit taken per cart, never two
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CartLine)) == 0


def test_a_checkout_retried_at_once_for_the_last_jar_answers_every_copy_with_the_one_order(app, bearer, live_url):
    rounds, orders = [], []
    for i in range(ROUNDS):
        variant = ProductFactory(variant__stock_quantity=1).variants[0]  # the last jar
        headers = shopper_with(bearer, (variant, 1))
        results = race_http([post(f"{live_url}/api/v1/checkout", COD, headers, f"last-jar-retry-{i:02d}")] * 3)
        rounds.append(outcomes(results))
        orders.append({r.json()["id"] for r in results if r.status_code in (200, 201)})
        assert stock_of(variant.id) == 0

    assert rounds == [Counter({(201, None): 1, (200, None): 2})] * ROUNDS
    assert all(len(ids) == 1 for ids in orders), orders
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == ROUNDS


# --- the cart lock: cart-line writes and checkout queue on the cart, never on the variants ------------

def test_two_tabs_adding_the_same_jar_at_once_both_succeed(app, bearer, live_url):
    variant = ProductFactory().variants[0]
    rounds = []
    for i in range(ROUNDS):
        headers = bearer(UserFactory())  # no cart yet: both tabs would create it, and insert the line
        url = f"{live_url}/api/v1/cart/lines/{variant.id}"
        results = race_http([lambda q=q: requests.put(url, json={"quantity": q}, headers=headers, timeout=30)
                             for q in (1, 2)])
        rounds.append(outcomes(results))

    assert rounds == [Counter({(200, None): 2})] * ROUNDS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CartLine)) == ROUNDS


class PausedCheckout:
    """A checkout over HTTP held, in its transaction, just after a step of it
    (by default once it has taken the stock)."""

    def __init__(self, monkeypatch, live_url, headers, key, after=(stock, "reserve")):
        self.taken, self.go_on, self.response = threading.Event(), threading.Event(), None
        module, name = after
        step = getattr(module, name)

        def step_then_pause(*args, **kwargs):
            result = step(*args, **kwargs)
            self.taken.set()
            self.go_on.wait(timeout=30)
            return result

        monkeypatch.setattr(module, name, step_then_pause)
        db.session.commit()
        self.thread = threading.Thread(target=self._send, args=(f"{live_url}/api/v1/checkout", headers, key))
        self.thread.start()
        assert self.taken.wait(timeout=30), f"the checkout never reached {name}"

    def _send(self, url, headers, key):
        self.response = requests.post(url, json=COD, headers={**headers, "Idempotency-Key": key, "Accept-Language": "en"}, timeout=60)

    def finish(self):
        self.go_on.set()
        self.thread.join(timeout=60)
        db.session.expire_all()
        return self.response


def in_background(request):
    """Send `request` (a callable) from a thread; returns (thread, results list)."""
    results = []
    thread = threading.Thread(target=lambda: results.append(request()))
    thread.start()
    return thread, results


def finished_or_waiting_on_a_lock(thread) -> bool:
    """Poll (bounded) until the request in `thread` has finished, or some backend waits on a lock."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not thread.is_alive() or db.session.scalar(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")):
            return True
        db.session.commit()
        time.sleep(0.02)
    return False


def test_adding_a_jar_that_a_checkout_is_taking_is_not_held_up_by_it(app, bearer, live_url, monkeypatch):
    # The deadlock of issue #10 needs a cart-line insert to wait for a checkout's
    # lock on a variant: the insert's foreign-key share lock on the variant row
    # conflicted with the checkout's FOR UPDATE. Taking stock is FOR NO KEY
    # UPDATE now, which that share lock does not conflict with.
    variant = ProductFactory(variant__stock_quantity=10).variants[0]
    buyer, other = shopper_with(bearer, (variant, 1)), shopper_with(bearer)
    line_url = f"{live_url}/api/v1/cart/lines/{variant.id}"
    checkout = PausedCheckout(monkeypatch, live_url, buyer, "paused-checkout-1")
    try:
        adding, added = in_background(lambda: requests.put(line_url, json={"quantity": 1}, headers=other, timeout=60))
        assert finished_or_waiting_on_a_lock(adding)
        held_up = adding.is_alive()
    finally:
        response = checkout.finish()
        adding.join(timeout=60)

    assert not held_up, "the add-to-cart waited for the checkout's lock on the variant"
    assert [r.status_code for r in added] == [200]
    assert response.status_code == 201


def test_a_change_to_the_cart_during_its_checkout_waits_for_it_and_is_kept(app, bearer, live_url, monkeypatch):
    variant = ProductFactory(variant__stock_quantity=10).variants[0]
    buyer = shopper_with(bearer, (variant, 1))
    line_url = f"{live_url}/api/v1/cart/lines/{variant.id}"
    checkout = PausedCheckout(monkeypatch, live_url, buyer, "paused-checkout-2")
    try:
        changing, changed = in_background(lambda: requests.put(line_url, json={"quantity": 3}, headers=buyer,
                                                               timeout=60))
        assert finished_or_waiting_on_a_lock(changing)
    finally:
        response = checkout.finish()
        changing.join(timeout=60)

    assert response.status_code == 201
    assert [l["quantity"] for p in response.json()["sub_orders"] for l in p["lines"]] == [1]
    assert [r.status_code for r in changed] == [200]
    # The change came after the order: it is in the cart for next time, not lost with the placed lines.
    assert db.session.execute(sa.select(CartLine.variant_id, CartLine.quantity)).all() == [(variant.id, 3)]
    assert stock_of(variant.id) == 9


def test_a_price_change_made_while_a_checkout_is_under_way_is_shown_to_the_shopper_not_charged(app, bearer,
                                                                                             live_url, monkeypatch):
    variant = ProductFactory(variant__stock_quantity=5).variants[0]
    buyer = shopper_with(bearer, (variant, 1))
    variant_id, price = variant.id, variant.price_vnd
    checkout = PausedCheckout(monkeypatch, live_url, buyer, "price-moves-during-checkout",
                              after=(checkout_service, "locked_cart_id"))
    try:  # the producer raises the price, after the checkout has read the cart but before it took the stock
        db.session.execute(sa.update(Variant).where(Variant.id == variant_id).values(price_vnd=price + 10_000)
                           .execution_options(changed_products=frozenset({variant.product_id})))
        db.session.commit()
    finally:
        response = checkout.finish()

    assert (response.status_code, response.json().get("code")) == (409, "prices_changed")
    assert response.json()["errors"] == {"lines": {str(variant_id): [
        f"Price changed from {price} to {price + 10_000} đồng."]}}
    assert (db.session.scalar(sa.select(sa.func.count()).select_from(Order)), stock_of(variant_id)) == (0, 5)
