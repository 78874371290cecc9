"""Everything that moves stock at a display point. Each function is one
transaction that writes one movement and keeps the balances in step."""

import functools
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace import events
from marketplace.catalog.models import Product, Variant
from marketplace.clock import today_vn
from marketplace.database import transactional, utcnow
from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.payouts.commission import commission_vnd
from marketplace.showrooms import ledger
from marketplace.showrooms.queries import cash_on_hand
from marketplace.showrooms.models import (AdjustmentReason, CashHandover, Consignment, DisplayPoint, MovementKind,
                                          MovementLine, PointStatus, PointStock, SalePayment, StockMovement,
                                          StockTransfer, TransferLine, TransferStatus)
from search import outbox


class SaleKeyReused(InvalidInput):
    code = "idempotency_key_reused"

    def __init__(self):
        super().__init__("This Idempotency-Key was already used for a different sale.",
                         errors={"Idempotency-Key": ["Already used with a different request body."]},
                         location="headers")


def _point(point_id: int, *, open_only: bool = True) -> DisplayPoint:
    point = db.session.get(DisplayPoint, point_id)
    _check_point(point and point.status, open_only=open_only)
    return point


def _check_point(status: PointStatus | None, *, open_only: bool = True) -> None:
    """Raises NotFound (no such point: status None) or Conflict (not open)."""
    if status is None:
        raise NotFound("No such display point.", code="point_not_found")
    if open_only and status is not PointStatus.ACTIVE:
        raise Conflict("This display point is not open.", code="point_not_active")


def _variants(variant_ids) -> dict[int, Variant]:
    ids = sorted(set(variant_ids))
    variants = {v.id: v for v in db.session.scalars(
        sa.select(Variant).where(Variant.id.in_(ids)).options(joinedload(Variant.product)))}
    missing = [i for i in ids if i not in variants]
    if missing:
        raise InvalidInput("Unknown variants.", errors={"lines": {str(i): ["No such variant."] for i in missing}})
    return variants


def _consignments(point_id: int) -> dict[int, Consignment]:
    return {c.producer_id: c for c in db.session.scalars(
        sa.select(Consignment).where(Consignment.point_id == point_id, Consignment.active.is_(True)))}


def _snapshot(stock: dict[int, ledger.Balance]) -> dict[int, int]:
    return {variant_id: row.on_hand for variant_id, row in stock.items()}


def _shelves_changed(stock: dict[int, ledger.Balance], before: dict[int, int]) -> None:
    """Search shows where a product is on a shelf, so reindex it only when a
    shelf empties or fills, not on every sale."""
    flipped = {row.product_id for variant_id, row in stock.items() if (before[variant_id] > 0) != (row.on_hand > 0)}
    if flipped:
        outbox.product_changed(*flipped)


def _new_movement(point_id: int, kind: MovementKind, actor_id: int, **fields) -> StockMovement:
    # lines=[]: the collection starts loaded, so adding lines after the flush loads nothing.
    movement = StockMovement(point_id=point_id, kind=kind, actor_user_id=actor_id, lines=[], **fields)
    db.session.add(movement)
    db.session.flush()
    return movement


@transactional
def receive(point_id: int, actor_id: int, producer_id: int, delivery_note: str, lines: list[dict],
            note: str = "") -> StockMovement:
    """A delivery from a consigning producer, in lots with their expiry dates.

    Raises NotFound, Conflict (no consignment), InvalidInput (another producer's
    variant, a perishable without expiry, an expired lot, a lot code reused with
    a different expiry).
    """
    _point(point_id)
    if producer_id not in _consignments(point_id):
        raise Conflict("This point does not carry this producer's products.", code="not_consigned")
    variants = _variants(l["variant_id"] for l in lines)
    errors = {}
    for i, line in enumerate(lines):
        variant = variants[line["variant_id"]]
        if variant.product.producer_id != producer_id:
            errors[str(i)] = ["This variant belongs to another producer."]
        elif variant.product.shelf_life_days and line.get("expires_on") is None:
            errors[str(i)] = ["A perishable product needs its expiry date."]
        elif line.get("expires_on") and line["expires_on"] < today_vn():
            errors[str(i)] = ["This lot has already expired."]
    if errors:
        raise InvalidInput("Some lines cannot be received.", errors={"lines": errors})
    stock = ledger.lock_stock(point_id, variants)
    before = _snapshot(stock)
    movement = _new_movement(point_id, MovementKind.RECEIPT, actor_id, reference=delivery_note,
                             producer_id=producer_id, note=note)
    for i, line in enumerate(lines):
        lot = ledger.find_or_create_lot(point_id, line["variant_id"], line["lot_code"], line.get("expires_on"))
        if lot.expires_on != line.get("expires_on"):
            raise InvalidInput(errors={"lines": {str(i): ["This lot code is already here with another expiry date."]}})
        ledger.move(movement, lot, line["quantity"], stock)
    _shelves_changed(stock, before)
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


def _take(point_id: int, lines: list[dict], stock: dict[int, ledger.Balance], *, include_expired=False,
          line_fields=None) -> list[tuple[ledger.Allocation, dict]]:
    """Take each line's quantity from its lots (see _plan), in one update of the
    lots and one of the balances. Returns each allocation with the fields of its
    movement line (`line_fields(line index, quantity)` adds to them), for the caller to record."""
    plan = _plan(point_id, lines, include_expired=include_expired)
    ledger.apply(point_id, [ledger.Change(a.lot.id, a.lot.variant_id, -a.quantity) for _i, a in plan], stock)
    return [(allocation, {"lot_id": allocation.lot.id, "variant_id": allocation.lot.variant_id,
                          "quantity": -allocation.quantity,
                          **(line_fields(i, allocation.quantity) if line_fields else {})})
            for i, allocation in plan]


def _fingerprint(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def sell(point_id: int, actor_id: int, lines: list[dict], payment_method: SalePayment,
         idempotency_key: str, note: str = "") -> tuple[StockMovement, bool]:
    """A sale at the till: first-expiring lots first, never an expired one.
    Returns (sale, created); the same key and body return the first sale.

    Raises SaleKeyReused, NotFound, Conflict (point not open, not consigned),
    InvalidInput (unknown variant), InsufficientPointStock.
    """
    digest = _fingerprint({"lines": lines, "payment_method": payment_method, "note": note})
    try:
        return _sell(point_id, actor_id, lines, payment_method, idempotency_key, digest, note)
    except IntegrityError:
        db.session.rollback()  # the same key raced us and won
        existing = _sale_by_key(point_id, idempotency_key)
        if existing is None:
            raise
        return _replayed(existing, digest), False


def _sale_by_key(point_id: int, key: str) -> StockMovement | None:
    return db.session.scalar(sa.select(StockMovement).where(
        StockMovement.point_id == point_id, StockMovement.idempotency_key == key))


def _replayed(sale: StockMovement, digest: str) -> StockMovement:
    if sale.request_fingerprint != digest:
        raise SaleKeyReused()
    return sale


# A till sale is the hot path (issue #6: p95 ≤ 20 ms on PostgreSQL), so it makes
# few round trips: one reads the point, the Idempotency-Key and (PostgreSQL) the
# new sale's id; one locks the balances and reads with them each variant's
# price, producer and consignment rate; one reads the lots. Then one each for
# the lots' and the balances' conditional updates (see ledger.apply), and one
# insert each for the movement, its lines, the ledger entries and their lines.
# The rules (lock order, conditional decrements, FEFO) are those of every other
# movement.

@transactional
def _sell(point_id, actor_id, lines, payment_method, idempotency_key, digest, note) -> tuple[StockMovement, bool]:
    found = _point_and_key(point_id, idempotency_key)
    if found and found.id is not None:
        return _replayed(db.session.get(StockMovement, found.id), digest), False
    _check_point(found and found.status)
    shelf = _lock_shelf(point_id, lines)
    not_carried = {str(i): ["This point does not carry this producer's products."]
                   for i, l in enumerate(lines) if shelf[l["variant_id"]].commission_rate_bps is None}
    if not_carried:
        raise Conflict("Some items are not on consignment here.", code="not_consigned", errors={"lines": not_carried})
    stock = {v: ledger.Balance(v, row.product_id, row.on_hand) for v, row in shelf.items()}
    before = _snapshot(stock)

    def priced(i, quantity):
        row = shelf[lines[i]["variant_id"]]
        price = lines[i].get("unit_price_vnd") or row.price_vnd
        return {"unit_price_vnd": price, "line_total_vnd": price * quantity, "commission_rate_bps":
                row.commission_rate_bps, "commission_vnd": commission_vnd(price * quantity, row.commission_rate_bps)}

    sale_lines = [line for _allocation, line in _take(point_id, lines, stock, line_fields=priced)]
    movement = _record_sale(found.next_id, point_id, actor_id, payment_method, idempotency_key, digest, note,
                            sale_lines)
    by_producer = defaultdict(lambda: {"total_vnd": 0, "commission_vnd": 0})
    for line in sale_lines:
        share = by_producer[shelf[line["variant_id"]].producer_id]
        share["total_vnd"] += line["line_total_vnd"]
        share["commission_vnd"] += line["commission_vnd"]
    for producer_id, share in sorted(by_producer.items()):
        events.publish("point_sale.recorded", movement=movement, producer_id=producer_id, **share)
    _shelves_changed(stock, before)
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
    """Write the sale and its lines (their fields, as _take gives them)."""
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
        variants = _variants(v for v in ids if v not in shelf)
        rates = {producer_id: c.commission_rate_bps for producer_id, c in _consignments(point_id).items()}
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


@transactional
def return_to_producer(point_id: int, actor_id: int, producer_id: int, reference: str, lines: list[dict],
                       note: str = "") -> StockMovement:
    """Send stock back to its producer (expired lots included). Raises InvalidInput, InsufficientPointStock."""
    _point(point_id, open_only=False)
    variants = _variants(l["variant_id"] for l in lines)
    foreign = {str(i): ["This variant belongs to another producer."] for i, l in enumerate(lines)
               if variants[l["variant_id"]].product.producer_id != producer_id}
    if foreign:
        raise InvalidInput(errors={"lines": foreign})
    stock = ledger.lock_stock(point_id, variants)
    before = _snapshot(stock)
    movement = _new_movement(point_id, MovementKind.RETURN_TO_PRODUCER, actor_id, reference=reference,
                             producer_id=producer_id, note=note)
    movement.lines.extend(MovementLine(**line) for _allocation, line in _take(point_id, lines, stock,
                                                                              include_expired=True))
    _shelves_changed(stock, before)
    return movement


@transactional
def transfer_out(point_id: int, actor_id: int, to_point_id: int, lines: list[dict], note: str = "") -> StockTransfer:
    """Send stock to another point: it leaves here now and is in transit until received.

    Raises NotFound, Conflict (same or closed point), InsufficientPointStock.
    """
    _point(point_id)
    if to_point_id == point_id:
        raise InvalidInput(errors={"to_point_id": ["Choose another point."]})
    _point(to_point_id)
    variants = _variants(l["variant_id"] for l in lines)
    stock = ledger.lock_stock(point_id, variants)
    before = _snapshot(stock)
    transfer = StockTransfer(from_point_id=point_id, to_point_id=to_point_id, note=note)
    db.session.add(transfer)
    db.session.flush()
    movement = _new_movement(point_id, MovementKind.TRANSFER_OUT, actor_id, transfer_id=transfer.id,
                             reference=f"TR-{transfer.id}", note=note)
    for allocation, line in _take(point_id, lines, stock):
        movement.lines.append(MovementLine(**line))
        transfer.lines.append(TransferLine(variant_id=line["variant_id"], lot_code=allocation.lot.lot_code,
                                           expires_on=allocation.lot.expires_on, quantity_sent=allocation.quantity))
    _shelves_changed(stock, before)
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
    before = _snapshot(stock)
    movement = _new_movement(point_id, MovementKind.TRANSFER_IN, actor_id, transfer_id=transfer.id,
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
    _shelves_changed(stock, before)
    return transfer


@transactional
def adjust(point_id: int, actor_id: int, reason: AdjustmentReason, lines: list[dict], note: str = "") -> StockMovement:
    """A count or an adjustment. Each line names a lot and either the units
    counted (the balance is set to it) or a signed change. Damaged, expired and
    lost only ever remove stock.

    Raises InvalidInput, InsufficientPointStock.
    """
    _point(point_id, open_only=False)
    variants = _variants(l["variant_id"] for l in lines)
    stock = ledger.lock_stock(point_id, variants)
    before = _snapshot(stock)
    movement = _new_movement(point_id, MovementKind.ADJUSTMENT, actor_id, reason=reason, note=note)
    for i, line in enumerate(lines):
        lot = ledger.find_lot(point_id, line["variant_id"], line["lot_code"])
        on_hand = lot.on_hand if lot else 0
        change = line["counted"] - on_hand if line.get("counted") is not None else line["change"]
        if reason is not AdjustmentReason.COUNT_CORRECTION and change > 0:
            raise InvalidInput(errors={"lines": {str(i): [f"A {reason} adjustment can only remove stock."]}})
        if lot is None and change < 0:
            raise InvalidInput(errors={"lines": {str(i): {"lot_code": [
                f"This point holds no lot {line['lot_code']} of this variant."]}}})
        if change:  # units found in a lot the point had no record of make that lot
            lot = lot or ledger.find_or_create_lot(point_id, line["variant_id"], line["lot_code"],
                                                   line.get("expires_on"))
            ledger.move(movement, lot, change, stock)
    _shelves_changed(stock, before)
    return movement


@transactional
def hand_over_cash(point_id: int, actor_id: int, amount_vnd: int, reference: str) -> CashHandover:
    """Cash from the till handed to the platform. Raises InvalidInput (more than is held)."""
    _point(point_id, open_only=False)
    db.session.execute(sa.select(DisplayPoint.id).where(DisplayPoint.id == point_id).with_for_update())
    held = cash_on_hand(point_id)
    if amount_vnd > held:
        raise InvalidInput(f"The point holds {held} đồng in cash.",
                           errors={"amount_vnd": [f"At most {held} đồng is held."]})
    handover = CashHandover(point_id=point_id, amount_vnd=amount_vnd, reference=reference, actor_user_id=actor_id)
    db.session.add(handover)
    db.session.flush()
    events.publish("point_cash.handed_over", handover=handover)
    return handover
