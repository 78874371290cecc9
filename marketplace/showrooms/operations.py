"""The back office of a display point: deliveries received from consigning
producers, returns to them, counts and adjustments, and the till's cash
handed over to the platform. Each function is one transaction; the stock
ones write one movement and keep the balances in step."""

import sqlalchemy as sa

from marketplace import events
from marketplace.clock import today_vn
from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.showrooms import movements, stock_ledger
from marketplace.showrooms.models import (AdjustmentReason, CashHandover, DisplayPoint, LinesRefused,
                                          MoreCashThanHeld, MovementKind, MovementLine, NotConsigned, StockMovement)
from marketplace.showrooms.queries import cash_on_hand
from marketplace.errors import N_


@transactional
def receive(point_id: int, actor_id: int, producer_id: int, delivery_note: str, lines: list[dict],
            note: str = "") -> StockMovement:
    """A delivery from a consigning producer, in lots with their expiry dates.

    Raises PointNotFound, PointNotOpen, NotConsigned, UnknownVariants, LinesRefused
    (another producer's variant, a perishable without expiry, an expired lot, a
    lot code reused with a different expiry).
    """
    movements.point_open_for_movement(point_id)
    if producer_id not in movements.consignments(point_id):
        raise NotConsigned()
    variants = movements.variants(l["variant_id"] for l in lines)
    errors = {}
    for i, line in enumerate(lines):
        variant = variants[line["variant_id"]]
        if variant.product.producer_id != producer_id:
            errors[i] = [N_("This variant belongs to another producer.")]
        elif variant.product.shelf_life_days and line.get("expires_on") is None:
            errors[i] = [N_("A perishable product needs its expiry date.")]
        elif line.get("expires_on") and line["expires_on"] < today_vn():
            errors[i] = [N_("This lot has already expired.")]
    if errors:
        raise LinesRefused(errors, "Some lines cannot be received.")
    stock = stock_ledger.lock_stock(point_id, variants)
    movement = movements.new_movement(point_id, MovementKind.RECEIPT, actor_id, reference=delivery_note,
                                      producer_id=producer_id, note=note)
    for i, line in enumerate(lines):
        lot = stock_ledger.find_or_create_lot(point_id, line["variant_id"], line["lot_code"], line.get("expires_on"))
        if lot.expires_on != line.get("expires_on"):
            raise LinesRefused({i: [N_("This lot code is already here with another expiry date.")]})
        stock_ledger.move(movement, lot, line["quantity"], stock)
    return movement


@transactional
def return_to_producer(point_id: int, actor_id: int | None, producer_id: int, reference: str,
                       lines: list[movements.OutLine], note: str = "") -> StockMovement:
    """Send stock back to its producer (expired lots included).

    Raises PointNotFound, UnknownVariants, LinesRefused (another producer's variant), InsufficientPointStock.
    """
    movements.point_even_if_closed(point_id)
    variants = movements.variants(line.variant_id for line in lines)
    foreign = {i: [N_("This variant belongs to another producer.")] for i, line in enumerate(lines)
               if variants[line.variant_id].product.producer_id != producer_id}
    if foreign:
        raise LinesRefused(foreign)
    stock = stock_ledger.lock_stock(point_id, variants)
    movement = movements.new_movement(point_id, MovementKind.RETURN_TO_PRODUCER, actor_id, reference=reference,
                                      producer_id=producer_id, note=note)
    taken = movements.take(point_id, lines, stock, include_expired=True)
    movement.lines.extend(MovementLine(**t.movement_line()) for t in taken)
    return movement


@transactional
def adjust(point_id: int, actor_id: int, reason: AdjustmentReason, lines: list[dict], note: str = "") -> StockMovement:
    """A count or an adjustment. Each line names a lot and either the units
    counted (the balance is set to it) or a signed change. Damaged, expired and
    lost only ever remove stock.

    Raises PointNotFound, UnknownVariants, LinesRefused (an addition that is
    not a count correction, a lot the point does not hold), InsufficientPointStock.
    """
    movements.point_even_if_closed(point_id)
    variants = movements.variants(l["variant_id"] for l in lines)
    stock = stock_ledger.lock_stock(point_id, variants)
    movement = movements.new_movement(point_id, MovementKind.ADJUSTMENT, actor_id, reason=reason, note=note)
    for i, line in enumerate(lines):
        lot = stock_ledger.find_lot(point_id, line["variant_id"], line["lot_code"])
        on_hand = lot.on_hand if lot else 0
        change = line["counted"] - on_hand if line.get("counted") is not None else line["change"]
        if reason is not AdjustmentReason.COUNT_CORRECTION and change > 0:
            raise LinesRefused({i: [N_("A {reason} adjustment can only remove stock.", reason=reason)]})
        if lot is None and change < 0:
            raise LinesRefused({i: {"lot_code": [N_("This point holds no lot {lot_code} of this variant.", lot_code=line["lot_code"])]}})
        if change:  # units found in a lot the point had no record of make that lot
            lot = lot or stock_ledger.find_or_create_lot(point_id, line["variant_id"], line["lot_code"],
                                                   line.get("expires_on"))
            stock_ledger.move(movement, lot, change, stock)
    return movement


@transactional
def hand_over_cash(point_id: int, actor_id: int, amount_vnd: int, reference: str) -> CashHandover:
    """Cash from the till handed to the platform. Raises PointNotFound, MoreCashThanHeld."""
    movements.point_even_if_closed(point_id)
    db.session.execute(sa.select(DisplayPoint.id).where(DisplayPoint.id == point_id).with_for_update())
    held = cash_on_hand(point_id)
    if amount_vnd > held:
        raise MoreCashThanHeld(held)
    handover = CashHandover(point_id=point_id, amount_vnd=amount_vnd, reference=reference, actor_user_id=actor_id)
    handover.held_before_vnd = held
    db.session.add(handover)
    db.session.flush()
    events.publish("point_cash.handed_over", handover=handover)
    return handover
