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
from marketplace.locking import for_update, lock_one
from marketplace.orders.models import SubOrder
from marketplace.payments.models import Payment, Refund
from marketplace.payouts import withholding
from marketplace.payouts.ledger import balance, credit, debit, post
from marketplace.payouts.models import Account, EntryKind, JournalEntry, JournalLine
from marketplace.producers.models import Producer

SALE_KINDS = (EntryKind.SALE, EntryKind.COD_SALE)


def held_order_ids():
    """Orders with a refund made in Stripe that awaits an admin's allocation: their
    parts' earnings are neither released nor paid out until it is allocated, so no
    producer is paid for goods refunded without anyone deciding whose they were."""
    return (sa.select(Payment.order_id).join(Refund, Refund.payment_id == Payment.id)
            .where(Refund.awaiting_allocation.is_(True)))


def held_entry_ids():
    """Journal entries of the parts of held orders (see held_order_ids)."""
    return sa.select(JournalEntry.id).join(SubOrder, SubOrder.id == JournalEntry.sub_order_id).where(
        SubOrder.order_id.in_(held_order_ids()))


def _is_held(order_id: int) -> bool:
    return db.session.scalar(sa.select(held_order_ids().where(Payment.order_id == order_id).exists()))


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
    withholding.withhold(producer, sub_order.items_total_vnd, **_tax_refs(sub_order))


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
    withholding.withhold(producer, sub_order.items_total_vnd, **_tax_refs(sub_order))


@subscribe("refund.recorded")
def record_refund(refund, sub_order: SubOrder | None) -> None:
    """A refund takes back the producer's share and the matching share of commission.
    Before release it reduces the pending earning; after payout it leaves a
    negative available balance, netted against the next payout."""
    if sub_order is None:
        # The platform bears it: for now, until an admin allocates it (awaiting_allocation), or for good.
        memo = ("Refund made outside the marketplace; awaiting allocation to the parts" if refund.awaiting_allocation
                else "Refund made outside the marketplace; not allocated to a producer")
        post(EntryKind.REFUND, [debit(Account.COMMISSION_REVENUE, refund.amount_vnd),
                                credit(Account.REFUNDS, refund.amount_vnd)], refund_id=refund.id, memo=memo)
        return
    commission_back = _commission_share(sub_order, refund.amount_vnd)
    post(EntryKind.REFUND, [
        debit(_bucket(sub_order), refund.amount_vnd - commission_back, sub_order.producer_id),
        debit(Account.COMMISSION_REVENUE, commission_back),
        credit(Account.REFUNDS, refund.amount_vnd),
    ], refund_id=refund.id, memo=refund.reason[:300], **_refs(sub_order))
    _give_tax_back(refund, sub_order)


@subscribe("refund.allocated")
def record_refund_allocation(refund, sub_order: SubOrder) -> None:
    """An admin allocated to this part a share of a refund the platform had borne:
    the producer now bears it as any refund of theirs (less the commission it
    takes back), and the platform is made whole for it. No money moves."""
    commission_back = _commission_share(sub_order, refund.amount_vnd)
    producers_part = refund.amount_vnd - commission_back
    post(EntryKind.REFUND, [
        debit(_bucket(sub_order), producers_part, sub_order.producer_id),
        credit(Account.COMMISSION_REVENUE, producers_part),
    ], refund_id=refund.id, memo=refund.reason[:300], **_refs(sub_order))
    _give_tax_back(refund, sub_order)


def _give_tax_back(refund, sub_order: SubOrder) -> None:
    """The refund's share of the tax withheld on the part, back to where the refund took the earning from."""
    before = sum(r.amount_vnd for r in sub_order_refunds(sub_order)) - refund.amount_vnd
    withholding.give_back(sub_order.producer_id, _bucket(sub_order), before, refund.amount_vnd, sub_order.total_vnd,
                          refund_id=refund.id, **_tax_refs(sub_order))


def _tax_refs(sub_order: SubOrder) -> dict:
    return {"sub_order_id": sub_order.id, "reference": sub_order.order.number}


def _bucket(sub_order: SubOrder) -> Account:
    """Where a refund takes the producer's money back from: pending before release, available after."""
    return Account.PRODUCER_AVAILABLE if _has_entry(sub_order.id, [EntryKind.RELEASE]) else Account.PRODUCER_PENDING


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
    # Display-point releases carry no sub-order: leave their NULLs out, or NOT IN matches nothing.
    released_ids = sa.select(JournalEntry.sub_order_id).where(JournalEntry.kind == EntryKind.RELEASE,
                                                              JournalEntry.sub_order_id.is_not(None))
    sale_ids = sa.select(JournalEntry.sub_order_id).where(JournalEntry.kind.in_(SALE_KINDS))
    due = db.session.scalars(
        sa.select(SubOrder.id).where(SubOrder.delivered_at <= cutoff, SubOrder.id.in_(sale_ids),
                                     SubOrder.id.not_in(released_ids), SubOrder.order_id.not_in(held_order_ids()))
        .order_by(SubOrder.id)
    ).all()
    for sub_order_id in due:
        _release(sub_order_id)
    return len(due) + release_due_point_sales(cutoff)


@transactional
def _release(sub_order_id: int) -> None:
    # Lock the sub-order row only: its joined-eager producer is an outer join, which
    # PostgreSQL refuses to lock ("FOR UPDATE cannot be applied to the nullable side").
    sub_order = lock_one(sa.select(SubOrder).where(SubOrder.id == sub_order_id), of=SubOrder)
    if _has_entry(sub_order_id, [EntryKind.RELEASE]):
        return  # another worker got here first
    if _is_held(sub_order.order_id):
        return  # a refund made in Stripe arrived meanwhile and awaits allocation
    pending = balance(Account.PRODUCER_PENDING, sub_order.producer_id, sub_order_id=sub_order_id)
    producer = sub_order.producer_id
    post(EntryKind.RELEASE, [debit(Account.PRODUCER_PENDING, pending, producer),
                             credit(Account.PRODUCER_AVAILABLE, pending, producer)],
         memo="Delivered and past the holding period", **_refs(sub_order))


# --- display points ---------------------------------------------------------------

@subscribe("point_sale.recorded")
def record_point_sale(movement, producer_id: int, total_vnd: int, commission_vnd: int) -> None:
    """A sale at a display point: the producer earns the sale less the point's
    consignment commission. Cash stays in the till (cash held) until handed over."""
    cash = movement.payment_method.value == "cash"
    post(EntryKind.POINT_SALE, [
        debit(Account.CASH_HELD if cash else Account.SHOPPER_CLEARING, total_vnd),
        credit(Account.PRODUCER_PENDING, total_vnd - commission_vnd, producer_id),
        credit(Account.COMMISSION_REVENUE, commission_vnd),
    ], producer_id=producer_id, movement_id=movement.id, reference=movement.reference,
        memo=f"Sold at display point {movement.point_id}",
        flush=False)  # a sale of several producers' goods writes its entries in one statement, at commit
    withholding.withhold(producer_id, total_vnd, movement_id=movement.id, reference=movement.reference, flush=False)


@subscribe("point_cash.handed_over")
def record_cash_handover(handover) -> None:
    post(EntryKind.CASH_HANDOVER, [debit(Account.SHOPPER_CLEARING, handover.amount_vnd),
                                   credit(Account.CASH_HELD, handover.amount_vnd)],
         reference=f"cash-{handover.id}", memo=f"Cash handed over by display point {handover.point_id}")


def release_due_point_sales(cutoff: datetime) -> int:
    """Till sales become available after the same holding period as deliveries."""
    released = sa.select(JournalEntry.movement_id, JournalEntry.producer_id).where(
        JournalEntry.kind == EntryKind.RELEASE, JournalEntry.movement_id.is_not(None))
    due = db.session.execute(
        sa.select(JournalEntry.movement_id, JournalEntry.producer_id)
        .where(JournalEntry.kind == EntryKind.POINT_SALE, JournalEntry.created_at <= cutoff,
               sa.tuple_(JournalEntry.movement_id, JournalEntry.producer_id).not_in(released))
        .order_by(JournalEntry.movement_id, JournalEntry.producer_id)
    ).all()
    for movement_id, producer_id in due:
        _release_point_sale(movement_id, producer_id)
    return len(due)


@transactional
def _release_point_sale(movement_id: int, producer_id: int) -> None:
    # Serialise releases of one producer's earnings with payout runs (they lock the same row).
    db.session.execute(for_update(sa.select(Producer.id).where(Producer.id == producer_id), key_share=True))
    if db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry).where(
            JournalEntry.kind == EntryKind.RELEASE, JournalEntry.movement_id == movement_id,
            JournalEntry.producer_id == producer_id)):
        return
    pending = -db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(JournalLine.amount_vnd), 0)).join(JournalEntry)
        .where(JournalEntry.movement_id == movement_id, JournalLine.producer_id == producer_id,
               JournalLine.account == Account.PRODUCER_PENDING))
    post(EntryKind.RELEASE, [debit(Account.PRODUCER_PENDING, pending, producer_id),
                             credit(Account.PRODUCER_AVAILABLE, pending, producer_id)],
         producer_id=producer_id, movement_id=movement_id, memo="Display-point sale past the holding period")
