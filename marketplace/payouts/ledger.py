"""Posting journal entries and deriving balances from them."""

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.payouts.models import Account, EntryKind, JournalEntry, JournalLine, PRODUCER_ACCOUNTS


class UnbalancedEntry(DomainError):
    """A bug, never user input: an entry that does not sum to zero is refused."""

    status, code = 500, "unbalanced_entry"


@dataclass(frozen=True)
class Leg:
    account: Account
    amount_vnd: int                 # debit > 0, credit < 0
    producer_id: int | None = None


def debit(account: Account, amount: int, producer_id: int | None = None) -> Leg:
    return Leg(account, amount, producer_id)


def credit(account: Account, amount: int, producer_id: int | None = None) -> Leg:
    return Leg(account, -amount, producer_id)


def post(kind: EntryKind, legs: list[Leg], *, flush: bool = True, **refs) -> JournalEntry:
    """Append one balanced entry. Zero legs are dropped. With flush=False the
    entry is written at the caller's next flush (its id is unknown until then),
    so entries posted together go to the database in one statement.

    Raises UnbalancedEntry if the legs don't sum to zero, or if a producer
    account leg names no producer.
    """
    legs = [leg for leg in legs if leg.amount_vnd != 0]
    if sum(leg.amount_vnd for leg in legs) != 0:
        raise UnbalancedEntry(f"{kind} entry does not balance: {legs}")
    if any(leg.account in PRODUCER_ACCOUNTS and leg.producer_id is None for leg in legs):
        raise UnbalancedEntry(f"{kind} entry has a producer account leg without a producer")
    entry = JournalEntry(kind=kind, **refs)
    entry.lines = [JournalLine(account=leg.account, amount_vnd=leg.amount_vnd, producer_id=leg.producer_id)
                   for leg in legs]
    db.session.add(entry)
    if flush:
        db.session.flush()
    return entry


def reverse(entry: JournalEntry, memo: str = "") -> JournalEntry:
    """Correct an entry by posting its mirror image; the original stays."""
    return post(EntryKind.REVERSAL, [Leg(l.account, -l.amount_vnd, l.producer_id) for l in entry.lines],
                producer_id=entry.producer_id, sub_order_id=entry.sub_order_id, reverses_id=entry.id,
                reference=entry.reference, memo=memo or f"Reverses entry {entry.id}")


def balance(account: Account, producer_id: int | None = None, *, sub_order_id: int | None = None) -> int:
    """The account's balance as a positive amount owed (credit balances count positive)."""
    stmt = sa.select(sa.func.coalesce(sa.func.sum(JournalLine.amount_vnd), 0)).where(JournalLine.account == account)
    if producer_id is not None:
        stmt = stmt.where(JournalLine.producer_id == producer_id)
    if sub_order_id is not None:
        stmt = stmt.join(JournalEntry).where(JournalEntry.sub_order_id == sub_order_id)
    return -int(db.session.scalar(stmt))


@dataclass(frozen=True)
class ProducerBalance:
    pending_vnd: int
    available_vnd: int
    in_transit_vnd: int
    paid_vnd: int

    @property
    def total_vnd(self) -> int:
        return self.pending_vnd + self.available_vnd + self.in_transit_vnd + self.paid_vnd


PAID_KINDS = (EntryKind.PAYOUT_PAID, EntryKind.COD_SETTLEMENT)


def producer_balance(producer_id: int) -> ProducerBalance:
    rows = dict(db.session.execute(
        sa.select(JournalLine.account, sa.func.sum(JournalLine.amount_vnd))
        .where(JournalLine.producer_id == producer_id, JournalLine.account.in_(PRODUCER_ACCOUNTS))
        .group_by(JournalLine.account)
    ).all())
    owed = {account: -int(rows.get(account, 0)) for account in PRODUCER_ACCOUNTS}
    # Paid: the debits to the producer's accounts made by paying them.
    paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(JournalLine.amount_vnd), 0)).join(JournalEntry)
        .where(JournalLine.producer_id == producer_id, JournalLine.account.in_(PRODUCER_ACCOUNTS),
               JournalEntry.kind.in_(PAID_KINDS), JournalLine.amount_vnd > 0))
    return ProducerBalance(owed[Account.PRODUCER_PENDING], owed[Account.PRODUCER_AVAILABLE],
                           owed[Account.PAYOUTS_IN_TRANSIT], int(paid))
