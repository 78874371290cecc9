"""The till: a sale at a display point, its Idempotency-Key (the same key and
body return the first sale), and the few round trips that keep it fast."""

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa

from marketplace import events, idempotency
from marketplace.catalog.models import Product, Variant
from marketplace.database import transactional
from marketplace.errors import N_, InvalidInput
from marketplace.extensions import db
from marketplace.pricing.commission import commission_vnd
from marketplace.showrooms import movements, price_override, stock_ledger
from marketplace.showrooms.models import (Consignment, DisplayPoint, MovementKind, MovementLine, NotConsigned,
                                          OverrideReason, PointStock, SalePayment, StockMovement)


class SaleKeyReused(idempotency.KeyReused):
    def __init__(self):
        super().__init__("sale")


class TenderedTooLittle(InvalidInput):
    message = N_("The cash tendered is less than the sale's total.")  # code: validation_error

    def __init__(self, total_vnd: int):
        super().__init__(errors={"cash_tendered_vnd": [N_("At least the total, {total_vnd} đồng.",
                                                          total_vnd=total_vnd)]})


class TenderedNotCash(InvalidInput):
    message = N_("Only a cash sale has an amount tendered.")  # code: validation_error

    def __init__(self):
        super().__init__(errors={"cash_tendered_vnd": [self.message]})


@dataclass(frozen=True)
class SaleLine:
    """Units of one variant rung up, at the listing price or an override (a discount, with its reason)."""

    variant_id: int
    quantity: int
    unit_price_vnd: int | None = None  # None: the variant's listing price
    override_reason: OverrideReason | None = None
    override_note: str = ""

    # A till sale always takes first-expiring first (movements.OutLine's lot_code).
    lot_code = None


@dataclass(frozen=True)
class Sale:
    """What the till is asked to ring up."""

    lines: tuple[SaleLine, ...]
    payment_method: SalePayment
    note: str = ""
    # A lead operator's credentials approving a discount above the point's limit (not part of the body's digest).
    approval: price_override.Approval | None = field(default=None, repr=False)
    # Cash the customer handed over (a cash sale only; at least the total), for the change on the receipt.
    cash_tendered_vnd: int | None = None

    def fingerprint(self) -> str:
        """The digest of the request body (see idempotency.fingerprint), to tell a retry from a reuse of its key."""
        body = {"lines": [_line_body(line) for line in self.lines], "payment_method": self.payment_method,
                "note": self.note}
        if self.cash_tendered_vnd is not None:  # only when given, as a sale was fingerprinted before it existed
            body["cash_tendered_vnd"] = self.cash_tendered_vnd
        return idempotency.fingerprint(body)

    def check_tendered(self, total_vnd: int) -> None:
        """Raises TenderedNotCash, TenderedTooLittle."""
        if self.cash_tendered_vnd is None:
            return
        if self.payment_method is not SalePayment.CASH:
            raise TenderedNotCash()
        if self.cash_tendered_vnd < total_vnd:
            raise TenderedTooLittle(total_vnd)


def _line_body(line: SaleLine) -> dict:
    body = asdict(line)
    if line.override_reason is None and not line.override_note:  # as a line was fingerprinted before overrides
        del body["override_reason"], body["override_note"]
    return body


def sell(point_id: int, actor_id: int | None, sale: Sale, idempotency_key: str,
         client_address: str = "") -> tuple[StockMovement, bool]:
    """A sale at the till: first-expiring lots first, never an expired one; a changed
    price needs a reason, and above the point's limit a lead operator's approval.
    Returns (sale, created); the same key and body return the first sale, even
    while that first request is still running (this one waits for it).

    Raises SaleKeyReused, PointNotFound, PointNotOpen, NotConsigned, UnknownVariants, InsufficientPointStock,
    OverridesRefused, OverrideApprovalNeeded, ApproverNotLead, ApprovalRefused, LoginThrottled,
    TenderedNotCash, TenderedTooLittle.
    """
    approver_id = sale.approval and price_override.approver_id(sale.approval, client_address)
    digest = sale.fingerprint()
    return idempotency.first_or_replay(lambda: _sell(point_id, actor_id, approver_id, sale, idempotency_key, digest),
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
# updates (see stock_ledger.apply), and one insert each for the movement, its lines,
# the ledger entries and their lines. The rules (lock order, conditional
# decrements, FEFO) are those of every other movement.

@transactional
def _sell(point_id: int, actor_id: int | None, approver_id: int | None, sale: Sale, idempotency_key: str,
          digest: str) -> tuple[StockMovement, bool]:
    idempotency.claim("sale", point_id, idempotency_key)
    found = _point_and_key(point_id, idempotency_key)
    if found and found.id is not None:
        return idempotency.replay(db.session.get(StockMovement, found.id), digest, SaleKeyReused), False
    movements.refuse_unless_open(found and found.status)
    shelf = _lock_shelf(point_id, sale.lines)
    not_carried = [i for i, line in enumerate(sale.lines) if shelf[line.variant_id].commission_rate_bps is None]
    if not_carried:
        raise NotConsigned(not_carried)
    approved_by = price_override.check(point_id, actor_id, sale.lines, approver_id,
                                       {v: row.price_vnd for v, row in shelf.items()}, found.max_discount_bps)
    sale.check_tendered(sum(line.quantity * (shelf[line.variant_id].price_vnd if line.unit_price_vnd is None
                                             else line.unit_price_vnd) for line in sale.lines))
    stock = {v: stock_ledger.Balance(v, row.product_id, row.on_hand) for v, row in shelf.items()}
    sold = [_priced(taken, sale.lines[taken.line], shelf[taken.lot.variant_id])
            for taken in movements.take(point_id, sale.lines, stock)]
    movement = _record_sale(found.next_id, point_id, actor_id, approved_by, sale, idempotency_key, digest, sold)
    by_producer = defaultdict(lambda: {"total_vnd": 0, "commission_vnd": 0})
    for line in sold:
        share = by_producer[line.producer_id]
        share["total_vnd"] += line.line_total_vnd
        share["commission_vnd"] += line.commission_vnd
    for producer_id, share in sorted(by_producer.items()):
        events.publish("point_sale.recorded", movement=movement, producer_id=producer_id, **share)
    events.publish("point_sale.completed", movement=movement)  # once per sale, whatever it took
    return movement, True


@dataclass(frozen=True)
class _Sold:
    """What one sale line took from one lot, priced: a MovementLine to write."""

    taken: movements.Taken
    producer_id: int
    unit_price_vnd: int
    commission_rate_bps: int
    line: SaleLine
    listing_price_vnd: int

    @property
    def line_total_vnd(self) -> int:
        return self.unit_price_vnd * self.taken.quantity

    @property
    def commission_vnd(self) -> int:
        return commission_vnd(self.line_total_vnd, self.commission_rate_bps)

    def row(self, movement_id: int) -> dict:
        return {"movement_id": movement_id, **self.taken.movement_line(
            unit_price_vnd=self.unit_price_vnd, line_total_vnd=self.line_total_vnd,
            commission_rate_bps=self.commission_rate_bps, commission_vnd=self.commission_vnd,
            **self._override())}

    def _override(self) -> dict:
        changed = self.unit_price_vnd != self.listing_price_vnd
        return {"listing_price_vnd": self.listing_price_vnd if changed else None,
                "override_reason": self.line.override_reason if changed else None,
                "override_note": self.line.override_note if changed else ""}


def _priced(taken: movements.Taken, line: SaleLine, shelf_row) -> _Sold:
    price = shelf_row.price_vnd if line.unit_price_vnd is None else line.unit_price_vnd
    return _Sold(taken, shelf_row.producer_id, price, shelf_row.commission_rate_bps, line, shelf_row.price_vnd)


def _point_and_key(point_id: int, idempotency_key: str):
    """The point's status (None: no such point), the sale already made with this
    key if any (id, fingerprint), and next_id: on PostgreSQL, an id drawn for the
    new sale (unused if it is not made), so its POS reference goes in with its
    insert; None on SQLite, where the insert gives the id."""
    stmt = _point_and_key_statement(db.session.get_bind().dialect.name)
    return db.session.execute(stmt, {"point_id": point_id, "key": idempotency_key}).first()


# Built once (see stock_ledger._LOTS_WITH_STOCK).
@functools.cache
def _point_and_key_statement(dialect: str):
    next_id = (sa.func.nextval(sa.func.pg_get_serial_sequence(StockMovement.__tablename__, "id"))
               if dialect == "postgresql" else sa.null())
    key = sa.and_(StockMovement.point_id == DisplayPoint.id, StockMovement.idempotency_key == sa.bindparam("key"))
    return (sa.select(DisplayPoint.status, DisplayPoint.max_discount_bps, StockMovement.id,
                      StockMovement.request_fingerprint, next_id.label("next_id"))
            .outerjoin(StockMovement, key).where(DisplayPoint.id == sa.bindparam("point_id")))


def _record_sale(sale_id: int | None, point_id: int, actor_id: int | None, approved_by: int | None, sale: Sale,
                 idempotency_key: str, digest: str, sold: list[_Sold]) -> StockMovement:
    """Write the sale and its lines (the approver goes in with the insert: set after it, it was an UPDATE more)."""
    movement = StockMovement(id=sale_id, point_id=point_id, kind=MovementKind.SALE, actor_user_id=actor_id,
                             approved_by_user_id=approved_by,
                             payment_method=sale.payment_method, idempotency_key=idempotency_key,
                             request_fingerprint=digest, note=sale.note, cash_tendered_vnd=sale.cash_tendered_vnd,
                             total_vnd=sum(line.line_total_vnd for line in sold))
    db.session.add(movement)
    if movement.id is None:
        db.session.flush()
    movement.reference = f"POS-{point_id}-{movement.id}"
    db.session.flush()  # before its lines and ledger entries, which refer to it
    # The lines go in as one plain insert, not through the unit of work, which
    # would only add cost: movement.lines loads them from the database when read.
    db.session.execute(sa.insert(MovementLine), [line.row(movement.id) for line in sold])
    return movement


_SHELF = (  # built once (see stock_ledger._LOTS_WITH_STOCK)
    sa.select(PointStock.variant_id, PointStock.on_hand, Variant.product_id, Variant.price_vnd, Product.producer_id,
              Consignment.commission_rate_bps)
    .join(Variant, Variant.id == PointStock.variant_id).join(Product, Product.id == Variant.product_id)
    .outerjoin(Consignment, sa.and_(Consignment.point_id == PointStock.point_id,
                                    Consignment.producer_id == Product.producer_id, Consignment.active.is_(True)))
    .where(PointStock.point_id == sa.bindparam("point_id"),
           PointStock.variant_id.in_(sa.bindparam("variant_ids", expanding=True)))
    .order_by(PointStock.variant_id).with_for_update(of=PointStock))


def _lock_shelf(point_id: int, lines: Sequence[SaleLine]) -> dict:
    """Lock the point's balances of the sold variants (in variant-id order, as
    lock_stock does), reading with them each variant's listing price, product,
    producer and the point's active consignment rate (None: not consigned).

    Raises UnknownVariants.
    """
    ids = sorted({line.variant_id for line in lines})
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

