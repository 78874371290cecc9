"""The lots a point holds, as the back room's pages show them: a transfer's lines
(which lot to send), a count (every lot of the products being counted) and a
write-off (the lots with stock, first-expiring first). Plain reads, no locks:
the use cases lock and check again when they write."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.catalog.models import Product, Variant
from marketplace.clock import today_vn
from marketplace.errors import N_, NotFound
from marketplace.extensions import db
from marketplace.producers.models import Producer
from marketplace.showrooms.models import Lot

WRITE_OFF_LIMIT = 20  # lots listed for a write-off, first-expiring first; a scan lists one product's


class LotNotFound(NotFound):
    code, message = "lot_not_found", N_("This point holds no such lot.")


@dataclass(frozen=True)
class PointLot:
    lot_id: int
    variant_id: int
    lot_code: str
    expires_on: date | None
    on_hand: int
    product_name: str
    variant_label: str
    producer_id: int
    producer_name: str
    price_vnd: int  # the listing price, what a count's difference is worth

    @property
    def expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < today_vn()


def _statement():
    return (sa.select(Lot.id, Lot.variant_id, Lot.lot_code, Lot.expires_on, Lot.on_hand, Product.name, Variant.label,
                      Product.producer_id, Producer.name, Variant.price_vnd)
            .join(Variant, Variant.id == Lot.variant_id).join(Product, Product.id == Variant.product_id)
            .join(Producer, Producer.id == Product.producer_id)
            # first-expiring first, no expiry last (as a sale takes them), then the oldest lot
            .order_by(Lot.expires_on.is_(None), Lot.expires_on, Lot.id))


def _rows(stmt) -> list[PointLot]:
    return [PointLot(*row) for row in db.session.execute(stmt)]


def of_variants(point_id: int, variant_ids, keep_lot_ids=()) -> dict[int, list[PointLot]]:
    """variant id → its lots here with stock (and those in `keep_lot_ids`, a count's lots
    that have emptied since); a variant with no such lot gets its latest lot, so units
    found of it can be counted back in. Variants the point never held are left out."""
    ids, keep = set(variant_ids), set(keep_lot_ids)
    if not ids:
        return {}
    found: dict[int, list[PointLot]] = {}
    for lot in _rows(_statement().where(Lot.point_id == point_id, Lot.variant_id.in_(ids))):
        found.setdefault(lot.variant_id, []).append(lot)
    kept = {}
    for variant_id, lots in found.items():
        held = [lot for lot in lots if lot.on_hand > 0 or lot.lot_id in keep]
        kept[variant_id] = held or [max(lots, key=lambda lot: lot.lot_id)]
    return kept


def with_stock(point_id: int, variant_id: int | None = None, limit: int = WRITE_OFF_LIMIT) -> list[PointLot]:
    """The point's lots with units on hand, first-expiring first (expired ones before all): the
    first `limit` of them, or every lot of one variant."""
    stmt = _statement().where(Lot.point_id == point_id, Lot.on_hand > 0)
    if variant_id is not None:
        return _rows(stmt.where(Lot.variant_id == variant_id))
    return _rows(stmt.limit(limit))


def get(point_id: int, lot_id: int) -> PointLot:
    """Raises LotNotFound (no such lot, or another point's)."""
    rows = _rows(_statement().where(Lot.point_id == point_id, Lot.id == lot_id))
    if not rows:
        raise LotNotFound()
    return rows[0]
