"""What a producer's portal pages read about their goods at display points, beyond the
API's lists (queries.producer_*): a summary per point, and a period's totals."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.catalog.models import Product, Variant
from marketplace.extensions import db
from marketplace.showrooms import queries
from marketplace.showrooms.models import (DisplayPoint, MovementKind, MovementLine, PointStock, StockMovement,
                                          StockTransfer, TransferLine, TransferStatus)


@dataclass(frozen=True)
class PointSummary:
    point_id: int
    name: str
    variants: int
    units: int
    low: int  # variants at or below their threshold there
    in_transit_to: int  # units on their way to this point


def points_summary(producer_id: int) -> list[PointSummary]:
    """Every point that holds, or once held, the producer's goods, by name: one grouped query each
    for the balances and the transfers in transit."""
    rows = db.session.execute(
        sa.select(DisplayPoint.id, DisplayPoint.name, sa.func.count(), sa.func.coalesce(sa.func.sum(PointStock.on_hand), 0),
                  sa.func.count().filter(PointStock.on_hand <= PointStock.low_stock_threshold))
        .select_from(PointStock).join(Variant, Variant.id == PointStock.variant_id)
        .join(Product, Product.id == Variant.product_id).join(DisplayPoint, DisplayPoint.id == PointStock.point_id)
        .where(Product.producer_id == producer_id)
        .group_by(DisplayPoint.id, DisplayPoint.name).order_by(DisplayPoint.name, DisplayPoint.id)).all()
    transit = dict(db.session.execute(
        sa.select(StockTransfer.to_point_id, sa.func.sum(TransferLine.quantity_sent))
        .join(TransferLine.transfer).join(Variant, Variant.id == TransferLine.variant_id).join(Product)
        .where(Product.producer_id == producer_id, StockTransfer.status == TransferStatus.IN_TRANSIT)
        .group_by(StockTransfer.to_point_id)).all())
    summaries = [PointSummary(pid, name, variants, int(units), low, int(transit.pop(pid, 0)))
                 for pid, name, variants, units, low in rows]
    names = queries.point_names(transit)
    summaries += [PointSummary(pid, names.get(pid, ""), 0, 0, 0, int(units)) for pid, units in transit.items()]
    return summaries


@dataclass(frozen=True)
class PeriodTotals:
    units: int
    total_vnd: int
    commission_vnd: int

    @property
    def net_vnd(self) -> int:
        return self.total_vnd - self.commission_vnd


def period_totals(producer_id: int, kind: MovementKind, since: date | None, until: date | None) -> PeriodTotals:
    """Units (as positive numbers), money and the points' commission of the producer's lines of one kind."""
    stmt = (sa.select(sa.func.coalesce(sa.func.sum(-MovementLine.quantity), 0),
                      sa.func.coalesce(sa.func.sum(MovementLine.line_total_vnd), 0),
                      sa.func.coalesce(sa.func.sum(MovementLine.commission_vnd), 0))
            .join(StockMovement).join(Variant, Variant.id == MovementLine.variant_id).join(Product)
            .where(Product.producer_id == producer_id, StockMovement.kind == kind))
    units, total, commission = db.session.execute(queries.within_dates(stmt, StockMovement.created_at, since, until)).one()
    return PeriodTotals(int(units), int(total), int(commission))
