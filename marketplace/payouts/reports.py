"""Statements, bank files and revenue: read-only views of the ledger."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.clock import VIETNAM_TZ
from marketplace.downloads import csv_text
from marketplace.extensions import db
from marketplace.pagination import paginate
from marketplace.payouts.ledger import PAID_KINDS
from marketplace.payouts.models import (Account, JournalEntry, JournalLine, PRODUCER_ACCOUNTS, Payout, PayoutRail,
                                        PayoutRun, PayoutRunNotFound, PayoutStatus, TAX_PAYABLE_ACCOUNTS)

STATEMENT_COLUMNS = ["date", "entry_id", "kind", "reference", "sub_order_id", "memo",
                     "pending_vnd", "available_vnd", "in_transit_vnd", "paid_vnd", "vat_withheld_vnd",
                     "pit_withheld_vnd"]


def _bounds(since: date | None, until: date | None):
    conditions = []
    if since:
        conditions.append(JournalEntry.created_at >= datetime.combine(since, time.min, tzinfo=VIETNAM_TZ))
    if until:
        conditions.append(JournalEntry.created_at < datetime.combine(until + timedelta(days=1), time.min,
                                                                     tzinfo=VIETNAM_TZ))
    return conditions


def _statement_query(producer_id: int, since: date | None, until: date | None):
    touches_producer = sa.select(JournalLine.entry_id).where(JournalLine.producer_id == producer_id,
                                                             JournalLine.account.in_(PRODUCER_ACCOUNTS))
    return (sa.select(JournalEntry).options(selectinload(JournalEntry.lines))
            .where(JournalEntry.id.in_(touches_producer), *_bounds(since, until))
            .order_by(JournalEntry.created_at, JournalEntry.id))


def statement_row(entry: JournalEntry, producer_id: int) -> dict:
    """How one entry moved the producer's money, as amounts owed to them (+) or taken back (−);
    the tax withheld from it (+), or given back (−), on the tax-payable accounts."""
    moves = defaultdict(int)
    for line in entry.lines:
        if line.producer_id == producer_id and line.account in PRODUCER_ACCOUNTS | TAX_PAYABLE_ACCOUNTS:
            moves[line.account] -= line.amount_vnd
    paid = sum(l.amount_vnd for l in entry.lines if entry.kind in PAID_KINDS and l.producer_id == producer_id
               and l.account in PRODUCER_ACCOUNTS and l.amount_vnd > 0)
    return {
        "date": entry.created_at.astimezone(VIETNAM_TZ).date().isoformat(), "entry_id": entry.id,
        "kind": entry.kind.value, "reference": entry.reference, "sub_order_id": entry.sub_order_id,
        "memo": entry.memo, "pending_vnd": moves[Account.PRODUCER_PENDING],
        "available_vnd": moves[Account.PRODUCER_AVAILABLE], "in_transit_vnd": moves[Account.PAYOUTS_IN_TRANSIT],
        "paid_vnd": paid, "vat_withheld_vnd": moves[Account.VAT_WITHHELD],
        "pit_withheld_vnd": moves[Account.PIT_WITHHELD],
    }


def statement_page(producer_id: int, since, until, page: int, per_page: int):
    result = paginate(_statement_query(producer_id, since, until), page, per_page)
    result.items = [statement_row(e, producer_id) for e in result.items]
    return result


def statement_csv(producer_id: int, since, until) -> str:
    return csv_text(STATEMENT_COLUMNS, (statement_row(entry, producer_id)
                                        for entry in db.session.scalars(_statement_query(producer_id, since, until))))


BANK_FILE_COLUMNS = ["payout_id", "bank_bin", "bank_name", "account_number", "holder_name", "amount_vnd",
                     "description"]


def bank_file_csv(run_id: int) -> str:
    """The run's bank-transfer payouts, one line each, for the platform's bank. Raises PayoutRunNotFound."""
    if db.session.get(PayoutRun, run_id) is None:
        raise PayoutRunNotFound()
    payouts = db.session.scalars(sa.select(Payout).where(
        Payout.run_id == run_id, Payout.rail == PayoutRail.BANK_TRANSFER).order_by(Payout.id)).all()
    return csv_text(BANK_FILE_COLUMNS, (
        {"payout_id": p.id, "bank_bin": p.bank_bin, "bank_name": p.bank_name, "account_number": p.account_number,
         "holder_name": p.holder_name, "amount_vnd": p.amount_vnd, "description": f"OCOP payout {p.id}"}
        for p in payouts if p.status is PayoutStatus.IN_TRANSIT))


def revenue_by_period(period: str, since: date | None, until: date | None) -> list[dict]:
    """Commission revenue (net of refunds) per day or month, in Vietnam time."""
    rows = db.session.execute(
        sa.select(JournalEntry.created_at, JournalLine.amount_vnd).join(JournalLine)
        .where(JournalLine.account == Account.COMMISSION_REVENUE, *_bounds(since, until))
    ).all()
    totals: dict[str, int] = defaultdict(int)
    for created_at, amount in rows:
        local = created_at.astimezone(VIETNAM_TZ)
        key = local.strftime("%Y-%m") if period == "month" else local.date().isoformat()
        totals[key] -= amount  # revenue is a credit balance
    return [{"period": key, "commission_vnd": totals[key]} for key in sorted(totals)]
