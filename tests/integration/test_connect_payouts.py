"""Payout runs over Stripe Connect, against the fake Stripe of tests.money_helpers."""

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.payouts import connect, runs
from marketplace.payouts.models import Payout, PayoutStatus
from tests.factories import ProductFactory, UserFactory
from tests.money_helpers import deliver, fake_stripe_client, give_bank_account, place_paid_order, release_all_delivered

CONNECT_ACCOUNT = "acct_1PqRsTuVwXyZ0123"


def test_a_payout_is_never_committed_as_paid_without_its_transfer_id(app, monkeypatch):
    monkeypatch.setattr(connect, "client", lambda: fake_stripe_client())
    product = ProductFactory(variant__price_vnd=250_000, variant__stock_quantity=100)
    give_bank_account(product.producer, CONNECT_ACCOUNT)
    deliver(place_paid_order(UserFactory(), product.variants[0]).sub_orders[0])
    release_all_delivered()
    producer_id, committed = product.producer_id, []

    def read_back(_session):  # what another connection sees after each commit
        with db.engine.connect() as connection:
            committed.extend(connection.execute(sa.select(Payout.status, Payout.stripe_transfer_id)
                                                .where(Payout.producer_id == producer_id)).all())
    event.listen(Session, "after_commit", read_back)
    try:
        runs.run_payouts()
    finally:
        event.remove(Session, "after_commit", read_back)

    assert (PayoutStatus.PAID, None) not in committed
    assert committed[-1][0] is PayoutStatus.PAID and committed[-1][1].startswith("tr_")
