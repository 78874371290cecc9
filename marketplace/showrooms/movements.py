"""The building blocks every stock movement at a display point shares: the
point and its checks, the variants and consignments a movement names, the
movement row, and taking stock from lots (first-expiring first)."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.catalog.models import Variant
from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.showrooms import stock_ledger
from marketplace.showrooms.models import (Consignment, DisplayPoint, Lot, MovementKind, PointNotFound, PointNotOpen,
                                          PointStatus, StockMovement, UnknownVariants)


def point_open_for_movement(point_id: int) -> DisplayPoint:
    """The point, for a movement that needs it open (a receipt, a transfer out or in).
    Raises PointNotFound, PointNotOpen (temporarily closed or closed)."""
    found = db.session.get(DisplayPoint, point_id)
    refuse_unless_open(found and found.status)
    return found


def point_even_if_closed(point_id: int) -> DisplayPoint:
    """The point, in any status: a closed point still returns, counts and hands over
    what it holds. Raises PointNotFound."""
    found = db.session.get(DisplayPoint, point_id)
    if found is None:
        raise PointNotFound()
    return found


def refuse_unless_open(status: PointStatus | None) -> None:
    """Raises PointNotFound (no such point: status None) or PointNotOpen."""
    if status is None:
        raise PointNotFound()
    if status is not PointStatus.ACTIVE:
        raise PointNotOpen()


def variants(variant_ids) -> dict[int, Variant]:
    """Raises UnknownVariants."""
    ids = sorted(set(variant_ids))
    found = {v.id: v for v in db.session.scalars(
        sa.select(Variant).where(Variant.id.in_(ids)).options(joinedload(Variant.product)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise UnknownVariants(missing)
    return found


def consignments(point_id: int) -> dict[int, Consignment]:
    """The point's active consignments, by producer id."""
    return {c.producer_id: c for c in db.session.scalars(
        sa.select(Consignment).where(Consignment.point_id == point_id, Consignment.active.is_(True)))}


def new_movement(point_id: int, kind: MovementKind, actor_id: int, **fields) -> StockMovement:
    # lines=[]: the collection starts loaded, so adding lines after the flush loads nothing.
    movement = StockMovement(point_id=point_id, kind=kind, actor_user_id=actor_id, lines=[], **fields)
    db.session.add(movement)
    db.session.flush()
    return movement


@dataclass(frozen=True)
class OutLine:
    """A line taking units out of the point (a return, a transfer): from the
    named lot, or first-expiring first when lot_code is None."""

    variant_id: int
    quantity: int
    lot_code: str | None = None


@dataclass(frozen=True)
class Taken:
    """Units one line of a movement took from one lot."""

    line: int  # the line's index in the request
    lot: Lot  # or a row of stock_ledger.lock_lots: id, variant_id, lot_code, expires_on, on_hand
    quantity: int  # units taken out (> 0)

    def movement_line(self, **fields) -> dict:
        """The fields of its MovementLine (quantity signed: out of the point); `fields` adds to them."""
        return {"lot_id": self.lot.id, "variant_id": self.lot.variant_id, "quantity": -self.quantity, **fields}


def _plan(point_id: int, lines: Sequence[OutLine], *, include_expired=False) -> list[Taken]:
    """Which lots each line takes from: the named lot, or first-expiring first.
    Lines of one variant share its lots (each sees what earlier lines left).
    Call it with the balances locked.

    Raises InsufficientPointStock, with every short line, before anything is written.
    """
    lots = stock_ledger.lock_lots(point_id, [line.variant_id for line in lines])
    today = today_vn()
    shortages, plan, held = [], [], defaultdict(int)  # held: lot id → units planned for earlier lines
    for i, line in enumerate(lines):
        candidates = lots.get(line.variant_id, [])
        if line.lot_code:
            candidates = [lot for lot in candidates if lot.lot_code == line.lot_code]
        allocations = stock_ledger.allocate_fefo(candidates, line.quantity, today, include_expired=include_expired,
                                                 held=held)
        if not allocations:
            available = sum(lot.on_hand - held[lot.id] for lot in candidates if include_expired
                            or lot.expires_on is None or lot.expires_on >= today)
            shortages.append({"variant_id": line.variant_id, "requested": line.quantity, "available": available})
        for allocation in allocations:
            held[allocation.lot.id] += allocation.quantity
            plan.append(Taken(i, allocation.lot, allocation.quantity))
    if shortages:
        raise stock_ledger.InsufficientPointStock(shortages)
    return plan


def take(point_id: int, lines: Sequence[OutLine], stock: dict[int, stock_ledger.Balance], *,
         include_expired=False) -> list[Taken]:
    """Take each line's quantity from its lots (see _plan), in one update of the
    lots and one of the balances. Returns what each line took from each lot,
    for the caller to record (Taken.movement_line).

    Raises InsufficientPointStock.
    """
    plan = _plan(point_id, lines, include_expired=include_expired)
    stock_ledger.apply(point_id, [stock_ledger.Change(t.lot.id, t.lot.variant_id, -t.quantity) for t in plan], stock)
    return plan
