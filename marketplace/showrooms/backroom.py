"""What the back room pages read (backroom_pages.py): the item a scanned barcode adds to a
delivery, the variants of a delivery's lines, the stock list searched by name without
diacritics, a page of the movement history with the names it shows, and a receiving note.

Writes are elsewhere (operations.receive, services.set_low_stock_threshold)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from marketplace.accounts.models import User
from marketplace.catalog.models import Product, Variant
from marketplace.errors import N_, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.producers.models import Producer
from marketplace.schemas import Page
from marketplace.showrooms import movements, queries, shelf
from marketplace.showrooms.models import (DisplayPoint, MovementKind, MovementLine, NotConsigned, PointStock,
                                          StockMovement, StockNotFound)
from marketplace.text import fold


class OtherProducersItem(InvalidInput):
    """A scanned item of another producer than the delivery's."""

    message = N_("This item belongs to another producer.")

    def __init__(self, item: shelf.ShelfItem):
        super().__init__()
        self.item = item


class ReceiptNotFound(NotFound):
    code, message = "receipt_not_found", N_("No such delivery at this point.")


# --- receiving -------------------------------------------------------------------

def scan_for_receipt(point_id: int, producer_id: int | None, code: str) -> shelf.ShelfItem:
    """The item a scanned code names, for a delivery from `producer_id` (None: not chosen
    yet, any consigning producer's item will do and names the delivery's producer).

    Raises shelf.ItemNotFound, NotConsigned (the point no longer carries its producer),
    OtherProducersItem.
    """
    item = shelf.by_gtin(point_id, code)
    if not item.consigned:
        raise NotConsigned()
    if producer_id is not None and item.producer_id != producer_id:
        raise OtherProducersItem(item)
    return item


@dataclass(frozen=True)
class LineItem:
    """What a delivery's line shows of its variant."""

    variant_id: int
    product_name: str
    variant_label: str
    gtin: str | None
    producer_id: int
    perishable: bool  # a product with a shelf life: its lots need an expiry date


def line_items(point_id: int, variant_ids) -> dict[int, LineItem]:
    """The variants of a delivery's lines, by id, among the producers the point carries
    (an id from anywhere else is left out: the page shows the line as unknown)."""
    ids = {v for v in variant_ids if v}
    if not ids:
        return {}
    producers = movements.consignments(point_id).keys()
    rows = db.session.execute(
        sa.select(Variant.id, Product.name, Variant.label, Variant.gtin, Product.producer_id, Product.shelf_life_days)
        .join(Product).where(Variant.id.in_(ids), Product.producer_id.in_(producers)))
    return {row[0]: LineItem(*row[:5], perishable=bool(row[5])) for row in rows}


@dataclass(frozen=True)
class ReceivingNote:
    """A delivery as received: what the printed receiving note (phiếu nhập kho) shows."""

    point: DisplayPoint
    movement: StockMovement
    producer: Producer | None
    received_by: User | None

    @property
    def number(self) -> str:
        """Our reference for the delivery, beside the producer's delivery-note number."""
        return f"PN-{self.movement.id:06d}"

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.movement.lines)


def receiving_note(point_id: int, movement_id: int) -> ReceivingNote:
    """Raises ReceiptNotFound unless it is a delivery received at this point."""
    movement = db.session.scalar(
        sa.select(StockMovement).where(StockMovement.id == movement_id, StockMovement.point_id == point_id,
                                       StockMovement.kind == MovementKind.RECEIPT))
    if movement is None:
        raise ReceiptNotFound()
    _load_products(movement.lines)
    return ReceivingNote(db.session.get(DisplayPoint, point_id), movement,
                         movement.producer_id and db.session.get(Producer, movement.producer_id),
                         movement.actor_user_id and db.session.get(User, movement.actor_user_id))


# --- stock -------------------------------------------------------------------------

def stock_page(point_id: int, q: str, low_only: bool, page: int, per_page: int) -> Page:
    """The point's stock by product name, optionally only what is low, and only the
    variants whose product name, label or barcode holds every word of `q`, diacritics
    ignored ("mat ong" finds "Mật ong"). A point holds a few thousand variants at most:
    their names are folded here rather than in SQL."""
    words = fold(q).split()
    if not words:
        return queries.stock_page(point_id, low_only, page, per_page)
    stmt = (sa.select(PointStock).join(PointStock.variant).join(Variant.product)
            .options(contains_eager(PointStock.variant).contains_eager(Variant.product))
            .where(PointStock.point_id == point_id).order_by(Product.name, Variant.id))
    if low_only:
        stmt = stmt.where(PointStock.on_hand <= PointStock.low_stock_threshold)
    rows = [row for row in db.session.scalars(stmt)
            if all(w in fold(f"{row.variant.product.name} {row.variant.label} {row.variant.gtin or ''}")
                   for w in words)]
    return Page(rows[(page - 1) * per_page:page * per_page], len(rows), page, per_page)


def stock_row(point_id: int, variant_id: int) -> PointStock:
    """Raises StockNotFound (the point has never held the variant)."""
    row = db.session.get(PointStock, (point_id, variant_id))
    if row is None:
        raise StockNotFound()
    return row


def point_variants(point_id: int) -> list[tuple[int, str]]:
    """(variant id, "product · variant") of everything the point has held, by name: the
    history's product filter (every movement line has a balance row, empty or not)."""
    rows = db.session.execute(
        sa.select(Variant.id, Product.name, Variant.label).join(PointStock, PointStock.variant_id == Variant.id)
        .join(Product).where(PointStock.point_id == point_id).order_by(Product.name, Variant.label, Variant.id))
    return [(variant_id, f"{name} · {label}") for variant_id, name, label in rows]


# --- movement history -------------------------------------------------------------------

@dataclass(frozen=True)
class MovementHistory:
    """A page of a point's movements, and the names of who made them and of the producers."""

    page: Page
    actors: dict[int, str]
    producers: dict[int, str]


def movement_history(point_id: int, kind: MovementKind | None = None, variant_id: int | None = None,
                     since: date | None = None, until: date | None = None, *, page: int = 1,
                     per_page: int = 30) -> MovementHistory:
    """Newest first; each filter left None keeps everything."""
    found = queries.movements(point_id, kind, variant_id, since, until, page, per_page)
    _load_products([line for movement in found.items for line in movement.lines])
    actors = {m.actor_user_id for m in found.items if m.actor_user_id}
    producers = {m.producer_id for m in found.items if m.producer_id}
    return MovementHistory(
        found,
        dict(db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(actors))).all()) if actors else {},
        dict(db.session.execute(sa.select(Producer.id, Producer.name).where(Producer.id.in_(producers))).all())
        if producers else {})


def _load_products(lines: list[MovementLine]) -> None:
    """The variants and products of these lines in one query, so that reading
    line.lot.variant.product finds them in the session instead of a query per line."""
    ids = {line.variant_id for line in lines}
    if ids:
        db.session.scalars(sa.select(Variant).where(Variant.id.in_(ids)).options(joinedload(Variant.product))).all()
