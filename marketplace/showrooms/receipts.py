"""What the till prints and reads back: a sale's receipt (``sale_receipt``), and a
point's day at the till (``day_sheet``: the takings by payment method, the cash to
hand over, the day's sales and handovers). Reads only; each in a few queries."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.catalog.models import Product, Variant
from marketplace.clock import VIETNAM_TZ, today_vn
from marketplace.errors import N_, NotFound
from marketplace.extensions import db
from marketplace.producers.models import Producer
from marketplace.showrooms import queries
from marketplace.showrooms.models import (CashHandover, DisplayPoint, Lot, MovementKind, MovementLine,
                                          OverrideReason, SalePayment, StockMovement)

DAY_SALES_SHOWN = 100


class SaleNotFound(NotFound):
    code, message = "sale_not_found", N_("No such sale at this point.")


@dataclass(frozen=True)
class ReceiptLine:
    """Units of one variant taken from one lot (a line that ran into a second lot is two of these)."""

    product_name: str
    variant_label: str
    producer_name: str
    lot_code: str
    expires_on: date | None
    quantity: int  # units sold (> 0)
    unit_price_vnd: int
    listing_price_vnd: int | None  # set when the till changed the price
    override_reason: OverrideReason | None
    override_note: str
    line_total_vnd: int


@dataclass(frozen=True)
class Receipt:
    sale: StockMovement
    point: DisplayPoint
    cashier_name: str | None
    lines: list[ReceiptLine]

    @property
    def producer_names(self) -> list[str]:
        """Each producer once, in the order their lines come."""
        return list(dict.fromkeys(line.producer_name for line in self.lines))

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def local_time(self) -> datetime:
        """When it was sold, in Vietnam (+07:00)."""
        return self.sale.created_at.astimezone(VIETNAM_TZ)


def sale_receipt(point_id: int, sale_id: int) -> Receipt:
    """A sale of this point with its lines, lots, products, producers, point and cashier, in one
    query (a row per line: a sale has at least one). Raises SaleNotFound (no such sale here, or a
    movement that is not a sale)."""
    rows = db.session.execute(
        sa.select(StockMovement, DisplayPoint, User.full_name, Product.name, Variant.label, Producer.name,
                  Lot.lot_code, Lot.expires_on, MovementLine.quantity, MovementLine.unit_price_vnd,
                  MovementLine.listing_price_vnd, MovementLine.override_reason, MovementLine.override_note,
                  MovementLine.line_total_vnd)
        .join(DisplayPoint, DisplayPoint.id == StockMovement.point_id)
        .outerjoin(User, User.id == StockMovement.actor_user_id)
        .join(MovementLine, MovementLine.movement_id == StockMovement.id)
        .join(Lot, Lot.id == MovementLine.lot_id).join(Variant, Variant.id == MovementLine.variant_id)
        .join(Product, Product.id == Variant.product_id).join(Producer, Producer.id == Product.producer_id)
        .where(StockMovement.id == sale_id, StockMovement.point_id == point_id,
               StockMovement.kind == MovementKind.SALE)
        .order_by(MovementLine.id)).all()
    if not rows:
        raise SaleNotFound()
    sale, point, cashier = rows[0][:3]
    lines = [ReceiptLine(name, label, producer, lot, expires, -quantity, price, listing, reason, note or "", total)
             for *_sale, name, label, producer, lot, expires, quantity, price, listing, reason, note, total in rows]
    return Receipt(sale, point, cashier, lines)


@dataclass(frozen=True)
class DaySale:
    id: int
    reference: str
    created_at: datetime
    payment_method: SalePayment
    total_vnd: int


@dataclass(frozen=True)
class DaySheet:
    """A point's day at the till (Vietnam date)."""

    day: date
    sales: int
    units: int
    total_vnd: int
    by_payment_method: dict[str, int]  # cash, card, bank_transfer → đồng taken
    cash_to_hand_over_vnd: int  # all cash taken at the point, less what was handed over (any day)
    latest_sales: list[DaySale]  # newest first, at most DAY_SALES_SHOWN
    handovers: list[CashHandover]  # today's, oldest first


def day_sheet(point_id: int, day: date | None = None) -> DaySheet:
    day = day or today_vn()
    summary = queries.sales_summary(point_id, day)
    start, end = queries.day_bounds(day)
    latest = db.session.execute(
        sa.select(StockMovement.id, StockMovement.reference, StockMovement.created_at, StockMovement.payment_method,
                  StockMovement.total_vnd)
        .where(StockMovement.point_id == point_id, StockMovement.kind == MovementKind.SALE,
               StockMovement.created_at >= start, StockMovement.created_at < end)
        .order_by(StockMovement.created_at.desc(), StockMovement.id.desc()).limit(DAY_SALES_SHOWN))
    handovers = db.session.scalars(
        sa.select(CashHandover).where(CashHandover.point_id == point_id, CashHandover.created_at >= start,
                                      CashHandover.created_at < end).order_by(CashHandover.id)).all()
    return DaySheet(day, summary["sales"], summary["units"], summary["total_vnd"], summary["by_payment_method"],
                    summary["cash_to_hand_over_vnd"], [DaySale(*row) for row in latest], list(handovers))
