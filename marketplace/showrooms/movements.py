"""The building blocks every stock movement at a display point shares: the
point and its checks, the variants and consignments a movement names, the
movement row, and taking stock from lots (first-expiring first)."""

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.catalog.models import Variant
from marketplace.clock import today_vn
from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.showrooms import ledger
from marketplace.showrooms.models import Consignment, DisplayPoint, MovementKind, PointStatus, StockMovement


def point(point_id: int, *, open_only: bool = True) -> DisplayPoint:
    """Raises NotFound, Conflict (see check_point)."""
    found = db.session.get(DisplayPoint, point_id)
    check_point(found and found.status, open_only=open_only)
    return found


def check_point(status: PointStatus | None, *, open_only: bool = True) -> None:
    """Raises NotFound (no such point: status None) or Conflict (not open)."""
    if status is None:
        raise NotFound("No such display point.", code="point_not_found")
    if open_only and status is not PointStatus.ACTIVE:
        raise Conflict("This display point is not open.", code="point_not_active")


def variants(variant_ids) -> dict[int, Variant]:
    """Raises InvalidInput (unknown variants)."""
    ids = sorted(set(variant_ids))
    found = {v.id: v for v in db.session.scalars(
        sa.select(Variant).where(Variant.id.in_(ids)).options(joinedload(Variant.product)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput("Unknown variants.", errors={"lines": {str(i): ["No such variant."] for i in missing}})
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


def _plan(point_id: int, lines: list[dict], *, include_expired=False) -> list[tuple[int, ledger.Allocation]]:
    """Which lots each line takes from: the named lot, or first-expiring first.
    Lines of one variant share its lots (each sees what earlier lines left).
    Returns (line index, allocation) pairs. Call it with the balances locked.

    Raises InsufficientPointStock, with every short line, before anything is written.
    """
    lots = ledger.lock_lots(point_id, [l["variant_id"] for l in lines])
    today = today_vn()
    shortages, plan, held = [], [], defaultdict(int)  # held: lot id → units planned for earlier lines
    for i, line in enumerate(lines):
        candidates = lots.get(line["variant_id"], [])
        if line.get("lot_code"):
            candidates = [lot for lot in candidates if lot.lot_code == line["lot_code"]]
        allocations = ledger.allocate_fefo(candidates, line["quantity"], today, include_expired=include_expired,
                                           held=held)
        if not allocations:
            available = sum(lot.on_hand - held[lot.id] for lot in candidates if include_expired
                            or lot.expires_on is None or lot.expires_on >= today)
            shortages.append({"variant_id": line["variant_id"], "requested": line["quantity"], "available": available})
        for allocation in allocations:
            held[allocation.lot.id] += allocation.quantity
            plan.append((i, allocation))
    if shortages:
        raise ledger.InsufficientPointStock(shortages)
    return plan


def take(point_id: int, lines: list[dict], stock: dict[int, ledger.Balance], *, include_expired=False,
         line_fields=None) -> list[tuple[ledger.Allocation, dict]]:
    """Take each line's quantity from its lots (see _plan), in one update of the
    lots and one of the balances. Returns each allocation with the fields of its
    movement line (`line_fields(line index, quantity)` adds to them), for the caller to record.

    Raises InsufficientPointStock.
    """
    plan = _plan(point_id, lines, include_expired=include_expired)
    ledger.apply(point_id, [ledger.Change(a.lot.id, a.lot.variant_id, -a.quantity) for _i, a in plan], stock)
    return [(allocation, {"lot_id": allocation.lot.id, "variant_id": allocation.lot.variant_id,
                          "quantity": -allocation.quantity,
                          **(line_fields(i, allocation.quantity) if line_fields else {})})
            for i, allocation in plan]
