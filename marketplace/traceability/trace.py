"""The public trace page of a GS1 Digital Link: the product and its producer, the
OCOP certificate, and for a lot where it was received and when it expires. Each
open that a person (not a robot) makes is counted, anonymously.

A product is traced once it has been on sale (published at least once) and while its
producer is approved: packs stay on shelves after a product is taken off sale, and
their stamps must still answer; a draft never sold, or a suspended producer's goods,
are not found. The link to buy shows only while the product is on sale."""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.catalog.models import Product, Variant
from marketplace.catalog.schemas import certificate_view
from marketplace.clock import today_vn
from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.producers.models import Producer, ProducerStatus
from marketplace.showrooms.models import DisplayPoint, Lot
from marketplace.traceability.links import stored_forms
from marketplace.traceability.models import StampedLot, UnknownGtin, UnknownLot
from marketplace.traceability.scans import count_scan


@dataclass(frozen=True)
class LotReceipt:
    """One display point that received (or holds) the lot."""
    point: DisplayPoint
    received_at: datetime
    expires_on: date | None
    on_hand: int


@dataclass(frozen=True)
class LotTrace:
    code: str
    expires_on: date | None  # as recorded: on the stamps printed for it, else at the points
    stamp_expires_on: date | None  # what this stamp's ?17= says
    expired: bool
    receipts: list[LotReceipt]

    @property
    def stamp_disagrees(self) -> bool:
        """The stamp's expiry is not the one recorded for the lot: worth a shopper's second look."""
        return bool(self.stamp_expires_on and self.expires_on and self.stamp_expires_on != self.expires_on)


@dataclass(frozen=True)
class TracePage:
    gtin: str  # GTIN-14
    variant: Variant
    product: Product
    certificate: dict | None  # catalog.schemas.certificate_view
    on_sale: bool
    lot: LotTrace | None


@transactional
def open_trace(gtin14: str, lot_code: str | None = None, stamp_expires_on: date | None = None,
               counted: bool = True) -> TracePage:
    """The trace page of a product (no lot) or of one of its lots; counts the scan when `counted`.

    Raises UnknownGtin (no traced variant has it), UnknownLot (no point received it and no stamps
    were printed for it)."""
    variant = _traced_variant(gtin14)
    lot = _lot(variant.id, lot_code, stamp_expires_on) if lot_code is not None else None
    if counted:
        count_scan(variant.id, lot_code, today_vn())
    product = variant.product
    return TracePage(gtin14, variant, product, certificate_view(product), product.is_public(), lot)


def _traced_variant(gtin14: str) -> Variant:
    variant = db.session.scalar(
        sa.select(Variant).join(Product).join(Producer)
        .options(selectinload(Variant.product).selectinload(Product.producer))
        .where(Variant.gtin.in_(stored_forms(gtin14)), Product.published_at.is_not(None),
               Producer.status == ProducerStatus.APPROVED)
    )
    if variant is None:
        raise UnknownGtin()
    return variant


def _lot(variant_id: int, code: str, stamp_expires_on: date | None) -> LotTrace:
    stamped = db.session.get(StampedLot, (variant_id, code))
    rows = db.session.execute(
        sa.select(Lot, DisplayPoint).join(DisplayPoint, DisplayPoint.id == Lot.point_id)
        .where(Lot.variant_id == variant_id, Lot.lot_code == code).order_by(Lot.received_at, Lot.id)
    ).all()
    if stamped is None and not rows:
        raise UnknownLot()
    receipts = [LotReceipt(point, lot.received_at, lot.expires_on, lot.on_hand) for lot, point in rows]
    recorded = [r.expires_on for r in receipts if r.expires_on]
    expires_on = stamped.expires_on if stamped and stamped.expires_on else min(recorded, default=None)
    deciding = expires_on or stamp_expires_on
    return LotTrace(code, expires_on, stamp_expires_on, bool(deciding and deciding < today_vn()), receipts)
