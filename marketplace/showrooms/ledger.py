"""The stock ledger of a point: balances kept in step with every movement.

Locking: the PointStock rows an operation touches are locked FOR UPDATE in
variant-id order, then their lots in (variant, expiry, id) order, so two
operations at one point always queue the same way and never deadlock. Every
decrement is also conditional (on_hand + change >= 0): stock can never go
negative, even where row locks are ignored (SQLite).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.showrooms.models import Lot, MovementLine, PointStock, StockMovement


class InsufficientPointStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, shortages: list[dict]):
        super().__init__("Not enough stock at this point.", errors={"lines": {
            str(s["variant_id"]): [f"Only {s['available']} available, {s['requested']} asked for."]
            for s in shortages}})
        self.shortages = shortages


def _insert_ignoring_duplicates(model, rows: list[dict]) -> None:
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(model).values(rows).on_conflict_do_nothing())


def lock_stock(point_id: int, variant_ids) -> dict[int, PointStock]:
    """Lock (creating if needed) the point's balance rows for these variants, in id order."""
    ids = sorted(set(variant_ids))
    _insert_ignoring_duplicates(PointStock, [{"point_id": point_id, "variant_id": v, "on_hand": 0,
                                              "low_stock_threshold": 0} for v in ids])
    rows = db.session.scalars(
        sa.select(PointStock).where(PointStock.point_id == point_id, PointStock.variant_id.in_(ids))
        # OF: lock only these rows, not the eagerly joined variants (PostgreSQL refuses FOR UPDATE on an outer join).
        .order_by(PointStock.variant_id).with_for_update(of=PointStock).execution_options(populate_existing=True)
    ).all()
    return {row.variant_id: row for row in rows}


def lock_lots(point_id: int, variant_ids) -> dict[int, list[Lot]]:
    """The point's lots of these variants with stock, first-expiring first (no expiry last)."""
    lots = db.session.scalars(
        sa.select(Lot).where(Lot.point_id == point_id, Lot.variant_id.in_(sorted(set(variant_ids))), Lot.on_hand > 0)
        .order_by(Lot.variant_id, Lot.expires_on.is_(None), Lot.expires_on, Lot.id)
        .with_for_update(of=Lot).execution_options(populate_existing=True)
    ).all()
    by_variant: dict[int, list[Lot]] = {}
    for lot in lots:
        by_variant.setdefault(lot.variant_id, []).append(lot)
    return by_variant


def find_or_create_lot(point_id: int, variant_id: int, lot_code: str, expires_on: date | None) -> Lot:
    _insert_ignoring_duplicates(Lot, [{"point_id": point_id, "variant_id": variant_id, "lot_code": lot_code,
                                       "expires_on": expires_on, "on_hand": 0}])
    return db.session.scalar(
        sa.select(Lot).where(Lot.point_id == point_id, Lot.variant_id == variant_id, Lot.lot_code == lot_code)
        .with_for_update(of=Lot).execution_options(populate_existing=True))


@dataclass
class Allocation:
    lot: Lot
    quantity: int


def allocate_fefo(lots: list[Lot], quantity: int, today: date, *, include_expired: bool = False,
                  held: Mapping[int, int] | None = None) -> list[Allocation]:
    """Take `quantity` from the first-expiring lots. Expired lots are never sold.
    `held` maps lot id → units already allocated to earlier lines of the same movement."""
    held = held or {}
    allocations, wanted = [], quantity
    # Sorted here too (stable, so equal dates keep the caller's id order): FEFO must not depend on the caller.
    for lot in sorted(lots, key=lambda lot: (lot.expires_on is None, lot.expires_on or date.min)):
        if wanted == 0:
            break
        if not include_expired and lot.expires_on is not None and lot.expires_on < today:
            continue
        take = min(lot.on_hand - held.get(lot.id, 0), wanted)
        if take > 0:
            allocations.append(Allocation(lot, take))
            wanted -= take
    return allocations if wanted == 0 else []


def move(movement: StockMovement, lot: Lot, change: int, stock: PointStock, **line_fields) -> MovementLine:
    """Apply one signed change to a lot and the point's balance, and record it on the movement.

    Raises InsufficientPointStock if it would take either below zero.
    """
    for model, key in ((Lot, {"id": lot.id}), (PointStock, {"point_id": stock.point_id,
                                                              "variant_id": stock.variant_id})):
        conditions = [getattr(model, name) == value for name, value in key.items()]
        updated = db.session.execute(
            sa.update(model).where(*conditions, model.on_hand + change >= 0)
            .values(on_hand=model.on_hand + change).execution_options(synchronize_session=False)
        ).rowcount
        if updated != 1:
            raise InsufficientPointStock([{"variant_id": lot.variant_id, "requested": -change,
                                           "available": lot.on_hand}])
    # Mirror the database in memory without marking the rows dirty (no second UPDATE).
    set_committed_value(lot, "on_hand", lot.on_hand + change)
    set_committed_value(stock, "on_hand", stock.on_hand + change)
    line = MovementLine(lot_id=lot.id, variant_id=lot.variant_id, quantity=change, **line_fields)
    movement.lines.append(line)
    return line
