"""Transfers between display points: stock leaves one point at once and is in
transit until the other receives it, with any difference recorded."""

import sqlalchemy as sa

from marketplace.database import transactional, utcnow
from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.showrooms import ledger, movements
from marketplace.showrooms.models import MovementKind, MovementLine, StockTransfer, TransferLine, TransferStatus


@transactional
def transfer_out(point_id: int, actor_id: int, to_point_id: int, lines: list[dict], note: str = "") -> StockTransfer:
    """Send stock to another point: it leaves here now and is in transit until received.

    Raises NotFound, Conflict (a closed point), InvalidInput (the same point), InsufficientPointStock.
    """
    movements.point(point_id)
    if to_point_id == point_id:
        raise InvalidInput(errors={"to_point_id": ["Choose another point."]})
    movements.point(to_point_id)
    variants = movements.variants(l["variant_id"] for l in lines)
    stock = ledger.lock_stock(point_id, variants)
    transfer = StockTransfer(from_point_id=point_id, to_point_id=to_point_id, note=note)
    db.session.add(transfer)
    db.session.flush()
    movement = movements.new_movement(point_id, MovementKind.TRANSFER_OUT, actor_id, transfer_id=transfer.id,
                                      reference=f"TR-{transfer.id}", note=note)
    for allocation, line in movements.take(point_id, lines, stock):
        movement.lines.append(MovementLine(**line))
        transfer.lines.append(TransferLine(variant_id=line["variant_id"], lot_code=allocation.lot.lot_code,
                                           expires_on=allocation.lot.expires_on, quantity_sent=allocation.quantity))
    return transfer


@transactional
def receive_transfer(point_id: int, actor_id: int, transfer_id: int, received: dict[int, int],
                     note: str = "") -> StockTransfer:
    """Receive a transfer at its destination. `received` maps transfer line id →
    quantity counted on arrival (default: as sent); a difference is recorded.

    Raises NotFound (not addressed here), Conflict (already received), InvalidInput.
    """
    transfer = db.session.scalar(sa.select(StockTransfer).where(StockTransfer.id == transfer_id).with_for_update())
    if transfer is None or transfer.to_point_id != point_id:
        raise NotFound("No such transfer for this point.", code="transfer_not_found")
    if transfer.status is not TransferStatus.IN_TRANSIT:
        raise Conflict("This transfer was already received.", code="already_received")
    unknown = [i for i in received if i not in {l.id for l in transfer.lines}]
    too_many = [l.id for l in transfer.lines if received.get(l.id, l.quantity_sent) > l.quantity_sent]
    if unknown or too_many:
        raise InvalidInput(errors={"lines": {str(i): ["Not a line of this transfer." if i in unknown else
                                                       "More than was sent."] for i in unknown + too_many}})
    stock = ledger.lock_stock(point_id, [l.variant_id for l in transfer.lines])
    movement = movements.new_movement(point_id, MovementKind.TRANSFER_IN, actor_id, transfer_id=transfer.id,
                                      reference=f"TR-{transfer.id}", note=note)
    discrepancies = []
    for line in transfer.lines:
        line.quantity_received = received.get(line.id, line.quantity_sent)
        if line.discrepancy:
            discrepancies.append(f"{line.variant.label} lot {line.lot_code}: {line.discrepancy} missing")
        if line.quantity_received:
            lot = ledger.find_or_create_lot(point_id, line.variant_id, line.lot_code, line.expires_on)
            if lot.expires_on != line.expires_on:  # the code is here with another date: keep these units' own date
                own_code = f"{line.lot_code[:48]}/{line.expires_on or 'no-expiry'}"
                lot = ledger.find_or_create_lot(point_id, line.variant_id, own_code, line.expires_on)
            ledger.move(movement, lot, line.quantity_received, stock)
    movement.note = "; ".join(filter(None, [note, *discrepancies]))[:500]
    transfer.status, transfer.received_at = TransferStatus.RECEIVED, utcnow()
    return transfer
