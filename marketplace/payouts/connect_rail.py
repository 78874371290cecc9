"""Paying a payout over Stripe Connect: sending its transfer (stripe_connect.py is
the Stripe adapter), and reconciling the payouts whose outcome was unknown
by looking them up at Stripe before anything is sent again.

A Connect payout is settled in steps, each a short transaction on the locked
payout row, with the calls to Stripe in between. No lock is held across a
call (with retries it can take minutes, and on SQLite an open write would
stop every other writer). What keeps two runs, or a run and a retry, from
paying one payout twice is the idempotency key: the attempt number is fixed
under the lock and an unknown outcome never changes it, so every send of a
payout is the same request to Stripe, which makes at most one transfer.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from marketplace import audit
from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.locking import lock_one
from marketplace.payouts import stripe_connect
from marketplace.payouts.models import (BankAccount, NotAConnectPayout, Payout, PayoutNotFound, PayoutNotInTransit,
                                        PayoutRail, PayoutStatus)
from marketplace.payouts.settlement import mark_failed, mark_paid


@dataclass(frozen=True)
class _Attempt:
    payout_id: int
    number: int
    amount_vnd: int
    destination: str | None
    resumed: bool  # an earlier send of this attempt may have reached Stripe


def reconcile_connect_payouts(producer_ids: list[int] | None = None) -> list[Payout]:
    """Settle the Connect payouts left in transit without a transfer (Stripe's
    answer was unknown, or a run stopped half-way): each is looked up at
    Stripe and marked paid, or sent again. Returns them as they now stand."""
    stmt = (sa.select(Payout.id).where(Payout.rail == PayoutRail.STRIPE_CONNECT,
                                       Payout.status == PayoutStatus.IN_TRANSIT,
                                       Payout.stripe_transfer_id.is_(None)).order_by(Payout.id))
    if producer_ids:
        stmt = stmt.where(Payout.producer_id.in_(producer_ids))
    payout_ids = db.session.scalars(stmt).all()
    db.session.commit()
    return [send_connect_transfer(payout_id) for payout_id in payout_ids]


def reconcile_payout(payout_id: int) -> Payout:
    """Settle one Connect payout in transit with Stripe. Raises PayoutNotFound,
    PayoutNotInTransit, NotAConnectPayout.

    The checks are made on the locked payout, in the transaction that fixes the
    attempt: one made on an unlocked read could pass for a payout an admin
    settles a moment later, and the answer would not say what happened."""
    return send_connect_transfer(payout_id, explain=True)


def _refuse(payout: Payout | None) -> None:
    if payout is None:
        raise PayoutNotFound()
    if payout.status is not PayoutStatus.IN_TRANSIT:
        raise PayoutNotInTransit(payout.status)
    if payout.rail is not PayoutRail.STRIPE_CONNECT:
        raise NotAConnectPayout()


def send_connect_transfer(payout_id: int, explain: bool = False) -> Payout:
    """Transfer a Connect payout, or settle one an earlier attempt left unsure.

    A payout tried before is first looked up at Stripe: a transfer there pays
    it; with none, the same attempt is sent again. Stripe refusing the transfer
    fails the payout, and the money returns to the producer's available
    balance for the next run. An unknown outcome leaves it in transit, its
    money held, with the reason: it is never paid again by a new payout.
    With `explain`, a payout with nothing to send raises PayoutNotFound,
    PayoutNotInTransit or NotAConnectPayout instead of being returned as it stands.
    """
    attempt = _start_attempt(payout_id, explain)
    if attempt is None:
        return db.session.get(Payout, payout_id)
    try:
        found = stripe_connect.transfers_of(payout_id) if attempt.resumed else []
    except stripe_connect.TransferOutcomeUnknown as exc:
        return _leave_in_transit(payout_id, f"Could not look the payout up at Stripe ({exc}); attempt "
                                            f"{attempt.number} is not sent again until it has been.")
    if found:
        return _settle_as_found(attempt, found)
    try:
        transfer_id = stripe_connect.transfer(payout_id=payout_id, attempt=attempt.number,
                                              amount_vnd=attempt.amount_vnd, destination=attempt.destination)
    except stripe_connect.TransferFailed as exc:
        return _settle(mark_failed, payout_id, f"Stripe transfer failed: {exc}")
    except stripe_connect.TransferOutcomeUnknown as exc:
        return _leave_in_transit(payout_id, f"Stripe's answer to attempt {attempt.number} is unknown ({exc}); "
                                            "it is looked up at Stripe before being sent again.")
    return _settle(mark_paid, payout_id, transfer_id, stripe_transfer_id=transfer_id)


@transactional
def _start_attempt(payout_id: int, explain: bool = False) -> _Attempt | None:
    """Fix, on the locked payout, the attempt to send. None: nothing to send
    (settled meanwhile, or not a Connect payout); with `explain`, raises why."""
    payout = lock_one(sa.select(Payout).where(Payout.id == payout_id))
    if explain:
        _refuse(payout)
        audit.record("payout.reconciled", "payout", payout.id, producer_id=payout.producer_id,
                     amount_vnd=payout.amount_vnd, attempts=payout.attempts)
    if (payout is None or payout.status is not PayoutStatus.IN_TRANSIT
            or payout.rail is not PayoutRail.STRIPE_CONNECT or payout.stripe_transfer_id):
        return None
    # Committed before the call, so a crash during it leaves a resumed attempt
    # behind: one that is looked up at Stripe, then sent again under its own key.
    resumed = payout.attempts > 0
    if not resumed:
        payout.attempts = 1
    destination = db.session.scalar(
        sa.select(BankAccount.stripe_account_id).where(BankAccount.producer_id == payout.producer_id))
    return _Attempt(payout.id, payout.attempts, payout.amount_vnd, destination, resumed)


def _settle_as_found(attempt: _Attempt, found: list) -> Payout:
    """Stripe holds transfers for the payout: it is paid, or a person must look. Never sent again."""
    transfer_id = stripe_connect.the_transfer_paying(found, attempt.amount_vnd)
    if transfer_id:
        return _settle(mark_paid, attempt.payout_id, transfer_id, stripe_transfer_id=transfer_id)
    held = ", ".join(f"{t['id']} ({t['amount']} {t['currency']}, {t['amount_reversed']} reversed)"
                     for t in found)
    return _leave_in_transit(attempt.payout_id, f"Needs review: Stripe holds {held} for this payout of "
                                                f"{attempt.amount_vnd} vnd. Nothing was sent again.")


def _settle(settle, payout_id: int, *args, **kwargs) -> Payout:
    """mark_paid or mark_failed, unless another run or an admin settled the
    payout first: the first settlement stands."""
    try:
        return settle(payout_id, *args, **kwargs)
    except PayoutNotInTransit:
        payout = db.session.get(Payout, payout_id)
        if settle is mark_paid and payout.status is PayoutStatus.FAILED:
            return _report_transfer_after_failure(payout_id, transfer_id=args[0])
        return payout


@transactional
def _report_transfer_after_failure(payout_id: int, transfer_id: str) -> Payout:
    """An admin failed the payout while its transfer was being made, and its money is available again.
    Only a person can undo that (reverse the transfer at Stripe): say so where they look."""
    payout = lock_one(sa.select(Payout).where(Payout.id == payout_id))
    warning = (f"Stripe made transfer {transfer_id} for this payout after it was marked failed: reverse it at "
               "Stripe, or the producer is paid twice.")
    current_app.logger.error("Payout %s: %s", payout_id, warning)
    payout.failure_reason = f"{warning} Failed because: {payout.failure_reason}"[:500]
    return payout


@transactional
def _leave_in_transit(payout_id: int, reason: str) -> Payout:
    """Record why the payout is still in transit; its money stays held until Stripe has been asked."""
    current_app.logger.warning("Connect payout %s left in transit: %s", payout_id, reason)
    payout = lock_one(sa.select(Payout).where(Payout.id == payout_id))
    if payout.status is PayoutStatus.IN_TRANSIT and payout.stripe_transfer_id is None:
        payout.failure_reason = reason[:500]
    return payout
