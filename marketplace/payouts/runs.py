"""Payout runs: pay every producer whose available balance has reached the minimum.

Each producer is paid in its own transaction that locks the producer's row,
so two runs started at once queue per producer and the second finds nothing
left to pay. A ledger line can be in one payout only (PayoutItem.line_id is
unique): no earning is ever paid out twice.
"""

import sqlalchemy as sa
from flask import current_app

from marketplace.database import transactional, utcnow
from marketplace.errors import Conflict, NotFound
from marketplace.extensions import db
from marketplace.payouts import connect
from marketplace.payouts.earnings import release_due
from marketplace.payouts.ledger import credit, debit, post
from marketplace.payouts.models import (Account, BankAccount, EntryKind, JournalEntry, JournalLine, Payout,
                                        PayoutItem, PayoutRail, PayoutRun, PayoutStatus)
from marketplace.producers.models import Producer


def _unpaid_available_lines(producer_id: int):
    return (sa.select(JournalLine).where(JournalLine.producer_id == producer_id,
                                         JournalLine.account == Account.PRODUCER_AVAILABLE,
                                         JournalLine.id.not_in(sa.select(PayoutItem.line_id)))
            .order_by(JournalLine.id))


def run_payouts(started_by_id: int | None = None, producer_ids: list[int] | None = None) -> PayoutRun:
    """Release what is due, then pay each eligible producer. Returns the run."""
    release_due()
    run_id = _open_run(started_by_id)
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
def _open_run(started_by_id: int | None) -> int:
    run = PayoutRun(started_by_id=started_by_id, minimum_vnd=current_app.config["PAYOUT_MINIMUM_VND"])
    db.session.add(run)
    db.session.flush()
    return run.id


@transactional
def _pay_producer(run_id: int, producer_id: int) -> int | None:
    # The lock that makes concurrent runs safe: one payout decision per producer at a time.
    # NO KEY UPDATE: checkouts inserting sub-orders for this producer (a key share) are not held up.
    db.session.execute(sa.select(Producer.id).where(Producer.id == producer_id).with_for_update(key_share=True))
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


def send_connect_transfer(payout_id: int) -> Payout:
    """Transfer a Connect payout. On a Stripe error the payout fails and the
    money returns to the producer's available balance, ready for a retry."""
    payout = db.session.get(Payout, payout_id)
    destination = db.session.scalar(
        sa.select(BankAccount.stripe_account_id).where(BankAccount.producer_id == payout.producer_id))
    payout.attempts += 1
    attempt, amount = payout.attempts, payout.amount_vnd
    db.session.commit()
    try:
        transfer_id = connect.transfer(payout_id=payout_id, attempt=attempt, amount_vnd=amount,
                                       destination=destination)
    except connect.TransferFailed as exc:
        return mark_failed(payout_id, f"Stripe transfer failed: {exc}")
    return mark_paid(payout_id, transfer_id, stripe_transfer_id=transfer_id)


def _locked_payout(payout_id: int) -> Payout:
    payout = db.session.scalar(sa.select(Payout).where(Payout.id == payout_id).with_for_update())
    if payout is None:
        raise NotFound("No such payout.", code="payout_not_found")
    if payout.status is not PayoutStatus.IN_TRANSIT:
        raise Conflict(f"This payout is already {payout.status}.", code="payout_not_in_transit")
    return payout


@transactional
def mark_paid(payout_id: int, bank_reference: str, stripe_transfer_id: str | None = None) -> Payout:
    """The bank (or Stripe) confirmed the money arrived. Raises NotFound, Conflict."""
    payout = _locked_payout(payout_id)
    payout.status, payout.bank_reference, payout.settled_at = PayoutStatus.PAID, bank_reference, utcnow()
    payout.stripe_transfer_id = stripe_transfer_id or payout.stripe_transfer_id
    post(EntryKind.PAYOUT_PAID, [debit(Account.PAYOUTS_IN_TRANSIT, payout.amount_vnd, payout.producer_id),
                                 credit(Account.SHOPPER_CLEARING, payout.amount_vnd)],
         producer_id=payout.producer_id, payout_id=payout.id, reference=f"payout-{payout.id}",
         memo=bank_reference[:300])
    return payout


@transactional
def mark_failed(payout_id: int, reason: str) -> Payout:
    """The transfer bounced: the money goes back to the producer's available balance."""
    payout = _locked_payout(payout_id)
    payout.status, payout.failure_reason = PayoutStatus.FAILED, reason[:500]
    post(EntryKind.PAYOUT_FAILED, [debit(Account.PAYOUTS_IN_TRANSIT, payout.amount_vnd, payout.producer_id),
                                   credit(Account.PRODUCER_AVAILABLE, payout.amount_vnd, payout.producer_id)],
         producer_id=payout.producer_id, payout_id=payout.id, reference=f"payout-{payout.id}",
         memo=reason[:300])
    return payout


def entries_of(payout_id: int) -> list[JournalEntry]:
    """The journal entries whose lines this payout includes."""
    return db.session.scalars(
        sa.select(JournalEntry).join(JournalLine).join(PayoutItem, PayoutItem.line_id == JournalLine.id)
        .where(PayoutItem.payout_id == payout_id).distinct().order_by(JournalEntry.id)
    ).all()
