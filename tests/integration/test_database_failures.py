"""A deadlock, and a database connection dropped in the middle of a request,
over real HTTP on PostgreSQL (issue #10, items 5 and 6). Neither is a 500."""

import threading
import time

import pytest
import requests
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders import queries, stock
from marketplace.orders.models import CartLine, Order
from marketplace.accounts.models import User
from tests.factories import ProductFactory, UserFactory
from tests.http_races import live_url  # noqa: F401  (a fixture)
from tests.integration.test_checkout_concurrency import COD, shopper_with, stock_of

pytestmark = pytest.mark.usefixtures("postgresql_only")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def waiting_on_a_lock(pid: int) -> bool:
    db.session.commit()  # pg_stat_activity is read once per transaction
    return bool(db.session.scalar(sa.text("SELECT count(*) FROM pg_stat_activity "
                                          "WHERE pid = :pid AND wait_event_type = 'Lock'"), {"pid": pid}))


def until(check, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


# --- item 5: a deadlock is run again inside the service ------------------------------------------

def test_a_checkout_chosen_as_a_deadlock_victim_is_run_again_and_places_the_order(app, bearer, live_url,
                                                                                  monkeypatch):
    variant = ProductFactory(variant__stock_quantity=5).variants[0]
    shopper = UserFactory()
    headers = shopper_with(bearer, (variant, 2))
    user_id, variant_id = shopper.id, variant.id
    checkout_pid, attempts = [], []
    lock_variants = stock.lock

    def lock_into_a_deadlock(*args):
        """First attempt: hold the shopper's row, then wait for the variant that
        the other transaction holds while it waits for the shopper's row."""
        attempts.append(1)
        if len(attempts) == 1:
            db.session.execute(sa.select(User.id).where(User.id == user_id).with_for_update())
            checkout_pid.append(db.session.scalar(sa.select(sa.func.pg_backend_pid())))
        return lock_variants(*args)

    monkeypatch.setattr(stock, "lock", lock_into_a_deadlock)
    with db.engine.connect() as other:
        # The other side must not be the one to detect the deadlock (and die): let the checkout check first.
        other.execute(sa.text("SET deadlock_timeout = '10s'"))
        other.execute(sa.text("SELECT 1 FROM variants WHERE id = :id FOR UPDATE"), {"id": variant_id})
        db.session.commit()
        response = []
        sending = threading.Thread(target=lambda: response.append(requests.post(
            f"{live_url}/api/v1/checkout", json=COD, headers={**headers, "Idempotency-Key": "deadlock-victim"},
            timeout=60)))
        sending.start()
        assert until(lambda: checkout_pid and waiting_on_a_lock(checkout_pid[0])), "the checkout never waited"
        # Now close the cycle: this waits for the checkout's row until PostgreSQL kills the checkout's transaction.
        other.execute(sa.select(User.id).where(User.id == user_id).with_for_update())
        other.commit()
        sending.join(timeout=60)

    assert [r.status_code for r in response] == [201], [r.json() for r in response]
    assert len(attempts) == 2
    assert count(Order) == 1
    assert stock_of(variant_id) == 3


# --- item 6: a connection dropped during a request ---------------------------------------------

def terminate_backend_of_this_request() -> None:
    """What pg_terminate_backend by an administrator (or a failover) does to a
    request: its connection dies between two of its statements."""
    pid = db.session.scalar(sa.select(sa.func.pg_backend_pid()))
    with db.engine.connect() as admin:
        assert admin.scalar(sa.select(sa.func.pg_terminate_backend(pid, 5000)))  # waits until it is gone


def dropping_the_connection(function, times: int):
    calls = []

    def dropping(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            terminate_backend_of_this_request()
        return function(*args, **kwargs)

    dropping.calls = calls
    return dropping


def test_a_read_whose_connection_drops_is_answered_from_a_fresh_connection(app, bearer, live_url, monkeypatch):
    variant = ProductFactory().variants[0]
    headers = shopper_with(bearer, (variant, 1))
    assert requests.post(f"{live_url}/api/v1/checkout", json=COD,
                         headers={**headers, "Idempotency-Key": "before-the-drop"}, timeout=30).status_code == 201
    orders_of = dropping_the_connection(queries.orders_of, times=1)
    monkeypatch.setattr(queries, "orders_of", orders_of)

    response = requests.get(f"{live_url}/api/v1/orders", headers=headers, timeout=30)

    assert response.status_code == 200, response.json()
    assert [o["id"] for o in response.json()["items"]] == [db.session.scalar(sa.select(Order.id))]
    assert len(orders_of.calls) == 2


def test_a_read_whose_connection_drops_twice_answers_503_with_retry_after(app, bearer, live_url, monkeypatch):
    headers = bearer(UserFactory())
    db.session.commit()
    monkeypatch.setattr(queries, "orders_of", dropping_the_connection(queries.orders_of, times=2))

    response = requests.get(f"{live_url}/api/v1/orders", headers=headers, timeout=30)

    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert response.headers["Retry-After"] == "1"


def test_a_checkout_whose_connection_drops_answers_503_writes_nothing_and_can_be_retried(app, bearer, live_url,
                                                                                          monkeypatch):
    variant = ProductFactory(variant__stock_quantity=5).variants[0]
    headers = shopper_with(bearer, (variant, 2))
    variant_id = variant.id
    monkeypatch.setattr(stock, "reserve", dropping_the_connection(stock.reserve, times=1))
    send = lambda: requests.post(f"{live_url}/api/v1/checkout", json=COD,  # noqa: E731
                                 headers={**headers, "Idempotency-Key": "dropped-mid-checkout"}, timeout=30)
    db.session.commit()

    dropped = send()

    assert dropped.status_code == 503
    assert dropped.json()["code"] == "database_unavailable"
    assert dropped.headers["Retry-After"] == "1"
    assert (count(Order), count(CartLine), stock_of(variant_id)) == (0, 1, 5)
    retried = send()
    assert retried.status_code == 201
    assert stock_of(variant_id) == 3


def test_connections_dropped_between_requests_are_replaced_unseen(app, bearer, live_url):
    headers = bearer(UserFactory())
    db.session.commit()
    assert requests.get(f"{live_url}/api/v1/orders", headers=headers, timeout=30).status_code == 200
    with db.engine.connect() as admin:
        admin.execute(sa.text("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"))

    assert [requests.get(f"{live_url}/api/v1/orders", headers=headers, timeout=30).status_code
            for _ in range(3)] == [200] * 3
