"""What a producer prints stamps for: their variants with a GTIN, the lots of each that
display points received or that stamps were printed for, and the sheet itself."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.catalog.models import Product, ProductStatus, Variant, VariantNotFound
from marketplace.database import transactional
from marketplace.errors import N_, InvalidInput
from marketplace.extensions import db
from marketplace.showrooms.models import Lot
from marketplace.traceability import stamps
from marketplace.traceability.links import canonical_gtin, is_stampable_lot, trace_url
from marketplace.traceability.models import StampedLot


class LotNeedsExpiry(InvalidInput):
    def __init__(self):
        super().__init__(errors={"expires_on": [N_("A lot of a product with a shelf life needs its expiry date.")]})


class ExpiryDisagrees(InvalidInput):
    def __init__(self, recorded: date):
        super().__init__(errors={"expires_on": [N_("Display points received this lot with the expiry {date}.",
                                                   date=recorded.strftime("%d/%m/%Y"))]})


@dataclass(frozen=True)
class KnownLot:
    code: str
    expires_on: date | None


@dataclass(frozen=True)
class StampChoices:
    variant: Variant
    gtin: str  # GTIN-14
    lots: list[KnownLot]


@dataclass(frozen=True)
class StampSheet:
    filename: str
    pdf: bytes


def stampable_variants(producer_id: int) -> list[Variant]:
    """The producer's variants that carry a GTIN, by product name (archived products left out)."""
    return list(db.session.scalars(
        sa.select(Variant).join(Product)
        .where(Product.producer_id == producer_id, Variant.gtin.is_not(None), Product.status != ProductStatus.ARCHIVED)
        .order_by(Product.name, Variant.id)
    ))


def stampable_variant(producer_id: int, variant_id: int) -> Variant:
    """Raises VariantNotFound (not this producer's, or without a GTIN)."""
    variant = db.session.get(Variant, variant_id)
    if variant is None or variant.product.producer_id != producer_id or canonical_gtin(variant.gtin or "") is None:
        raise VariantNotFound()
    return variant


def stamp_choices(producer_id: int, variant_id: int) -> StampChoices:
    """The variant and the lots its stamps may carry. Raises VariantNotFound."""
    variant = stampable_variant(producer_id, variant_id)
    return StampChoices(variant, canonical_gtin(variant.gtin), known_lots(variant.id))


def known_lots(variant_id: int) -> list[KnownLot]:
    """Lots of the variant that display points received or stamps were printed for, newest code first;
    only codes a Digital Link can carry (AI 10: 20 characters of GS1's set)."""
    received = sa.select(Lot.lot_code, sa.func.min(Lot.expires_on)).where(Lot.variant_id == variant_id) \
        .group_by(Lot.lot_code)
    found = dict(db.session.execute(received).all())
    for stamped in db.session.scalars(sa.select(StampedLot).where(StampedLot.variant_id == variant_id)):
        found[stamped.lot_code] = stamped.expires_on or found.get(stamped.lot_code)
    return [KnownLot(code, found[code]) for code in sorted(found, reverse=True) if is_stampable_lot(code)]


@transactional
def print_stamps(producer_id: int, variant_id: int, lot_code: str | None, expires_on: date | None,
                 layout_code: str, sheets: int) -> StampSheet:
    """A PDF of `sheets` label sheets for the variant, or for one of its lots. A lot's code and expiry
    are kept (StampedLot), so its stamps open its trace page before any display point receives it.

    Raises VariantNotFound, LotNeedsExpiry (a perishable product's lot without an expiry),
    ExpiryDisagrees (points received the lot with another expiry)."""
    variant = stampable_variant(producer_id, variant_id)
    gtin14 = canonical_gtin(variant.gtin)
    if lot_code:
        _keep_lot(variant, lot_code, expires_on)
    stamp = stamps.Stamp(trace_url(gtin14, lot_code, expires_on), variant.product.name, variant.label,
                         _("Lô: %(code)s", code=lot_code) if lot_code else None,
                         _("HSD: %(date)s", date=stamps.expiry_text(expires_on)) if lot_code and expires_on else None)
    title = " · ".join(filter(None, [_("Tem truy xuất"), variant.product.name, lot_code]))
    pdf = stamps.render_sheets(stamps.LAYOUTS[layout_code], stamp, sheets, title)
    filename = f"tem-{gtin14}" + (f"-{_safe(lot_code)}" if lot_code else "") + f"-{layout_code}.pdf"
    return StampSheet(filename, pdf)


def _keep_lot(variant: Variant, code: str, expires_on: date | None) -> None:
    if expires_on is None and variant.product.shelf_life_days:
        raise LotNeedsExpiry()
    recorded = db.session.scalar(sa.select(sa.func.min(Lot.expires_on))
                                 .where(Lot.variant_id == variant.id, Lot.lot_code == code))
    if recorded is not None and expires_on != recorded:
        raise ExpiryDisagrees(recorded)
    stamped = db.session.get(StampedLot, (variant.id, code))
    if stamped is None:
        db.session.add(StampedLot(variant_id=variant.id, lot_code=code, expires_on=expires_on))
    else:
        stamped.expires_on = expires_on


def _safe(code: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in code)
