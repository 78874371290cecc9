"""What the till and the back room look up on a point's shelf: an item by its
barcode (GTIN, as a keyboard-wedge scanner types it), by name without
diacritics ("mat ong" finds "Mật ong"), and the items sold here lately.

An item is an active variant the point carries (a producer consigning to it)
or holds, with its listing price, the units on hand and the lot a sale takes
next: first-expiring first, never an expired one (as movements.take does).
A scan is one statement (issue #14: p95 ≤ 15 ms on PostgreSQL)."""

import functools
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.catalog.models import Product, Variant
from marketplace.clock import today_vn
from marketplace.errors import N_, NotFound
from marketplace.extensions import db
from marketplace.producers.models import Producer
from marketplace.showrooms.models import Consignment, Lot, MovementKind, MovementLine, PointStock, StockMovement
from marketplace.text import fold

SEARCH_LIMIT = 10
RECENT_LIMIT = 8
_DIGITS = re.compile(r"^\d{8,14}$")


class ItemNotFound(NotFound):
    code, message = "item_not_found", N_("No item with this barcode is carried here.")


@dataclass(frozen=True)
class ShelfItem:
    variant_id: int
    gtin: str | None
    product_name: str
    variant_label: str
    producer_id: int
    producer_name: str
    price_vnd: int
    on_hand: int
    consigned: bool  # the point carries the producer now (a sale needs it)
    next_lot_code: str | None  # the lot a sale takes next; None: nothing sellable on hand
    next_expires_on: date | None


def gtin_forms(code: str) -> list[str]:
    """The ways a scanned code may be stored: as typed, and as GTIN-8/12/13/14 with leading
    zeros added or taken off (a GTIN-13 scanned from a GTIN-14 carton label, say)."""
    code = code.strip()
    if not _DIGITS.match(code):
        return []
    bare = code.lstrip("0") or "0"
    return sorted({code, *(bare.zfill(width) for width in (8, 12, 13, 14) if len(bare) <= width)})


def by_gtin(point_id: int, code: str) -> ShelfItem:
    """Raises ItemNotFound (not a barcode, no such variant, or not carried nor held here)."""
    forms = gtin_forms(code)
    rows = _rows(point_id, Variant.gtin.in_(forms), 1) if forms else []
    if not rows:
        raise ItemNotFound()
    return rows[0]


def search(point_id: int, text: str, limit: int = SEARCH_LIMIT) -> list[ShelfItem]:
    """Items whose product name, variant label or barcode holds every word typed, diacritics ignored."""
    words = fold(text).split()
    if not words:
        return []
    names = sa.select(Variant.id, Product.name, Variant.label, Variant.gtin).select_from(_carried()).where(_CARRIED_HERE)
    matches = [variant_id for variant_id, *text in db.session.execute(names.order_by(Product.name, Variant.id),
                                                                      {"point_id": point_id})
               if all(word in fold(" ".join(filter(None, text))) for word in words)][:limit]
    return _rows(point_id, Variant.id.in_(matches), None) if matches else []


def recent(point_id: int, limit: int = RECENT_LIMIT) -> list[ShelfItem]:
    """The items of the point's latest sales, most recent first."""
    last_sold = (sa.select(MovementLine.variant_id, sa.func.max(MovementLine.id).label("last_line"))
                 .join(StockMovement, StockMovement.id == MovementLine.movement_id)
                 .where(StockMovement.id.in_(sa.select(StockMovement.id).where(
                     StockMovement.point_id == point_id, StockMovement.kind == MovementKind.SALE)
                     .order_by(StockMovement.id.desc()).limit(50)))
                 .group_by(MovementLine.variant_id).order_by(sa.desc("last_line")).limit(limit)).subquery()
    order = [row.variant_id for row in db.session.execute(sa.select(last_sold.c.variant_id))]
    if not order:
        return []
    found = {item.variant_id: item for item in _rows(point_id, Variant.id.in_(order), None)}
    return [found[v] for v in order if v in found]


def _rows(point_id: int, where, limit: int | None) -> list[ShelfItem]:
    stmt = _statement().where(where)
    if limit:
        stmt = stmt.limit(limit)
    return [ShelfItem(r.variant_id, r.gtin, r.product_name, r.variant_label, r.producer_id, r.producer_name,
                      r.price_vnd, r.on_hand or 0, r.consigned, r.next_lot_code, r.next_expires_on)
            for r in db.session.execute(stmt, {"point_id": point_id, "today": today_vn()})]


def _carried():
    """Active variants the point carries (an active consignment of their producer) or holds."""
    point_id = sa.bindparam("point_id")
    consigned = sa.and_(Consignment.point_id == point_id, Consignment.producer_id == Product.producer_id,
                        Consignment.active.is_(True))
    return (sa.join(Variant, Product, Product.id == Variant.product_id)
            .join(Producer, Producer.id == Product.producer_id)
            .outerjoin(PointStock, sa.and_(PointStock.point_id == point_id, PointStock.variant_id == Variant.id))
            .outerjoin(Consignment, consigned))


_CARRIED_HERE = sa.and_(Variant.is_active.is_(True), sa.or_(Consignment.id.is_not(None), PointStock.on_hand > 0))


@functools.cache  # built once (see stock_ledger._LOTS_WITH_STOCK)
def _statement():
    point_id, today = sa.bindparam("point_id"), sa.bindparam("today")
    next_lot = (sa.select(Lot.lot_code, Lot.expires_on)
                .where(Lot.point_id == point_id, Lot.variant_id == Variant.id, Lot.on_hand > 0,
                       sa.or_(Lot.expires_on.is_(None), Lot.expires_on >= today))
                .order_by(Lot.expires_on.is_(None), Lot.expires_on, Lot.id).limit(1).correlate(Variant))
    return (sa.select(Variant.id.label("variant_id"), Variant.gtin, Product.name.label("product_name"),
                      Variant.label.label("variant_label"), Product.producer_id, Producer.name.label("producer_name"),
                      Variant.price_vnd, PointStock.on_hand, (Consignment.id.is_not(None)).label("consigned"),
                      next_lot.with_only_columns(Lot.lot_code).scalar_subquery().label("next_lot_code"),
                      next_lot.with_only_columns(Lot.expires_on).scalar_subquery().label("next_expires_on"))
            .select_from(_carried()).where(_CARRIED_HERE).order_by(Product.name, Variant.id))
