"""The till: a sale at a display point, its Idempotency-Key (the same key and
body return the first sale), and the few round trips that keep it fast."""

import functools
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace import events, idempotency
from marketplace.catalog.models import Product, Variant
from marketplace.database import transactional
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.pricing.commission import commission_vnd
from marketplace.showrooms import ledger, movements
from marketplace.showrooms.models import (Consignment, DisplayPoint, MovementKind, MovementLine, PointStock,
                                          SalePayment, StockMovement)


class SaleKeyReused(idempotency.KeyReused):
    def __init__(self):
        super().__init__("sale")


def sell(point_id: int, actor_id: int, lines: list[dict], payment_method: SalePayment,
         idempotency_key: str, note: str = "") -> tuple[StockMovement, bool]:
    """A sale at the till: first-expiring lots first, never an expired one.
    Returns (sale, created); the same key and body return the first sale, even
    while that first request is still running (this one waits for it).

    Raises SaleKeyReused, NotFound, Conflict (point not open, not consigned),
    InvalidInput (unknown variant), InsufficientPointStock.
    """
    digest = idempotency.fingerprint({"lines": lines, "payment_method": payment_method, "note": note})
    return idempotency.first_or_replay(
        lambda: _sell(point_id, actor_id, lines, payment_method, idempotency_key, digest, note),
        lambda: _sale_by_key(point_id, idempotency_key), digest, SaleKeyReused)


def _sale_by_key(point_id: int, key: str) -> StockMovement | None:
    return db.session.scalar(sa.select(StockMovement).where(
        StockMovement.point_id == point_id, StockMovement.idempotency_key == key))


# A till sale is the hot path (issue #6: p95 ≤ 20 ms on PostgreSQL), so it makes
# few round trips: one claims the Idempotency-Key (idempotency.claim: a retry of
# this sale waits there, then finds it); one reads the point, the sale already
# made with the key and (PostgreSQL) the new sale's id; one locks the balances
# and reads with them each variant's price, producer and consignment rate; one
# reads the lots. Then one each for the lots' and the balances' conditional
# updates (see ledger.apply), and one insert each for the movement, its lines,
# the ledger entries and their lines. The rules (lock order, conditional
# decrements, FEFO) are those of every other movement.

@transactional
def _sell(point_id, actor_id, lines, payment_method, idempotency_key, digest, note) -> tuple[StockMovement, bool]:
    idempotency.claim("sale", point_id, idempotency_key)
    found = _point_and_key(point_id, idempotency_key)
    if found and found.id is not None:
        return idempotency.replay(db.session.get(StockMovement, found.id), digest, SaleKeyReused), False
    movements.check_point(found and found.status)
    shelf = _lock_shelf(point_id, lines)
    not_carried = {str(i): ["This point does not carry this producer's products."]
                   for i, l in enumerate(lines) if shelf[l["variant_id"]].commission_rate_bps is None}
    if not_carried:
        raise Conflict("Some items are not on consignment here.", code="not_consigned", errors={"lines": not_carried})
    stock = {v: ledger.Balance(v, row.product_id, row.on_hand) for v, row in shelf.items()}
    before = movements.snapshot(stock)

    def priced(i, quantity):
        row = shelf[lines[i]["variant_id"]]
        price = lines[i].get("unit_price_vnd") or row.price_vnd
        return {"unit_price_vnd": price, "line_total_vnd": price * quantity, "commission_rate_bps":
                row.commission_rate_bps, "commission_vnd": commission_vnd(price * quantity, row.commission_rate_bps)}

    sale_lines = [line for _allocation, line in movements.take(point_id, lines, stock, line_fields=priced)]
    movement = _record_sale(found.next_id, point_id, actor_id, payment_method, idempotency_key, digest, note,
                            sale_lines)
    by_producer = defaultdict(lambda: {"total_vnd": 0, "commission_vnd": 0})
    for line in sale_lines:
        share = by_producer[shelf[line["variant_id"]].producer_id]
        share["total_vnd"] += line["line_total_vnd"]
        share["commission_vnd"] += line["commission_vnd"]
    for producer_id, share in sorted(by_producer.items()):
        events.publish("point_sale.recorded", movement=movement, producer_id=producer_id, **share)
    movements.shelves_changed(stock, before)
    return movement, True


def _point_and_key(point_id: int, idempotency_key: str):
    """The point's status (None: no such point), the sale already made with this
    key if any (id, fingerprint), and next_id: on PostgreSQL, an id drawn for the
    new sale (unused if it is not made), so its POS reference goes in with its
    insert; None on SQLite, where the insert gives the id."""
    stmt = _point_and_key_statement(db.session.get_bind().dialect.name)
    return db.session.execute(stmt, {"point_id": point_id, "key": idempotency_key}).first()


# Built once (see ledger._LOTS_WITH_STOCK).
@functools.cache
def _point_and_key_statement(dialect: str):
    next_id = (sa.func.nextval(sa.func.pg_get_serial_sequence(StockMovement.__tablename__, "id"))
               if dialect == "postgresql" else sa.null())
    key = sa.and_(StockMovement.point_id == DisplayPoint.id, StockMovement.idempotency_key == sa.bindparam("key"))
    return (sa.select(DisplayPoint.status, StockMovement.id, StockMovement.request_fingerprint,
                      next_id.label("next_id"))
            .outerjoin(StockMovement, key).where(DisplayPoint.id == sa.bindparam("point_id")))


def _record_sale(sale_id: int | None, point_id, actor_id, payment_method, idempotency_key, digest, note,
                 lines: list[dict]) -> StockMovement:
    """Write the sale and its lines (their fields, as movements.take gives them)."""
    movement = StockMovement(id=sale_id, point_id=point_id, kind=MovementKind.SALE, actor_user_id=actor_id,
                             payment_method=payment_method, idempotency_key=idempotency_key,
                             request_fingerprint=digest, note=note, total_vnd=sum(l["line_total_vnd"] for l in lines))
    db.session.add(movement)
    if movement.id is None:
        db.session.flush()
    movement.reference = f"POS-{point_id}-{movement.id}"
    db.session.flush()  # before its lines and ledger entries, which refer to it
    # The lines go in as one plain insert, not through the unit of work, which
    # would only add cost: movement.lines loads them from the database when read.
    db.session.execute(sa.insert(MovementLine), [{"movement_id": movement.id, **line} for line in lines])
    return movement


_SHELF = (  # built once (see ledger._LOTS_WITH_STOCK)
    sa.select(PointStock.variant_id, PointStock.on_hand, Variant.product_id, Variant.price_vnd, Product.producer_id,
              Consignment.commission_rate_bps)
    .join(Variant, Variant.id == PointStock.variant_id).join(Product, Product.id == Variant.product_id)
    .outerjoin(Consignment, sa.and_(Consignment.point_id == PointStock.point_id,
                                    Consignment.producer_id == Product.producer_id, Consignment.active.is_(True)))
    .where(PointStock.point_id == sa.bindparam("point_id"),
           PointStock.variant_id.in_(sa.bindparam("variant_ids", expanding=True)))
    .order_by(PointStock.variant_id).with_for_update(of=PointStock))


def _lock_shelf(point_id: int, lines: list[dict]) -> dict:
    """Lock the point's balances of the sold variants (in variant-id order, as
    lock_stock does), reading with them each variant's listing price, product,
    producer and the point's active consignment rate (None: not consigned).

    Raises InvalidInput (unknown variant).
    """
    ids = sorted({l["variant_id"] for l in lines})
    shelf = {row.variant_id: row for row in db.session.execute(_SHELF, {"point_id": point_id, "variant_ids": ids})}
    if len(shelf) < len(ids):  # never held here, or no such variant: nothing to lock, nothing on hand
        variants = movements.variants(v for v in ids if v not in shelf)
        rates = {producer_id: c.commission_rate_bps for producer_id, c in movements.consignments(point_id).items()}
        for variant in variants.values():
            producer_id = variant.product.producer_id
            shelf[variant.id] = _Unheld(variant.id, 0, variant.product_id, variant.price_vnd, producer_id,
                                        rates.get(producer_id))
    return shelf


@dataclass(frozen=True)
class _Unheld:
    variant_id: int
    on_hand: int
    product_id: int
    price_vnd: int
    producer_id: int
    commission_rate_bps: int | None

