"""A job or a webhook racing a person over one order or payout, on PostgreSQL.

Each race is run in the one interleaving that a read-then-lock bug needs
(tests/interleaving.py): the first actor holds its transaction open with its
locks taken, the second reads meanwhile, and the first commits the moment the
second tries to lock or write. Whichever commits first must win, and the
other must see the new state and act on it (issue #10, item 4).

The people act over real HTTP (a live threaded server), as in the issue.
"""

from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.orders.lifecycle import SubOrderStatus
from marketplace.orders.models import Order, SubOrder
from marketplace.orders import payment_outcomes, refunds
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payouts import connect_rail, settlement
from marketplace.payouts.models import EntryKind, Payout, PayoutStatus
from tests import money_helpers
from tests.factories import ProductFactory, UserFactory
from tests.interleaving import WAIT, in_thread, interleaving  # noqa: F401 (a fixture)
from tests.money_helpers import deliver, entries_of_kind, place_order, place_paid_order
from tests.order_support import stock_of

pytestmark = pytest.mark.usefixtures("postgresql_only")

# What the second actor sends that must wait for the first: a lock on the order's
# payment, or a write to its parts (the old confirm-received took no lock).
ORDER_LOCK_OR_WRITE = r"FROM payments\b.*FOR UPDATE|^\s*UPDATE sub_orders\b"
PAYOUT_LOCK = r"FROM payouts\b.*FOR UPDATE"


@pytest.fixture
def lapsed_transfer_order(app):
    """A two-producer bank-transfer order whose reservation ran out a minute ago, unpaid so far."""
    honey, tea = ProductFactory(variant__stock_quantity=5), ProductFactory(variant__stock_quantity=5)
    order = place_order(UserFactory(), honey.variants[0], tea.variants[0])
    db.session.execute(sa.update(Order).where(Order.id == order.id)
                       .values(reserved_until=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    return order.id, order.total_vnd, [honey.variants[0].id, tea.variants[0].id]


def state_of(order_id: int):
    db.session.remove()
    payment = db.session.scalar(sa.select(Payment).where(Payment.order_id == order_id))
    parts = db.session.scalars(sa.select(SubOrder.status).where(SubOrder.order_id == order_id)
                               .order_by(SubOrder.id)).all()
    return payment.status, parts


def confirm_transfer(base, headers, order_id, amount):
    return requests.post(f"{base}/api/v1/admin/orders/{order_id}/confirm-transfer", headers=headers,
                         json={"amount_vnd": amount, "bank_reference": "FT26326123456"}, timeout=WAIT * 2)


def test_a_transfer_an_admin_confirms_while_the_expiry_job_runs_stays_confirmed(
        app, live_server, bearer, runner, interleaving, lapsed_transfer_order):
    order_id, total, variant_ids = lapsed_transfer_order
    admin = bearer(UserFactory(is_admin=True))
    interleaving.hold_after(payment_outcomes, "confirm_paid")  # the admin's transaction: payment locked, parts confirmed
    interleaving.release_on(ORDER_LOCK_OR_WRITE)

    admin_thread, answer = in_thread(lambda: confirm_transfer(live_server, admin, order_id, total))
    interleaving.wait_until_holding()
    db.session.remove()
    job = runner.invoke(args=["orders", "expire-reservations"])  # it reads the payment while the admin holds it
    admin_thread.join(WAIT * 2)

    assert interleaving.released_by, "the job never tried to lock while the admin held the payment"
    [response] = answer
    assert response.status_code == 200, response.text
    assert job.output == "Expired 0 unpaid orders.\n"
    assert state_of(order_id) == (PaymentStatus.SUCCEEDED, [SubOrderStatus.CONFIRMED] * 2)
    assert len(entries_of_kind(EntryKind.SALE)) == 2
    assert [stock_of(v) for v in variant_ids] == [4, 4]  # still the shopper's


def test_a_transfer_confirmed_after_the_expiry_job_cancelled_the_order_is_refused(
        app, live_server, bearer, interleaving, lapsed_transfer_order):
    order_id, total, variant_ids = lapsed_transfer_order
    admin = bearer(UserFactory(is_admin=True))
    interleaving.hold_after(fulfilment, "cancel_unpaid")  # the job's transaction: payment cancelled, stock back
    interleaving.release_on(ORDER_LOCK_OR_WRITE)

    job_thread, expired = in_thread(fulfilment.expire_reservations, app=app)
    interleaving.wait_until_holding()
    response = confirm_transfer(live_server, admin, order_id, total)
    job_thread.join(WAIT * 2)

    assert interleaving.released_by
    assert expired == [1]
    assert (response.status_code, response.json()["code"]) == (409, "order_expired")
    assert state_of(order_id) == (PaymentStatus.CANCELLED, [SubOrderStatus.CANCELLED] * 2)
    assert entries_of_kind(EntryKind.SALE) == []
    assert [stock_of(v) for v in variant_ids] == [5, 5]


@pytest.fixture
def delivered_part(app, bearer):
    """A paid bank-transfer order for one jar, delivered; its shopper's headers."""
    shopper = UserFactory()
    order = place_paid_order(shopper, ProductFactory().variants[0])
    [sub_order] = order.sub_orders
    deliver(sub_order)
    return order.id, sub_order.id, sub_order.total_vnd, bearer(shopper)


def test_a_shopper_confirming_receipt_while_an_admin_refunds_the_part_does_not_undo_the_refund(
        app, live_server, bearer, interleaving, delivered_part):
    order_id, part_id, total, shopper = delivered_part
    admin = bearer(UserFactory(is_admin=True))
    interleaving.hold_after(refunds, "record_refund")  # the admin's transaction: the part's refund written
    interleaving.release_on(ORDER_LOCK_OR_WRITE)

    admin_thread, answer = in_thread(lambda: requests.post(
        f"{live_server}/api/v1/admin/orders/{order_id}/sub-orders/{part_id}/refunds", headers=admin,
        json={"amount_vnd": total, "reason": "Hàng bị vỡ"}, timeout=WAIT * 2))
    interleaving.wait_until_holding()
    received = requests.post(f"{live_server}/api/v1/orders/{order_id}/sub-orders/{part_id}/confirm-received",
                             headers=shopper, timeout=WAIT * 2)
    admin_thread.join(WAIT * 2)

    assert interleaving.released_by
    [refunded] = answer
    assert refunded.status_code == 201, refunded.text
    assert (received.status_code, received.json()["code"]) == (409, "illegal_transition")
    db.session.remove()
    part = db.session.get(SubOrder, part_id)
    assert (part.status, part.refunded_vnd) == (SubOrderStatus.REFUNDED, total)


@pytest.fixture
def connect_payout_left_unsure(app, monkeypatch):
    """A Connect payout in transit whose first send's outcome Stripe never told us."""
    unsure, stripe_client = money_helpers.connect_payout_left_unsure(monkeypatch)
    assert unsure.status is PayoutStatus.IN_TRANSIT
    return unsure.id, stripe_client


def test_reconciling_a_payout_an_admin_fails_meanwhile_says_so_and_sends_nothing(
        app, live_server, bearer, interleaving, connect_payout_left_unsure):
    payout_id, stripe_client = connect_payout_left_unsure
    calls_before = len(stripe_client.v1.transfers.calls)
    admin = bearer(UserFactory(is_admin=True))
    interleaving.hold_after(settlement, "post")  # the admin's mark-failed, its ledger entry written
    interleaving.release_on(PAYOUT_LOCK)

    failing, answer = in_thread(lambda: settlement.mark_failed(payout_id, "Tài khoản bị khoá").status, app=app)
    interleaving.wait_until_holding()
    reconciled = requests.post(f"{live_server}/api/v1/admin/payouts/{payout_id}/reconcile", headers=admin,
                               timeout=WAIT * 2)
    failing.join(WAIT * 2)

    assert interleaving.released_by
    assert answer == [PayoutStatus.FAILED]
    assert (reconciled.status_code, reconciled.json()["code"]) == (409, "payout_not_in_transit")
    assert len(stripe_client.v1.transfers.calls) == calls_before
    db.session.remove()
    assert db.session.get(Payout, payout_id).status is PayoutStatus.FAILED

