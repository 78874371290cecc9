"""Transfers between display points: stock leaves one point at once and is in
transit until the other receives it, with any difference recorded; and what
the two points read about their transfers."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.database import transactional, utcnow
from marketplace.extensions import db
from marketplace.showrooms import movements, stock_ledger
from marketplace.showrooms.models import (DisplayPoint, LinesRefused, MovementKind, MovementLine, NotCarriedThere,
                                          PointStatus, SamePoint, StockMovement, StockTransfer, TransferAlreadyReceived,
                                          TransferLine, TransferNotFound, TransferStatus)
from marketplace.errors import N_


@transactional
def transfer_out(point_id: int, actor_id: int | None, to_point_id: int, lines: list[movements.OutLine],
                 note: str = "", *, only_carried: bool = False) -> StockTransfer:
    """Send stock to another point: it leaves here now and is in transit until received.
    `only_carried`: refuse lines whose producer the receiving point does not carry (it
    could receive them but not sell them until an admin agrees a consignment there).

    Raises PointNotFound, PointNotOpen (either point), SamePoint, UnknownVariants, NotCarriedThere,
    InsufficientPointStock.
    """
    movements.point_open_for_movement(point_id)
    if to_point_id == point_id:
        raise SamePoint()
    movements.point_open_for_movement(to_point_id)
    variants = movements.variants(line.variant_id for line in lines)
    if only_carried:
        carried = movements.consignments(to_point_id)
        not_carried = [i for i, line in enumerate(lines)
                       if variants[line.variant_id].product.producer_id not in carried]
        if not_carried:
            raise NotCarriedThere(not_carried)
    stock = stock_ledger.lock_stock(point_id, variants)
    transfer = StockTransfer(from_point_id=point_id, to_point_id=to_point_id, note=note)
    db.session.add(transfer)
    db.session.flush()
    movement = movements.new_movement(point_id, MovementKind.TRANSFER_OUT, actor_id, transfer_id=transfer.id,
                                      reference=f"TR-{transfer.id}", note=note)
    for taken in movements.take(point_id, lines, stock):
        movement.lines.append(MovementLine(**taken.movement_line()))
        transfer.lines.append(TransferLine(variant_id=taken.lot.variant_id, lot_code=taken.lot.lot_code,
                                           expires_on=taken.lot.expires_on, quantity_sent=taken.quantity))
    return transfer


@transactional
def receive_transfer(point_id: int, actor_id: int, transfer_id: int, received: dict[int, int],
                     note: str = "") -> StockTransfer:
    """Receive a transfer at its destination. `received` maps transfer line id →
    quantity counted on arrival (default: as sent); a difference is recorded.

    Raises TransferNotFound (not addressed here), TransferAlreadyReceived, LinesRefused.
    """
    transfer = db.session.scalar(sa.select(StockTransfer).where(StockTransfer.id == transfer_id).with_for_update())
    if transfer is None or transfer.to_point_id != point_id:
        raise TransferNotFound()
    if transfer.status is not TransferStatus.IN_TRANSIT:
        raise TransferAlreadyReceived()
    unknown = [i for i in received if i not in {l.id for l in transfer.lines}]
    too_many = [l.id for l in transfer.lines if received.get(l.id, l.quantity_sent) > l.quantity_sent]
    if unknown or too_many:
        raise LinesRefused({i: [N_("Not a line of this transfer.") if i in unknown else N_("More than was sent.")]
                            for i in unknown + too_many})
    stock = stock_ledger.lock_stock(point_id, [l.variant_id for l in transfer.lines])
    movement = movements.new_movement(point_id, MovementKind.TRANSFER_IN, actor_id, transfer_id=transfer.id,
                                      reference=f"TR-{transfer.id}", note=note)
    for line in transfer.lines:
        line.quantity_received = received.get(line.id, line.quantity_sent)
        if line.quantity_received:
            lot = stock_ledger.find_or_create_lot(point_id, line.variant_id, line.lot_code, line.expires_on)
            if lot.expires_on != line.expires_on:  # the code is here with another date: keep these units' own date
                own_code = f"{line.lot_code[:48]}/{line.expires_on or 'no-expiry'}"
                lot = stock_ledger.find_or_create_lot(point_id, line.variant_id, own_code, line.expires_on)
            stock_ledger.move(movement, lot, line.quantity_received, stock)
    movement.note = "; ".join(filter(None, [note, *_discrepancies(transfer)]))[:500]
    transfer.status, transfer.received_at = TransferStatus.RECEIVED, utcnow()
    return transfer


def _discrepancies(transfer: StockTransfer) -> list[str]:
    """What the receipt's movement note says of each short line, after the receiver's own note."""
    return [f"{line.variant.label} lot {line.lot_code}: {line.discrepancy} missing"
            for line in transfer.lines if line.discrepancy]


# --- what the two points read -------------------------------------------------------

RECENT_LIMIT = 20


def seen_from(point_id: int, transfer_id: int) -> StockTransfer:
    """A transfer this point sent or is to receive, with its lines. Raises TransferNotFound."""
    transfer = db.session.scalar(sa.select(StockTransfer).where(StockTransfer.id == transfer_id)
                                 .options(selectinload(StockTransfer.lines)))
    if transfer is None or point_id not in (transfer.from_point_id, transfer.to_point_id):
        raise TransferNotFound()
    return transfer


def recent(point_id: int, limit: int = RECENT_LIMIT) -> list[StockTransfer]:
    """The point's latest transfers, newest first: those it sent, and those it has received
    (what is still on its way here is queries.incoming_transfers)."""
    return db.session.scalars(
        sa.select(StockTransfer).options(selectinload(StockTransfer.lines))
        .where(sa.or_(StockTransfer.from_point_id == point_id,
                      sa.and_(StockTransfer.to_point_id == point_id, StockTransfer.status == TransferStatus.RECEIVED)))
        .order_by(StockTransfer.created_at.desc(), StockTransfer.id.desc()).limit(limit)).all()


def destinations(point_id: int) -> list[DisplayPoint]:
    """The points a transfer from here may go to: every open point but this one, by name."""
    return db.session.scalars(sa.select(DisplayPoint).where(
        DisplayPoint.status == PointStatus.ACTIVE, DisplayPoint.id != point_id).order_by(DisplayPoint.name)).all()


def receiver_note(transfer: StockTransfer) -> str:
    """What the receiving point wrote when it received the transfer (its movement's note,
    without the discrepancies the transfer's lines show anyway)."""
    note = db.session.scalar(sa.select(StockMovement.note).where(
        StockMovement.transfer_id == transfer.id, StockMovement.kind == MovementKind.TRANSFER_IN)) or ""
    generated = "; ".join(_discrepancies(transfer))
    if generated and note.endswith(generated):
        return note[:-len(generated)].removesuffix("; ")
    return note
