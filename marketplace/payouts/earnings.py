"""What producers earn: ledger entries for sales, cash on delivery and refunds,
and the release of earnings once delivery plus the holding period has passed.

The handlers run inside the transaction of the change that caused them
(marketplace.events), so an order is never paid without its ledger entry.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.database import transactional, utcnow
from marketplace.events import subscribe
from marketplace.extensions import db
from marketplace.orders.models import SubOrder
from marketplace.payments.models import Refund
from marketplace.payouts.ledger import balance, credit, debit, post
from marketplace.payouts.models import Account, EntryKind, JournalEntry

SALE_KINDS = (EntryKind.SALE, EntryKind.COD_SALE)


def _has_entry(sub_order_id: int, kinds) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry).where(
        JournalEntry.sub_order_id == sub_order_id, JournalEntry.kind.in_(kinds))) > 0


def _refs(sub_order: SubOrder) -> dict:
    return {"producer_id": sub_order.producer_id, "sub_order_id": sub_order.id, "reference": sub_order.order.number}


@subscribe("sub_order.paid")
def record_sale(sub_order: SubOrder) -> None:
    """Money for this part reached the platform (card or transfer): the producer
    earns the part's total less the commission snapshotted at checkout."""
    if _has_entry(sub_order.id, SALE_KINDS):
        return
    producer, commission = sub_order.producer_id, sub_order.commission_vnd
    post(EntryKind.SALE, [
        debit(Account.SHOPPER_CLEARING, sub_order.total_vnd),
        credit(Account.PRODUCER_PENDING, sub_order.total_vnd - commission, producer),
        credit(Account.COMMISSION_REVENUE, commission),
    ], memo="Paid by the shopper", **_refs(sub_order))


@subscribe("sub_order.cash_collected")
def record_cash_on_delivery(sub_order: SubOrder) -> None:
    """The producer collected the cash at the door and keeps it: their earning is
    recorded, and the cash counts as paid to them. They still owe the commission,
    which stays as a negative balance to net against their next payout."""
    if _has_entry(sub_order.id, SALE_KINDS):
        return
    producer, total, commission = sub_order.producer_id, sub_order.total_vnd, sub_order.commission_vnd
    post(EntryKind.COD_SALE, [
        debit(Account.CASH_HELD, total),
        credit(Account.PRODUCER_PENDING, total - commission, producer),
        credit(Account.COMMISSION_REVENUE, commission),
    ], memo="Cash collected on delivery", **_refs(sub_order))
    post(EntryKind.COD_SETTLEMENT, [
        debit(Account.PRODUCER_PENDING, total, producer),
        credit(Account.CASH_HELD, total),
    ], memo="Cash kept by the producer", **_refs(sub_order))


@subscribe("refund.recorded")
def record_refund(refund, sub_order: SubOrder | None) -> None:
    """A refund takes back the producer's share and the matching share of commission.
    Before release it reduces the pending earning; after payout it leaves a
    negative available balance, netted against the next payout."""
    if sub_order is None:
        post(EntryKind.REFUND, [debit(Account.COMMISSION_REVENUE, refund.amount_vnd),
                                credit(Account.REFUNDS, refund.amount_vnd)],
             refund_id=refund.id, memo="Refund made outside the marketplace; not allocated to a producer")
        return
    commission_back = _commission_share(sub_order, refund.amount_vnd)
    bucket = Account.PRODUCER_AVAILABLE if _has_entry(sub_order.id, [EntryKind.RELEASE]) \
        else Account.PRODUCER_PENDING
    post(EntryKind.REFUND, [
        debit(bucket, refund.amount_vnd - commission_back, sub_order.producer_id),
        debit(Account.COMMISSION_REVENUE, commission_back),
        credit(Account.REFUNDS, refund.amount_vnd),
    ], refund_id=refund.id, memo=refund.reason[:300], **_refs(sub_order))


def _commission_share(sub_order: SubOrder, amount: int) -> int:
    """The commission refunded with `amount`, so that a full refund returns all of it."""
    already = sum(r.amount_vnd for r in sub_order_refunds(sub_order)) - amount
    total, commission = sub_order.total_vnd, sub_order.commission_vnd
    return (commission * (already + amount)) // total - (commission * already) // total


def sub_order_refunds(sub_order: SubOrder):
    return db.session.scalars(sa.select(Refund).where(Refund.sub_order_id == sub_order.id)).all()


def release_due(now: datetime | None = None) -> int:
    """Make earnings available for parts delivered at least the holding period ago."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["PAYOUT_HOLD_DAYS"])
    released_ids = sa.select(JournalEntry.sub_order_id).where(JournalEntry.kind == EntryKind.RELEASE)
    sale_ids = sa.select(JournalEntry.sub_order_id).where(JournalEntry.kind.in_(SALE_KINDS))
    due = db.session.scalars(
        sa.select(SubOrder.id).where(SubOrder.delivered_at <= cutoff, SubOrder.id.in_(sale_ids),
                                     SubOrder.id.not_in(released_ids)).order_by(SubOrder.id)
    ).all()
    for sub_order_id in due:
        _release(sub_order_id)
    return len(due)


@transactional
def _release(sub_order_id: int) -> None:
    sub_order = db.session.get(SubOrder, sub_order_id, with_for_update=True)
    if _has_entry(sub_order_id, [EntryKind.RELEASE]):
        return  # another worker got here first
    pending = balance(Account.PRODUCER_PENDING, sub_order.producer_id, sub_order_id=sub_order_id)
    producer = sub_order.producer_id
    post(EntryKind.RELEASE, [debit(Account.PRODUCER_PENDING, pending, producer),
                             credit(Account.PRODUCER_AVAILABLE, pending, producer)],
         memo="Delivered and past the holding period", **_refs(sub_order))
