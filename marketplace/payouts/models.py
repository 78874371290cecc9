"""The double-entry ledger, bank accounts, payouts and runs (commission rates are in pricing).

Journal entries and their lines are append-only: nothing updates or deletes
them, and a correction is a new, reversing entry. Line amounts are signed
integer đồng: debits positive, credits negative, so every entry sums to zero.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace.errors import N_, Conflict, NotFound
from marketplace.extensions import db


class Account(enum.StrEnum):
    SHOPPER_CLEARING = "shopper_clearing"        # money received from shoppers (Stripe, bank)
    COMMISSION_REVENUE = "commission_revenue"    # the platform's (and display points') commission
    PRODUCER_PENDING = "producer_pending"        # earned, not yet past delivery + holding period
    PRODUCER_AVAILABLE = "producer_available"    # earned and payable
    PAYOUTS_IN_TRANSIT = "payouts_in_transit"    # sent to the producer's bank, not yet confirmed
    PROCESSOR_FEES = "processor_fees"            # what Stripe kept
    REFUNDS = "refunds"                          # money returned to shoppers
    CASH_HELD = "cash_held"                      # cash collected on the platform's behalf (COD, display points)
    # Tax withheld from household businesses' sales, owed to the tax office (Decree 117/2025/NĐ-CP).
    # Their lines carry the producer it was withheld for, so the declaration is read from them.
    VAT_WITHHELD = "vat_withheld_payable"        # thuế GTGT khấu trừ phải nộp
    PIT_WITHHELD = "pit_withheld_payable"        # thuế TNCN khấu trừ phải nộp


# Accounts kept per producer (the line carries producer_id). What a producer
# has been paid is not an account: it is derived from PAYOUT_PAID and
# COD_SETTLEMENT entries, the two ways money reaches them.
PRODUCER_ACCOUNTS = frozenset({Account.PRODUCER_PENDING, Account.PRODUCER_AVAILABLE, Account.PAYOUTS_IN_TRANSIT})
TAX_PAYABLE_ACCOUNTS = frozenset({Account.VAT_WITHHELD, Account.PIT_WITHHELD})


class EntryKind(enum.StrEnum):
    SALE = "sale"                    # a sub-order paid (card, transfer)
    POINT_SALE = "point_sale"        # a sale at a display point's till
    CASH_HANDOVER = "cash_handover"  # a display point's cash reaches the platform
    COD_SALE = "cod_sale"            # cash collected on delivery
    COD_SETTLEMENT = "cod_settlement"  # the producer keeps that cash: it counts as paid to them
    RELEASE = "release"              # pending → available after delivery + holding period
    REFUND = "refund"
    PROCESSOR_FEE = "processor_fee"
    PAYOUT = "payout"                # available → in transit
    PAYOUT_PAID = "payout_paid"      # in transit → out of the platform's bank
    PAYOUT_FAILED = "payout_failed"  # in transit → available again
    REVERSAL = "reversal"
    TAX_WITHHELD = "tax_withheld"    # VAT and PIT withheld from a household business's sale
    TAX_REVERSED = "tax_reversed"    # the share of it a refund gives back


class JournalEntry(db.Model):
    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind), index=True)
    producer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("producers.id"), index=True)
    sub_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sub_orders.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refunds.id"), unique=True)
    movement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_movements.id"), index=True)  # a till sale
    payout_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payouts.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("journal_entries.id"), unique=True)
    reference: Mapped[str] = mapped_column(sa.String(80), default="")  # order number, payout id, ...
    memo: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    lines: Mapped[list["JournalLine"]] = relationship(back_populates="entry", order_by="JournalLine.id",
                                                      cascade="all")


class JournalLine(db.Model):
    __tablename__ = "journal_lines"
    __table_args__ = (sa.Index("ix_journal_lines_account_producer", "account", "producer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("journal_entries.id"), index=True)
    account: Mapped[Account] = mapped_column(enum_column(Account, 30))
    producer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("producers.id"))
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)  # debit > 0, credit < 0

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")


class BankAccount(db.Model):
    """Where a producer is paid. Stripe can't pay out to Vietnamese accounts,
    so bank transfer is the default; a Stripe Connect account is optional."""

    __tablename__ = "producer_bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producers.id"), unique=True)
    bank_bin: Mapped[str] = mapped_column(sa.String(6), default="")   # NAPAS BIN, e.g. 970436
    bank_name: Mapped[str] = mapped_column(sa.String(120))
    account_number: Mapped[str] = mapped_column(sa.String(30))
    holder_name: Mapped[str] = mapped_column(sa.String(120))
    stripe_account_id: Mapped[str | None] = mapped_column(sa.String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PayoutRail(enum.StrEnum):
    BANK_TRANSFER = "bank_transfer"
    STRIPE_CONNECT = "stripe_connect"


class PayoutStatus(enum.StrEnum):
    IN_TRANSIT = "in_transit"
    PAID = "paid"
    FAILED = "failed"


class PayoutRun(db.Model):
    __tablename__ = "payout_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    minimum_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    payouts: Mapped[list["Payout"]] = relationship(back_populates="run", order_by="Payout.id")


# --- what the payouts' use cases refuse ------------------------------------------

class PayoutRunNotFound(NotFound):
    code, message = "payout_run_not_found", N_("No such payout run.")


class PayoutNotFound(NotFound):
    code, message = "payout_not_found", N_("No such payout.")


class PayoutNotInTransit(Conflict):
    """Only a payout in transit can be settled: the first settlement stands."""

    code, message = "payout_not_in_transit", N_("This payout is already settled.")

    def __init__(self, status: "PayoutStatus | None" = None):
        super().__init__(N_("This payout is already {status}.", status=status) if status else None)


class NotAConnectPayout(Conflict):
    code, message = ("payout_not_stripe_connect",
                     N_("Only Stripe Connect payouts are settled with Stripe; mark this one paid or failed."))


class BankAccountNotFound(NotFound):
    code, message = "bank_account_not_found", N_("No bank account yet: add one to be paid.")


class Payout(db.Model):
    __tablename__ = "payouts"
    __table_args__ = (sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payout_runs.id"), index=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producers.id"), index=True)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    rail: Mapped[PayoutRail] = mapped_column(enum_column(PayoutRail))
    status: Mapped[PayoutStatus] = mapped_column(enum_column(PayoutStatus), index=True)
    bank_bin: Mapped[str] = mapped_column(sa.String(6), default="")
    bank_name: Mapped[str] = mapped_column(sa.String(120), default="")
    account_number: Mapped[str] = mapped_column(sa.String(30), default="")
    holder_name: Mapped[str] = mapped_column(sa.String(120), default="")
    bank_reference: Mapped[str] = mapped_column(sa.String(120), default="")
    stripe_transfer_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    failure_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    run: Mapped[PayoutRun] = relationship(back_populates="payouts")
    items: Mapped[list["PayoutItem"]] = relationship(back_populates="payout")


class PayoutItem(db.Model):
    """A ledger line a payout includes. Unique per line: no line, so no
    sub-order's earning, is ever paid out twice."""

    __tablename__ = "payout_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(sa.ForeignKey("payouts.id"), index=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("journal_lines.id"), unique=True)

    payout: Mapped[Payout] = relationship(back_populates="items")
    line: Mapped[JournalLine] = relationship()


class TaxWithholding(db.Model):
    """What one TAX_WITHHELD or TAX_REVERSED entry was worked out from: the goods' revenue
    it taxed (negative for a reversal) and the rates. The amounts themselves are the
    entry's lines on the tax-payable accounts; this row is what the declaration adds."""

    __tablename__ = "tax_withholdings"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("journal_entries.id"), unique=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producers.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refunds.id"), unique=True)  # a reversal's refund
    revenue_vnd: Mapped[int] = mapped_column(sa.BigInteger)  # the goods' revenue taxed; negative: given back
    vat_bps: Mapped[int]
    pit_bps: Mapped[int]

    entry: Mapped[JournalEntry] = relationship()
