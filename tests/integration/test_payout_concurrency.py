"""Payout runs started at the same instant, on PostgreSQL (tests/concurrency.py)."""

from collections import defaultdict

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.orders.models import SubOrder
from marketplace.orders import refunds
from marketplace.payouts import connect_rail, ledger, runs, settlement
from marketplace.payouts.earnings import release_due
from marketplace.payouts.models import (Account, EntryKind, JournalEntry, Payout, PayoutItem, PayoutNotInTransit,
                                        PayoutStatus)
from tests.concurrency import crashes, race
from tests.factories import ProductFactory, UserFactory
from tests.money_helpers import (balance_of, connect_payout_left_unsure, deliver, earned_vnd, entries_of_kind,
                                 give_bank_account, place_paid_order, release_all_delivered, unbalanced_entries)


pytestmark = pytest.mark.usefixtures("postgresql_only")


def a_payout_run():
    run = runs.run_payouts()
    return [(p.producer_id, p.amount_vnd) for p in run.payouts]


@pytest.fixture
def producers_with_deliveries(app):
    """Four producers with a bank account, each with two delivered orders past the holding period."""
    shopper = UserFactory()
    products = [ProductFactory(variant__stock_quantity=100) for _ in range(4)]
    earned = defaultdict(int)
    for product in products:
        give_bank_account(product.producer)
        for quantity in (1, 2):
            order = place_paid_order(shopper, (product.variants[0], quantity))
            [sub_order] = order.sub_orders
            deliver(sub_order)
            earned[product.producer_id] += earned_vnd(sub_order)
    release_all_delivered()
    return dict(earned)


def paid_out_by_producer():
    db.session.remove()
    totals = defaultdict(int)
    for producer_id, amount in db.session.execute(sa.select(Payout.producer_id, Payout.amount_vnd)):
        totals[producer_id] += amount
    return dict(totals)


def lines_in_more_than_one_payout():
    return db.session.scalars(sa.select(PayoutItem.line_id).group_by(PayoutItem.line_id)
                              .having(sa.func.count() > 1)).all()


def test_simultaneous_payout_runs_pay_each_producer_its_available_balance_once(app, producers_with_deliveries):
    release_due()
    available = {producer_id: balance_of(producer_id).available_vnd for producer_id in producers_with_deliveries}

    results = race(app, [a_payout_run] * 4)

    assert crashes(results) == []
    assert paid_out_by_producer() == available == producers_with_deliveries
    assert sorted(producer for payouts in results for producer, _amount in payouts) == sorted(available)
    assert lines_in_more_than_one_payout() == []
    for producer_id, amount in available.items():
        assert (balance_of(producer_id).available_vnd, balance_of(producer_id).in_transit_vnd) == (0, amount)


def test_simultaneous_runs_release_each_delivery_once_and_pay_it_once(app, producers_with_deliveries):
    results = race(app, [a_payout_run] * 4)

    assert crashes(results) == []
    releases = [entry.sub_order_id for entry in entries_of_kind(EntryKind.RELEASE)]
    assert len(releases) == len(set(releases)) == 2 * len(producers_with_deliveries)
    assert paid_out_by_producer() == producers_with_deliveries
    assert lines_in_more_than_one_payout() == []
    assert unbalanced_entries() == []


def test_a_payout_settled_as_paid_and_failed_at_once_is_settled_exactly_once(app, producers_with_deliveries):
    run = runs.run_payouts()
    payout = run.payouts[0]
    payout_id, producer_id, amount = payout.id, payout.producer_id, payout.amount_vnd

    results = race(app, [lambda: settlement.mark_paid(payout_id, "VCB0000001").status,
                         lambda: settlement.mark_failed(payout_id, "Tài khoản bị khoá").status])

    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1
    assert [type(r) for r in results if isinstance(r, Exception)] == [PayoutNotInTransit]
    settlements = db.session.scalars(sa.select(JournalEntry.kind).where(
        JournalEntry.payout_id == payout_id, JournalEntry.kind.in_([EntryKind.PAYOUT_PAID,
                                                                     EntryKind.PAYOUT_FAILED]))).all()
    assert len(settlements) == 1
    balance = balance_of(producer_id)
    if winners == [PayoutStatus.PAID]:
        assert (balance.paid_vnd, balance.available_vnd, balance.in_transit_vnd) == (amount, 0, 0)
    else:
        assert (balance.paid_vnd, balance.available_vnd, balance.in_transit_vnd) == (0, amount, 0)


def test_refunds_racing_the_release_of_their_deliveries_leave_nothing_stuck_in_pending(
        app, producers_with_deliveries):
    parts = [(s.order_id, s.id, s.producer_id, s.total_vnd, s.commission_vnd)
             for s in db.session.scalars(sa.select(SubOrder).order_by(SubOrder.id))]

    results = race(app, [release_due] + [
        lambda order_id=order_id, part_id=part_id: refunds.refund(order_id, part_id, 100_000, "Hàng bị vỡ", None).id
        for order_id, part_id, *_ in parts])

    assert crashes(results) == []
    db.session.remove()
    assert {part_id: ledger.balance(Account.PRODUCER_PENDING, producer_id, sub_order_id=part_id)
            for _order_id, part_id, producer_id, *_ in parts} == {part_id: 0 for _o, part_id, *_ in parts}
    taken_back = defaultdict(int)
    for _order_id, _part_id, producer_id, total, commission in parts:
        taken_back[producer_id] += 100_000 - commission * 100_000 // total
    assert {producer_id: balance_of(producer_id).available_vnd for producer_id in producers_with_deliveries} == {
        producer_id: earned - taken_back[producer_id] for producer_id, earned in producers_with_deliveries.items()}


def test_simultaneous_runs_settle_a_connect_payout_left_unsure_with_one_transfer(app, monkeypatch):
    unsure, stripe_client = connect_payout_left_unsure(monkeypatch)
    payout_id, producer_id, amount = unsure.id, unsure.producer_id, unsure.amount_vnd

    results = race(app, [a_payout_run] * 3 + [lambda: connect_rail.reconcile_payout(payout_id).status] * 2)

    assert [r for r in crashes(results) if not isinstance(r, Conflict)] == []
    [made] = stripe_client.v1.transfers.made
    assert {options["idempotency_key"] for _params, options in stripe_client.v1.transfers.calls} == {
        f"payout-{payout_id}-attempt-1"}
    db.session.remove()
    payout = db.session.get(Payout, payout_id)
    assert (payout.status, payout.stripe_transfer_id) == (PayoutStatus.PAID, made["id"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 1
    assert [e.payout_id for e in entries_of_kind(EntryKind.PAYOUT_PAID)] == [payout_id]
    balance = balance_of(producer_id)
    assert (balance.available_vnd, balance.in_transit_vnd, balance.paid_vnd) == (0, 0, amount)
    assert unbalanced_entries() == []
