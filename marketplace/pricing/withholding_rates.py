"""The rates of the tax withheld on household businesses' sales (Decree 117/2025/NĐ-CP):
1% VAT and 0.5% personal income tax of the goods' revenue since 1 July 2025, and
any later rate an admin sets, each from a date on.

A rate is dated by the Vietnamese day the ledger recognises a sale on, and a new
one may only start on a day to come: what was withheld is never worked out again,
and every sale of one day is withheld at one rate.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace import audit
from marketplace.clock import today_vn
from marketplace.database import transactional
from marketplace.errors import N_, InvalidInput
from marketplace.extensions import db
from marketplace.pricing.models import WithholdingRate
from marketplace.producers.models import LegalType

BPS = 10_000
MAX_BPS = 1000  # 10%: the table's bound, far above any rate the law has set


@dataclass(frozen=True)
class Rate:
    valid_from: date
    vat_bps: int
    pit_bps: int

    def withheld(self, revenue_vnd: int) -> tuple[int, int]:
        """(VAT, PIT) on an amount of revenue: whole đồng each, rounded half up."""
        return _half_up(revenue_vnd * self.vat_bps, BPS), _half_up(revenue_vnd * self.pit_bps, BPS)


# The Decree's rates (Article 7, household businesses and individuals selling goods), in force
# from 1 July 2025. Before that day platforms withheld nothing.
DECREE_117 = Rate(date(2025, 7, 1), 100, 50)

# Who the platform withholds for: household businesses and individuals (hộ kinh doanh, cá nhân
# kinh doanh, which the producers' legal type "household" covers). Cooperatives and enterprises
# declare their own taxes.
WITHHOLDS_FOR = frozenset({LegalType.HOUSEHOLD})


class RateNotInFuture(InvalidInput):
    message = N_("A new rate can only start on a day to come.")  # code: validation_error

    def __init__(self):
        super().__init__(errors={"valid_from": [N_("Choose a date after today (Vietnam time).")]})


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (away from zero for negatives too)."""
    sign = -1 if numerator < 0 else 1
    return sign * ((abs(numerator) * 2 + denominator) // (2 * denominator))


def withholds_for(legal_type: LegalType) -> bool:
    return legal_type in WITHHOLDS_FOR


def rates() -> list[Rate]:
    """Every rate, oldest first: the Decree's, then those set since (a row on its date replaces it)."""
    rows = db.session.scalars(sa.select(WithholdingRate).order_by(WithholdingRate.valid_from)).all()
    dated = {DECREE_117.valid_from: DECREE_117} | {r.valid_from: Rate(r.valid_from, r.vat_bps, r.pit_bps) for r in rows}
    return [dated[day] for day in sorted(dated)]


def rate_on(day: date) -> Rate | None:
    """The rate in force on a Vietnamese day; None before the Decree (nothing is withheld)."""
    row = db.session.scalars(sa.select(WithholdingRate).where(WithholdingRate.valid_from <= day)
                             .order_by(WithholdingRate.valid_from.desc()).limit(1)).first()
    if row is not None and row.valid_from >= DECREE_117.valid_from:
        return Rate(row.valid_from, row.vat_bps, row.pit_bps)
    return DECREE_117 if day >= DECREE_117.valid_from else None


@transactional
def set_rate(valid_from: date, vat_bps: int, pit_bps: int, admin_id: int | None) -> Rate:
    """Set the rates from a day to come on (replacing one already set for that day).

    Raises RateNotInFuture for today or earlier."""
    if valid_from <= today_vn():
        raise RateNotInFuture()
    row = db.session.scalar(sa.select(WithholdingRate).where(WithholdingRate.valid_from == valid_from))
    audit.record("withholding_rate.set", "withholding_rate", valid_from.isoformat(), admin_id,
                 valid_from=valid_from.isoformat(), vat_bps=vat_bps, pit_bps=pit_bps,
                 was=[row.vat_bps, row.pit_bps] if row else None)
    if row is None:
        row = WithholdingRate(valid_from=valid_from, created_by_id=admin_id, vat_bps=vat_bps, pit_bps=pit_bps)
        db.session.add(row)
    row.vat_bps, row.pit_bps = vat_bps, pit_bps
    db.session.flush()
    return Rate(row.valid_from, row.vat_bps, row.pit_bps)


@transactional
def remove_rate(valid_from: date, admin_id: int | None) -> None:
    """Remove a rate not yet in force. Raises RateNotInFuture for one in force already."""
    if valid_from <= today_vn():
        raise RateNotInFuture()
    row = db.session.scalar(sa.select(WithholdingRate).where(WithholdingRate.valid_from == valid_from))
    if row is not None:
        audit.record("withholding_rate.removed", "withholding_rate", valid_from.isoformat(), admin_id,
                     valid_from=valid_from.isoformat(), was=[row.vat_bps, row.pit_bps])
        db.session.delete(row)
