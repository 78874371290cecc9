"""Commission rates: a default, one per OCOP product group, and an override per producer.

The rate in force is copied onto each order line at checkout (and each till
sale), so changing a rate never rewrites the past.
"""

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from marketplace import audit
from marketplace.database import transactional
from marketplace.errors import N_, InvalidInput
from marketplace.extensions import db
from marketplace.pricing.models import CommissionRate
from marketplace.producers.models import Producer

BPS = 10_000


class UnknownProducer(InvalidInput):
    message = N_("No such producer.")  # code: validation_error

    def __init__(self):
        super().__init__(errors={"key": [N_("No producer has this id.")]})


def rates_bps(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """The rate in force for each (producer id, product group value), in one query:
    the producer's override, else the group's rate, else the platform default."""
    pairs = set(pairs)
    if not pairs:
        return {}
    producer_keys = sorted({str(producer_id) for producer_id, _group in pairs})
    groups = sorted({group for _producer_id, group in pairs})
    rates = {(scope, key): bps for scope, key, bps in db.session.execute(
        sa.select(CommissionRate.scope, CommissionRate.key, CommissionRate.rate_bps).where(sa.or_(
            sa.and_(CommissionRate.scope == "producer", CommissionRate.key.in_(producer_keys)),
            sa.and_(CommissionRate.scope == "group", CommissionRate.key.in_(groups)))))}
    default = current_app.config["COMMISSION_DEFAULT_BPS"]
    return {(producer_id, group): rates.get(("producer", str(producer_id)), rates.get(("group", group), default))
            for producer_id, group in pairs}


def rate_bps(producer_id: int, group: str) -> int:
    """Producer override, else the group's rate, else the platform default."""
    return rates_bps([(producer_id, group)])[(producer_id, group)]


def commission_vnd(amount_vnd: int, bps: int) -> int:
    """Whole đồng, rounded half up."""
    return (amount_vnd * bps + BPS // 2) // BPS


def list_rates() -> list[CommissionRate]:
    return db.session.scalars(sa.select(CommissionRate).order_by(CommissionRate.scope, CommissionRate.key)).all()


@transactional
def set_rate(scope: str, key: str, bps: int | None) -> CommissionRate | None:
    """Set a group or producer rate; None removes it (back to the next level).

    Raises UnknownProducer for a producer that does not exist."""
    if scope == "producer":
        key = str(int(key))  # "007" is producer 7
        if bps is not None and db.session.get(Producer, int(key)) is None:
            raise UnknownProducer()
    rate = db.session.scalar(sa.select(CommissionRate).where(CommissionRate.scope == scope, CommissionRate.key == key))
    audit.record("commission_rate.set" if bps is not None else "commission_rate.removed", "commission_rate",
                 f"{scope}:{key}", scope=scope, key=key, rate_bps=bps, was_bps=rate.rate_bps if rate else None)
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
