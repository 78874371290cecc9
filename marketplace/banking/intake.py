"""Recording an incoming transfer, once, and paying its order when it matches exactly.

The same transfer can arrive twice at once (a notification retried while the
first is still being handled, or a statement row imported beside it). So:

1. The bank reference is claimed first (an advisory lock on PostgreSQL): a
   second copy waits there until the first commits, then finds its row and
   changes nothing.
2. The unique constraint on bank_reference is the last line of defence
   (SQLite, or a writer that did not claim): the loser's whole transaction
   rolls back, the order's confirmation with it, and it answers as a duplicate.

The order is locked (its payment row, orders.locks) before anything is decided
from it, so a transfer is serialised with the expiry job, the admin's
confirmation and any other transfer for the same order.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from marketplace import idempotency
from marketplace.banking import matching
from marketplace.banking.models import BankTransaction, OrderFoundBy, Reason, Source, TransactionStatus
from marketplace.database import transactional
from marketplace.errors import N_, Conflict
from marketplace.extensions import db
from marketplace.orders import late_payment
from marketplace.orders.lifecycle import Actor
from marketplace.orders.locks import locked_order
from marketplace.orders.models import Order
from marketplace.orders.payment_outcomes import accept_transfer
from marketplace.payments.models import Payment, PaymentMethod, PaymentStatus

log = logging.getLogger(__name__)

CLOCK_SLACK = timedelta(minutes=10)  # a bank's clock against ours, for the guess by amount


class BankReferenceReused(Conflict):
    code, message = ("bank_reference_reused",
                     N_("This bank reference was already recorded with another amount; nothing was changed."))


@dataclass(frozen=True)
class IncomingTransfer:
    """A credit to the platform's account, as the bank reports it."""

    bank_reference: str
    amount_vnd: int
    description: str
    occurred_at: datetime  # aware
    account_number: str = ""


@dataclass(frozen=True)
class Recorded:
    transaction: BankTransaction
    duplicate: bool  # it was recorded before: nothing changed now


def record(transfer: IncomingTransfer, source: Source) -> Recorded:
    """Record the transfer once and pay its order on an exact match; a copy of
    one already recorded changes nothing. Raises BankReferenceReused (the
    reference is known with another amount)."""
    try:
        return _record(transfer, source)
    except IntegrityError:
        db.session.rollback()
        existing = _find(transfer.bank_reference)
        if existing is None:
            raise
        return _duplicate(existing, transfer)


@transactional
def _record(transfer: IncomingTransfer, source: Source) -> Recorded:
    idempotency.claim("bank_transaction", 0, transfer.bank_reference)
    existing = _find(transfer.bank_reference)
    if existing is not None:
        return _duplicate(existing, transfer)
    transaction = BankTransaction(
        bank_reference=transfer.bank_reference, amount_vnd=transfer.amount_vnd, description=transfer.description[:500],
        account_number=transfer.account_number, occurred_at=transfer.occurred_at, source=source)
    order_id = _order_named(transfer.description)
    if order_id is not None:
        _match(transaction, locked_order(order_id))
    else:
        _queue_unknown(transaction)
    db.session.add(transaction)
    db.session.flush()  # the unique bank reference is checked here, before commit
    log.info("Bank transfer %s of %s đồng: %s %s", transfer.bank_reference, transfer.amount_vnd,
             transaction.status, transaction.reason or "")
    return Recorded(transaction, duplicate=False)


def _match(transaction: BankTransaction, order: Order) -> None:
    """Decide, under the order's lock, whether the transfer pays it."""
    transaction.order_id, transaction.order_found_by = order.id, OrderFoundBy.REFERENCE
    payment = order.payment
    if payment.status is PaymentStatus.SUCCEEDED and matching.same_reference(payment.bank_reference,
                                                                             transaction.bank_reference):
        transaction.status = TransactionStatus.MATCHED  # an admin confirmed it by hand with this very transfer
        return
    expired = late_payment.has_expired(order)
    reason = matching.reason_for(payment.status, expired, payment.amount_vnd, transaction.amount_vnd)
    if reason is None:
        accept_transfer(order, transaction.amount_vnd, transaction.bank_reference, Actor.SYSTEM, None)
        transaction.status = TransactionStatus.MATCHED
        return
    transaction.status, transaction.reason = TransactionStatus.QUEUED, reason
    transaction.suggested_action = matching.suggestion(reason, OrderFoundBy.REFERENCE,
                                                       expired and late_payment.stock_is_there(order))


def _queue_unknown(transaction: BankTransaction) -> None:
    guess = _order_awaiting(transaction.amount_vnd, transaction.occurred_at)
    transaction.status, transaction.reason = TransactionStatus.QUEUED, Reason.UNKNOWN_REFERENCE
    if guess is not None:
        transaction.order_id, transaction.order_found_by = guess, OrderFoundBy.AMOUNT
    transaction.suggested_action = matching.suggestion(Reason.UNKNOWN_REFERENCE, transaction.order_found_by)


def _find(bank_reference: str) -> BankTransaction | None:
    return db.session.scalar(sa.select(BankTransaction).where(BankTransaction.bank_reference == bank_reference)
                             .execution_options(populate_existing=True))


def _duplicate(existing: BankTransaction, transfer: IncomingTransfer) -> Recorded:
    if existing.amount_vnd != transfer.amount_vnd:
        log.warning("Bank reference %s arrived again with %s đồng; it was recorded with %s", transfer.bank_reference,
                    transfer.amount_vnd, existing.amount_vnd)
        raise BankReferenceReused()
    return Recorded(existing, duplicate=True)


def _order_named(description: str) -> int | None:
    """The order whose transfer reference is in the description (the first, if several are)."""
    candidates = matching.references_in(description)
    if not candidates:
        return None
    found = dict(db.session.execute(sa.select(Order.transfer_reference, Order.id)
                                    .where(Order.transfer_reference.in_(candidates))).all())
    return next((found[c] for c in candidates if c in found), None)


def _order_awaiting(amount_vnd: int, occurred_at: datetime) -> int | None:
    """A guess for a transfer without a known reference: the one bank-transfer
    order awaiting exactly this amount, placed within a reservation's length
    before it. None if there is none, or more than one (no guess is better than
    a wrong one)."""
    window = timedelta(hours=current_app.config["BANK_TRANSFER_RESERVATION_HOURS"])
    ids = db.session.scalars(
        sa.select(Order.id).join(Payment, Payment.order_id == Order.id)
        .where(Payment.method == PaymentMethod.BANK_TRANSFER, Payment.status == PaymentStatus.PENDING,
               Payment.amount_vnd == amount_vnd, Order.created_at <= occurred_at + CLOCK_SLACK,
               Order.created_at >= occurred_at - window)
        .limit(2)).all()
    return ids[0] if len(ids) == 1 else None
