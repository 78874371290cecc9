"""What operators, producers, shoppers and admins read about display points."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from marketplace.catalog.browsing import get_public_product
from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.clock import VIETNAM_TZ, today_vn
from marketplace.extensions import db
from marketplace.pagination import paginate
from marketplace.producers.models import Producer
from marketplace.showrooms.models import (CashHandover, DisplayPoint, Lot, MovementKind, MovementLine,
                                          PointNotFound, PointOperator, PointStatus, PointStock, SalePayment,
                                          StockMovement, StockTransfer, TransferLine, TransferStatus)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VIETNAM_TZ)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A Vietnam day as [start, end) instants."""
    return _day_start(day), _day_start(day + timedelta(days=1))


def within_dates(stmt, column, since: date | None, until: date | None):
    """Rows of `stmt` whose `column` falls within these Vietnam dates (either may be None)."""
    if since:
        stmt = stmt.where(column >= _day_start(since))
    if until:
        stmt = stmt.where(column < _day_start(until + timedelta(days=1)))
    return stmt


# --- public ------------------------------------------------------------------

def public_points(province: int | None, page: int, per_page: int):
    stmt = sa.select(DisplayPoint).where(DisplayPoint.status == PointStatus.ACTIVE).order_by(DisplayPoint.name)
    if province:
        stmt = stmt.where(DisplayPoint.province_code == province)
    return paginate(stmt, page, per_page)


def public_point(point_id: int) -> DisplayPoint:
    """An open point, as shoppers see it: a closed one is not found. Raises PointNotFound."""
    point = db.session.get(DisplayPoint, point_id)
    if point is None or point.status is PointStatus.CLOSED:
        raise PointNotFound()
    return point


def where_to_buy(product_id: int) -> list[dict]:
    """Open points that carry this public product, and whether they have it on the
    shelf now. Raises NotFound when the product is not public."""
    get_public_product(product_id)
    rows = db.session.execute(
        sa.select(DisplayPoint, sa.func.sum(PointStock.on_hand))
        .join(PointStock, PointStock.point_id == DisplayPoint.id).join(Variant, Variant.id == PointStock.variant_id)
        .where(Variant.product_id == product_id, DisplayPoint.status == PointStatus.ACTIVE)
        .group_by(DisplayPoint.id).order_by(DisplayPoint.name)
    ).all()
    return [{"point": point, "in_stock": (units or 0) > 0, "units": int(units or 0)} for point, units in rows]


def points_stocking_producer(producer_id: int) -> list[dict]:
    """Open points that carry any of this producer's active products: each point
    (by name), with how many of those products it carries and how many it has on
    the shelf now. One query, grouped by point."""
    on_shelf = sa.func.count(sa.distinct(sa.case((PointStock.on_hand > 0, Product.id), else_=None)))
    rows = db.session.execute(
        sa.select(DisplayPoint, sa.func.count(sa.distinct(Product.id)), on_shelf)
        .join(PointStock, PointStock.point_id == DisplayPoint.id).join(Variant, Variant.id == PointStock.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(Product.producer_id == producer_id, Product.status == ProductStatus.ACTIVE,
               DisplayPoint.status == PointStatus.ACTIVE)
        .group_by(DisplayPoint.id).order_by(DisplayPoint.name, DisplayPoint.id)
    ).all()
    return [{"point": point, "products": int(carried), "on_shelf": int(shelved), "in_stock": shelved > 0}
            for point, carried, shelved in rows]


def points_of_operator(user_id: int) -> list[DisplayPoint]:
    return db.session.scalars(sa.select(DisplayPoint).join(PointOperator).where(PointOperator.user_id == user_id)
                              .order_by(DisplayPoint.name)).all()


# --- operators ----------------------------------------------------------------

def stock_page(point_id: int, low_only: bool, page: int, per_page: int):
    stmt = (sa.select(PointStock).join(PointStock.variant).join(Variant.product)
            .options(contains_eager(PointStock.variant).contains_eager(Variant.product))
            .where(PointStock.point_id == point_id).order_by(Product.name, Variant.id))
    if low_only:
        stmt = stmt.where(PointStock.on_hand <= PointStock.low_stock_threshold)
    return paginate(stmt, page, per_page)


def near_expiry(point_id: int, days: int, page: int, per_page: int):
    stmt = (sa.select(Lot).join(Lot.variant).join(Variant.product)
            .options(contains_eager(Lot.variant).contains_eager(Variant.product))
            .where(Lot.point_id == point_id, Lot.on_hand > 0, Lot.expires_on.is_not(None),
                   Lot.expires_on <= today_vn() + timedelta(days=days))
            .order_by(Lot.expires_on, Lot.id))
    return paginate(stmt, page, per_page)


def movements(point_id: int, kind: MovementKind | None, variant_id: int | None, since, until, page, per_page):
    stmt = (sa.select(StockMovement).options(selectinload(StockMovement.lines))
            .where(StockMovement.point_id == point_id)
            .order_by(StockMovement.created_at.desc(), StockMovement.id.desc()))
    if kind:
        stmt = stmt.where(StockMovement.kind == kind)
    if variant_id:
        stmt = stmt.where(StockMovement.id.in_(sa.select(MovementLine.movement_id)
                                               .where(MovementLine.variant_id == variant_id)))
    return paginate(within_dates(stmt, StockMovement.created_at, since, until), page, per_page)


def incoming_transfers(point_id: int) -> list[StockTransfer]:
    return db.session.scalars(sa.select(StockTransfer).where(
        StockTransfer.to_point_id == point_id, StockTransfer.status == TransferStatus.IN_TRANSIT)
        .order_by(StockTransfer.id)).all()


def cash_on_hand(point_id: int) -> int:
    taken = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(StockMovement.total_vnd), 0)).where(
        StockMovement.point_id == point_id, StockMovement.kind == MovementKind.SALE,
        StockMovement.payment_method == SalePayment.CASH))
    handed = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(CashHandover.amount_vnd), 0))
                               .where(CashHandover.point_id == point_id))
    return int(taken) - int(handed)


def sales_summary(point_id: int, day: date | None = None) -> dict:
    """A day's takings at a point (Vietnam date), and the cash still to hand over."""
    day = day or today_vn()
    sales = db.session.scalars(
        within_dates(sa.select(StockMovement).options(selectinload(StockMovement.lines))
                .where(StockMovement.point_id == point_id, StockMovement.kind == MovementKind.SALE),
                StockMovement.created_at, day, day)).all()
    by_method = {m.value: 0 for m in SalePayment}
    for sale in sales:
        by_method[sale.payment_method.value] += sale.total_vnd
    return {"date": day.isoformat(), "sales": len(sales), "units": sum(-l.quantity for s in sales for l in s.lines),
            "total_vnd": sum(s.total_vnd for s in sales), "by_payment_method": by_method,
            "cash_taken_vnd": by_method["cash"], "cash_to_hand_over_vnd": cash_on_hand(point_id)}


# --- producers -----------------------------------------------------------------

def producer_stock(producer_id: int, page: int, per_page: int):
    stmt = (sa.select(PointStock).join(PointStock.variant).join(Variant.product)
            .options(contains_eager(PointStock.variant).contains_eager(Variant.product))
            .where(Product.producer_id == producer_id)
            .order_by(PointStock.point_id, Product.name, Variant.id))
    return paginate(stmt, page, per_page)


def producer_movement_lines(producer_id: int, kind: MovementKind, since, until, page: int, per_page: int):
    stmt = (sa.select(MovementLine).join(StockMovement).join(Variant, Variant.id == MovementLine.variant_id)
            .join(Product).where(Product.producer_id == producer_id, StockMovement.kind == kind)
            .options(selectinload(MovementLine.movement))
            .order_by(StockMovement.created_at.desc(), MovementLine.id.desc()))
    return paginate(within_dates(stmt, StockMovement.created_at, since, until), page, per_page)


def producer_in_transit(producer_id: int) -> list[TransferLine]:
    return db.session.scalars(
        sa.select(TransferLine).join(StockTransfer).join(Variant, Variant.id == TransferLine.variant_id).join(Product)
        .where(Product.producer_id == producer_id, StockTransfer.status == TransferStatus.IN_TRANSIT)
        .options(selectinload(TransferLine.transfer)).order_by(TransferLine.id)).all()


# --- reports -------------------------------------------------------------------

REPORT_COLUMNS = ["period", "key", "label", "units", "sales_vnd", "commission_vnd"]


def sales_report(group_by: str, period: str, since, until, point_id: int | None = None) -> list[dict]:
    """Display-point sales grouped by point, product or producer, per day or month."""
    stmt = (sa.select(StockMovement.created_at, StockMovement.point_id, DisplayPoint.name, Product.id, Product.name,
                      Product.producer_id, Producer.name, MovementLine.quantity, MovementLine.line_total_vnd,
                      MovementLine.commission_vnd)
            .join(MovementLine.movement).join(DisplayPoint, DisplayPoint.id == StockMovement.point_id)
            .join(Variant, Variant.id == MovementLine.variant_id).join(Product).join(Producer)
            .where(StockMovement.kind == MovementKind.SALE))
    if point_id:
        stmt = stmt.where(StockMovement.point_id == point_id)
    totals = defaultdict(lambda: {"units": 0, "sales_vnd": 0, "commission_vnd": 0})
    for created, pid, pname, prod_id, prod_name, producer_id, producer_name, qty, total, commission in \
            db.session.execute(within_dates(stmt, StockMovement.created_at, since, until)):
        local = created.astimezone(VIETNAM_TZ)
        bucket = local.strftime("%Y-%m") if period == "month" else local.date().isoformat()
        key, label = {"point": (pid, pname), "product": (prod_id, prod_name),
                      "producer": (producer_id, producer_name)}[group_by]
        row = totals[(bucket, key, label)]
        row["units"] -= qty
        row["sales_vnd"] += total
        row["commission_vnd"] += commission
    return [{"period": b, "key": k, "label": l, **v} for (b, k, l), v in sorted(totals.items(), key=lambda i: i[0][:2])]


def operator_points_for_roles(user) -> list[dict]:
    return [{"point_id": p.id, "name": p.name, "province_code": p.province_code}
            for p in points_of_operator(user.id)]


def producer_low_stock(producer_id: int, limit: int = 20) -> list[PointStock]:
    """The producer's variants at or below their low-stock threshold at a display point, fewest first."""
    return db.session.scalars(
        sa.select(PointStock).join(PointStock.variant).join(Variant.product)
        .options(contains_eager(PointStock.variant).contains_eager(Variant.product))
        .where(Product.producer_id == producer_id, PointStock.on_hand <= PointStock.low_stock_threshold)
        .order_by(PointStock.on_hand, PointStock.point_id, Variant.id).limit(limit)).unique().all()


def point_names(point_ids) -> dict[int, str]:
    ids = set(point_ids)
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(DisplayPoint.id, DisplayPoint.name).where(DisplayPoint.id.in_(ids))).all())
