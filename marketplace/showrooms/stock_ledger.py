"""The stock ledger of a point: balances kept in step with every movement.

Locking: the PointStock rows an operation touches are locked FOR UPDATE in
variant-id order, then their lots in (variant, expiry, id) order, so two
operations at one point always queue the same way and never deadlock. Every
decrement is also conditional (on_hand + change >= 0): stock can never go
negative, even where row locks are ignored (SQLite).

Reads here are plain rows, not ORM objects: a till sale is on the hot path,
and nothing it locks needs the identity map.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.catalog.models import Variant
from marketplace.errors import N_, Conflict
from marketplace.extensions import db
from marketplace.showrooms.models import Lot, MovementLine, PointStock, StockMovement


class InsufficientPointStock(Conflict):
    """Lines asking for more than the point holds; its field errors are keyed by variant id (not line index)."""

    code = "insufficient_stock"

    def __init__(self, shortages: list[dict]):
        # Marked (N_) so the till, in Vietnamese, says it in Vietnamese.
        super().__init__(N_("Not enough stock at this point."), errors={"lines": {
            str(s["variant_id"]): [N_("Only {available} available, {requested} asked for.",
                                      available=s["available"], requested=s["requested"])]
            for s in shortages}})
        self.shortages = shortages


@dataclass
class Balance:
    """A locked PointStock row: what an operation needs of it, kept in step with its changes."""

    variant_id: int
    product_id: int
    on_hand: int


def _insert_ignoring_duplicates(model, rows: list[dict]) -> None:
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Empty balances and lots show nowhere: no product's listing changes (see search/tracking.py).
    db.session.execute(insert(model).values(rows).on_conflict_do_nothing()
                       .execution_options(changed_products=frozenset()))


def lock_stock(point_id: int, variant_ids) -> dict[int, Balance]:
    """Lock (creating if needed) the point's balance rows for these variants, in id order."""
    ids = sorted(set(variant_ids))
    _insert_ignoring_duplicates(PointStock, [{"point_id": point_id, "variant_id": v, "on_hand": 0,
                                              "low_stock_threshold": 0} for v in ids])
    rows = db.session.execute(
        sa.select(PointStock.variant_id, Variant.product_id, PointStock.on_hand).join(Variant)
        .where(PointStock.point_id == point_id, PointStock.variant_id.in_(ids))
        .order_by(PointStock.variant_id).with_for_update(of=PointStock))
    return {row.variant_id: Balance(*row) for row in rows}


# The statements a till sale runs are built once, here: building and hashing a
# statement on every call costs about as much as running it.
_LOTS_WITH_STOCK = (
    sa.select(Lot.id, Lot.variant_id, Lot.lot_code, Lot.expires_on, Lot.on_hand)
    .where(Lot.point_id == sa.bindparam("point_id"),
           Lot.variant_id.in_(sa.bindparam("variant_ids", expanding=True)), Lot.on_hand > 0)
    .order_by(Lot.variant_id, Lot.expires_on.is_(None), Lot.expires_on, Lot.id)
    .with_for_update(of=Lot))


def lock_lots(point_id: int, variant_ids) -> dict[int, list]:
    """The point's lots of these variants with stock, first-expiring first (no expiry last).
    Call it after lock_stock: the lots are read, in this statement's snapshot, once the balances are ours."""
    lots = db.session.execute(_LOTS_WITH_STOCK, {"point_id": point_id, "variant_ids": sorted(set(variant_ids))})
    by_variant: dict[int, list] = {}
    for lot in lots:
        by_variant.setdefault(lot.variant_id, []).append(lot)
    return by_variant


def find_or_create_lot(point_id: int, variant_id: int, lot_code: str, expires_on: date | None) -> Lot:
    _insert_ignoring_duplicates(Lot, [{"point_id": point_id, "variant_id": variant_id, "lot_code": lot_code,
                                       "expires_on": expires_on, "on_hand": 0}])
    return find_lot(point_id, variant_id, lot_code)


def find_lot(point_id: int, variant_id: int, lot_code: str) -> Lot | None:
    """The lot, locked, or None."""
    return db.session.scalar(
        sa.select(Lot).where(Lot.point_id == point_id, Lot.variant_id == variant_id, Lot.lot_code == lot_code)
        .with_for_update(of=Lot).execution_options(populate_existing=True))


@dataclass
class Allocation:
    lot: Lot  # or any row with id, variant_id, lot_code, expires_on and on_hand
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


@dataclass(frozen=True)
class Change:
    """A signed change to one lot (+ into the point, − out of it)."""

    lot_id: int
    variant_id: int
    quantity: int


_lots, _balances = Lot.__table__.c, PointStock.__table__.c
_CHANGE_LOT = (sa.update(Lot.__table__)
               .where(_lots.id == sa.bindparam("key"), _lots.on_hand + sa.bindparam("change") >= 0)
               .values(on_hand=_lots.on_hand + sa.bindparam("change")))
_CHANGE_BALANCE = (sa.update(PointStock.__table__)
                   .where(_balances.point_id == sa.bindparam("point"), _balances.variant_id == sa.bindparam("key"),
                          _balances.on_hand + sa.bindparam("change") >= 0)
                   .values(on_hand=_balances.on_hand + sa.bindparam("change")))


def apply(point_id: int, changes: Iterable[Change], balances: Mapping[int, Balance]) -> None:
    """Apply signed changes to their lots and to the point's balances: one
    conditional UPDATE run for every lot in one executemany, and one for every
    balance (psycopg pipelines an executemany: one round trip each, however many
    lines). Several changes to one lot (two lines of one variant) are summed
    first, so each row is updated once. `balances` (locked by lock_stock) are
    kept in step in memory.

    Raises InsufficientPointStock if any lot or balance would go below zero;
    nothing is then kept, as the caller's transaction rolls back.
    """
    by_lot, by_variant, variant_of = defaultdict(int), defaultdict(int), {}
    for change in changes:
        by_lot[change.lot_id] += change.quantity
        by_variant[change.variant_id] += change.quantity
        variant_of[change.lot_id] = change.variant_id
    if not by_lot:
        return
    # A product's listing shows the points with it on the shelf: it changes when a shelf empties or fills.
    emptied_or_filled = frozenset(balances[v].product_id for v, c in by_variant.items()
                                  if (balances[v].on_hand > 0) != (balances[v].on_hand + c > 0))
    for stmt, rows in ((_CHANGE_LOT, [{"key": lot_id, "change": c} for lot_id, c in by_lot.items()]),
                       (_CHANGE_BALANCE, [{"point": point_id, "key": variant_id, "change": c}
                                          for variant_id, c in by_variant.items()])):
        # The rowcount of an executemany is the sum over its rows: each must have matched.
        declared = {"changed_products": emptied_or_filled}
        if db.session.execute(stmt, rows, execution_options=declared).rowcount != len(rows):
            raise InsufficientPointStock(_shortages(point_id, by_lot, by_variant, variant_of))
    for variant_id, change in by_variant.items():
        balances[variant_id].on_hand += change


def _shortages(point_id: int, by_lot, by_variant, variant_of) -> list[dict]:
    """What would have gone below zero, as it stands now. Sales and returns plan
    within what they read under the row locks, so in practice only an adjustment
    asking for more than a lot holds gets here."""
    lots = dict(db.session.execute(sa.select(Lot.id, Lot.on_hand).where(Lot.id.in_(list(by_lot)))).all())
    balances = dict(db.session.execute(sa.select(PointStock.variant_id, PointStock.on_hand).where(
        PointStock.point_id == point_id, PointStock.variant_id.in_(list(by_variant)))).all())
    short = {variant_of[lot_id]: {"variant_id": variant_of[lot_id], "requested": -change,
                                  "available": lots.get(lot_id, 0)}
             for lot_id, change in by_lot.items() if lots.get(lot_id, 0) + change < 0}
    short.update({v: {"variant_id": v, "requested": -change, "available": balances.get(v, 0)}
                  for v, change in by_variant.items() if balances.get(v, 0) + change < 0})
    return [short[v] for v in sorted(short)]


def move(movement: StockMovement, lot: Lot, change: int, balances: Mapping[int, Balance],
         **line_fields) -> MovementLine:
    """Apply one signed change to a lot and the point's balance, and record it on the movement.

    Raises InsufficientPointStock if it would take either below zero.
    """
    apply(movement.point_id, [Change(lot.id, lot.variant_id, change)], balances)
    # Mirror the database in memory without marking the lot dirty (no second UPDATE).
    set_committed_value(lot, "on_hand", lot.on_hand + change)
    line = MovementLine(lot_id=lot.id, variant_id=lot.variant_id, quantity=change, **line_fields)
    movement.lines.append(line)
    return line
