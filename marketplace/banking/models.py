"""Money that arrived in the platform's bank account, one row per bank transaction.

Every incoming transfer the bank tells us about (its notification, or a row of
its statement) is recorded here exactly once, by the bank's own reference,
whatever happens next: it either paid its order at once (matched), or waits
for an admin (queued) until they decide what it is (resolved). Nothing that
arrived is dropped, and none of it pays an order twice.

The ledger (marketplace.payouts) sees the money once it pays an order (the
order's sales); until then, and for whatever is returned or written off, this
table is the record of it.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace.extensions import db
from marketplace.orders.models import Order


class Source(enum.StrEnum):
    WEBHOOK = "webhook"    # the bank-notification service posted it
    STATEMENT = "statement"  # a row of a statement an admin imported


class TransactionStatus(enum.StrEnum):
    MATCHED = "matched"    # it paid its order (or had already, with this same reference)
    QUEUED = "queued"      # waiting for an admin
    RESOLVED = "resolved"  # an admin decided


class Reason(enum.StrEnum):
    """Why a transfer waits for an admin."""

    PARTIAL = "partial"                      # less than the order's total
    OVERPAID = "overpaid"                    # more than the order's total
    UNKNOWN_REFERENCE = "unknown_reference"  # no order's transfer reference in the description
    ORDER_EXPIRED = "order_expired"          # its reservation ran out, the stock went back
    ORDER_CANCELLED = "order_cancelled"      # the shopper or the producers cancelled it
    ALREADY_PAID = "already_paid"            # a second payment of a paid order


class Action(enum.StrEnum):
    """What an admin does with a queued transfer (suggested, then taken)."""

    CONFIRM = "confirm"        # pay the order with it, the difference recorded
    REFUND = "refund"          # return it to the sender (the bank transfer is made outside)
    RE_RESERVE = "re_reserve"  # a late payment: reserve the stock again and pay the order
    DISMISS = "dismiss"        # not a shopper's payment, or already dealt with; a note says why


class OrderFoundBy(enum.StrEnum):
    REFERENCE = "reference"  # the order's transfer reference is in the description
    AMOUNT = "amount"        # a guess: the one order awaiting this amount, placed shortly before


class BankTransaction(db.Model):
    __tablename__ = "bank_transactions"
    __table_args__ = (sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),
                      sa.Index("ix_bank_transactions_status_occurred_at", "status", "occurred_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # The bank's own reference (số tham chiếu, SePay's referenceCode, Casso's tid):
    # unique, so a replayed notification or a re-imported statement row finds it here.
    bank_reference: Mapped[str] = mapped_column(sa.String(120), unique=True)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    account_number: Mapped[str] = mapped_column(sa.String(40), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[Source] = mapped_column(enum_column(Source))
    status: Mapped[TransactionStatus] = mapped_column(enum_column(TransactionStatus, name="banktransactionstatus"))
    reason: Mapped[Reason | None] = mapped_column(enum_column(Reason, 30, name="banktransactionreason"))
    suggested_action: Mapped[Action | None] = mapped_column(enum_column(Action, name="suggestedaction"))
    # The order the transfer paid, or its likely order (found_by says how it was found).
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    order_found_by: Mapped[OrderFoundBy | None] = mapped_column(enum_column(OrderFoundBy))
    # Once an admin has decided: what they did; for a confirmation, difference_vnd
    # = the amount received − the order's total (below zero: a shortfall the
    # platform bears); to_return_vnd, what is to go back to the sender (all of it
    # for a refund, the excess of an overpayment that was confirmed).
    resolution: Mapped[Action | None] = mapped_column(enum_column(Action, name="resolution"))
    difference_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    to_return_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order | None] = relationship()
