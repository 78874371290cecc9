"""Payout runs: pay every producer whose available balance has reached the minimum.

Each producer is paid in its own transaction that locks the producer's row,
so two runs started at once queue per producer and the second finds nothing
left to pay. A ledger line can be in one payout only (PayoutItem.line_id is
unique): no earning is ever paid out twice. A Connect payout is then sent
to Stripe (connect_rail.py); one on the bank rail waits for an admin to
settle it (settlement.py).
"""

import sqlalchemy as sa
from flask import current_app

from marketplace import audit
from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.locking import for_update
from marketplace.payouts.connect_rail import reconcile_connect_payouts, send_connect_transfer
from marketplace.payouts.earnings import held_entry_ids, release_due
from marketplace.payouts.ledger import credit, debit, post
from marketplace.payouts.models import (Account, BankAccount, EntryKind, JournalLine, Payout,
                                        PayoutItem, PayoutRail, PayoutRun, PayoutStatus)
from marketplace.producers.models import Producer


def _unpaid_available_lines(producer_id: int):
    """The producer's available lines not paid yet, leaving out those of orders
    held for a refund awaiting allocation (earnings.held_order_ids): they are paid
    by a later run, once an admin has said whose goods that refund paid back."""
    return (sa.select(JournalLine).where(JournalLine.producer_id == producer_id,
                                         JournalLine.account == Account.PRODUCER_AVAILABLE,
                                         JournalLine.id.not_in(sa.select(PayoutItem.line_id)),
                                         JournalLine.entry_id.not_in(held_entry_ids()))
            .order_by(JournalLine.id))


def run_payouts(started_by_id: int | None = None, producer_ids: list[int] | None = None) -> PayoutRun:
    """Settle the Connect payouts earlier runs left unsure, release what is
    due, then pay each eligible producer. Returns the run."""
    reconcile_connect_payouts(producer_ids)
    release_due()
    run_id = _open_run(started_by_id, producer_ids)
    candidates = db.session.scalars(
        sa.select(JournalLine.producer_id).where(JournalLine.account == Account.PRODUCER_AVAILABLE,
                                                 JournalLine.id.not_in(sa.select(PayoutItem.line_id)))
        .distinct().order_by(JournalLine.producer_id)
    ).all()
    db.session.commit()
    for producer_id in candidates:
        if producer_ids and producer_id not in producer_ids:
            continue
        payout_id = _pay_producer(run_id, producer_id)
        if payout_id:
            send_connect_transfer(payout_id)
    return db.session.get(PayoutRun, run_id)


@transactional
def _open_run(started_by_id: int | None, producer_ids: list[int] | None = None) -> int:
    run = PayoutRun(started_by_id=started_by_id, minimum_vnd=current_app.config["PAYOUT_MINIMUM_VND"])
    db.session.add(run)
    db.session.flush()
    audit.record("payout_run.started", "payout_run", run.id, started_by_id, minimum_vnd=run.minimum_vnd,
                 producer_ids=producer_ids or [])
    return run.id


@transactional
def _pay_producer(run_id: int, producer_id: int) -> int | None:
    # The lock that makes concurrent runs safe: one payout decision per producer at a time.
    # NO KEY UPDATE: checkouts inserting sub-orders for this producer (a key share) are not held up.
    db.session.execute(for_update(sa.select(Producer.id).where(Producer.id == producer_id), key_share=True))
    lines = db.session.scalars(_unpaid_available_lines(producer_id)).all()
    amount = -sum(line.amount_vnd for line in lines)
    run = db.session.get(PayoutRun, run_id)
    bank = db.session.scalar(sa.select(BankAccount).where(BankAccount.producer_id == producer_id))
    if amount < max(run.minimum_vnd, 1) or bank is None:
        return None
    rail = PayoutRail.STRIPE_CONNECT if bank.stripe_account_id else PayoutRail.BANK_TRANSFER
    payout = Payout(run_id=run_id, producer_id=producer_id, amount_vnd=amount, rail=rail,
                    status=PayoutStatus.IN_TRANSIT, bank_bin=bank.bank_bin, bank_name=bank.bank_name,
                    account_number=bank.account_number, holder_name=bank.holder_name)
    db.session.add(payout)
    db.session.flush()
    entry = post(EntryKind.PAYOUT, [debit(Account.PRODUCER_AVAILABLE, amount, producer_id),
                                    credit(Account.PAYOUTS_IN_TRANSIT, amount, producer_id)],
                 producer_id=producer_id, payout_id=payout.id, reference=f"payout-{payout.id}")
    # The payout includes exactly these lines, and its own debit, so the available balance it took is closed.
    included = lines + [l for l in entry.lines if l.account is Account.PRODUCER_AVAILABLE]
    db.session.add_all(PayoutItem(payout_id=payout.id, line_id=line.id) for line in included)
    return payout.id if rail is PayoutRail.STRIPE_CONNECT else None
