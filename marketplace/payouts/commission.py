"""Commission rates: a default, one per OCOP product group, and an override per producer.

The rate in force is copied onto each order line at checkout, so changing a
rate never rewrites the past.
"""

import sqlalchemy as sa
from flask import current_app

from marketplace.database import transactional
from marketplace.errors import InvalidInput
from marketplace.extensions import db
from marketplace.payouts.models import CommissionRate
from marketplace.producers.models import Producer

BPS = 10_000


def rate_bps(producer_id: int, group: str) -> int:
    """Producer override, else the group's rate, else the platform default."""
    rates = {(r.scope, r.key): r.rate_bps for r in db.session.scalars(
        sa.select(CommissionRate).where(sa.or_(
            sa.and_(CommissionRate.scope == "producer", CommissionRate.key == str(producer_id)),
            sa.and_(CommissionRate.scope == "group", CommissionRate.key == group))))}
    return rates.get(("producer", str(producer_id)),
                     rates.get(("group", group), current_app.config["COMMISSION_DEFAULT_BPS"]))


def commission_vnd(amount_vnd: int, bps: int) -> int:
    """Whole đồng, rounded half up."""
    return (amount_vnd * bps + BPS // 2) // BPS


def list_rates() -> list[CommissionRate]:
    return db.session.scalars(sa.select(CommissionRate).order_by(CommissionRate.scope, CommissionRate.key)).all()


@transactional
def set_rate(scope: str, key: str, bps: int | None) -> CommissionRate | None:
    """Set a group or producer rate; None removes it (back to the next level).

    Raises InvalidInput for a producer that does not exist."""
    if scope == "producer":
        key = str(int(key))  # "007" is producer 7
        if bps is not None and db.session.get(Producer, int(key)) is None:
            raise InvalidInput("No such producer.", errors={"key": ["No producer has this id."]})
    rate = db.session.scalar(sa.select(CommissionRate).where(CommissionRate.scope == scope, CommissionRate.key == key))
    if bps is None:
        if rate:
            db.session.delete(rate)
        return None
    if rate is None:
        rate = CommissionRate(scope=scope, key=key, rate_bps=bps)
        db.session.add(rate)
    rate.rate_bps = bps
    db.session.flush()
    return rate
