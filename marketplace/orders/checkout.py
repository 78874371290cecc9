"""Checkout: one cart becomes one order, split into one sub-order per producer.

The order is written in one transaction that also takes the stock. Stripe is
called only after that transaction has committed, so no row lock is ever held
across a network call.
"""

import enum
import functools
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import make_transient_to_detached

from marketplace import events, idempotency
from marketplace.accounts.models import User
from marketplace.catalog.models import Product, Variant
from marketplace.clock import vietnam_date
from marketplace.database import transactional, utcnow
from marketplace.errors import N_, Conflict, InvalidInput
from marketplace.extensions import db
from marketplace.orders import stock
from marketplace.orders.cart import empty, locked_cart_id
from marketplace.orders.lifecycle import Actor, SubOrderStatus
from marketplace.orders.models import CartLine, Order, OrderLine, PaymentMethod, SavedAddress, StatusChange, SubOrder
from marketplace.payments.models import Payment
from marketplace.orders.shipping import shipping_fee_vnd
from marketplace.payments.services import payment_row
from marketplace.pricing import commission

# Letters and digits that survive being read aloud or typed into a bank app.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class EmptyCart(Conflict):
    code, message = "empty_cart", N_("Your cart is empty.")


class PricesChanged(Conflict):
    code = "prices_changed"

    def __init__(self, changes: list[dict]):
        super().__init__(N_("Some prices changed since you last saw them. Review your cart and check out again."),
                         errors={"lines": {str(c["variant_id"]): [
                             N_("Price changed from {was_vnd} to {now_vnd} đồng.", was_vnd=c["was_vnd"], now_vnd=c["now_vnd"])] for c in changes}})
        self.changes = changes


class NoSuchSavedAddress(InvalidInput):
    code, message = "address_not_found", N_("You have no saved address with this id.")

    def __init__(self):
        super().__init__(errors={"address_id": [N_("Not one of your saved addresses.")]})


class IdempotencyKeyReused(idempotency.KeyReused):
    def __init__(self):
        super().__init__("checkout")


def _random_code(length: int) -> str:
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(length))


def find_by_key(user: User, key: str) -> Order | None:
    return db.session.scalar(sa.select(Order).where(Order.user_id == user.id, Order.idempotency_key == key))


def checkout(user: User, body: dict, idempotency_key: str) -> tuple[Order, bool]:
    """Place the cart as an order. Returns (order, created).

    The same key with the same body returns the first order, even while that
    first request is still running (this one waits for it); with another body
    raises IdempotencyKeyReused. Raises EmptyCart (also to a second checkout of
    a cart that a concurrent one has just placed), PricesChanged (the new
    prices count as seen, so checking out again succeeds), InsufficientStock,
    NoSuchSavedAddress (an address_id that is not one of the shopper's).
    """
    digest = idempotency.fingerprint(body)
    return idempotency.first_or_replay(lambda: _checkout(user, body, idempotency_key, digest),
                                       lambda: find_by_key(user, idempotency_key), digest, IdempotencyKeyReused)


# Lock order, the same in every path that touches a cart or online stock: the
# Idempotency-Key claim, then the cart (see cart.locked_cart), then the variants
# in id order (stock.locking). The cart's lines are read only once it is
# locked, by the statement that locks their variants, so the cart is consumed
# once: a second checkout of it waits, then finds it empty.
#
# The order is written with plain INSERT statements built once (no unit of
# work, no objects to flush): it is read back, when the caller needs it, from
# the database.

@transactional
def _checkout(user: User, body: dict, idempotency_key: str, digest: str) -> tuple[Order, bool]:
    idempotency.claim("checkout", user.id, idempotency_key)
    # The earlier order with this key is looked up by the statement that locks
    # the cart (which starts once the claim is granted, so it sees an order
    # that a request with the same key committed meanwhile). A retry thus
    # waits for the cart's lock too: it is the same shopper's cart.
    cart = locked_cart_id(user, _EARLIER_ORDER, key=idempotency_key)
    earlier = cart.earlier_order_id if cart is not None else \
        db.session.scalar(_EARLIER_ORDER_ID, {"user_id": user.id, "key": idempotency_key})
    if earlier is not None:
        return idempotency.replay(db.session.get(Order, earlier), digest, IdempotencyKeyReused), False
    address = _shipping_address(user, body)
    lines = _locked_lines(cart.id) if cart is not None else []
    if not lines:
        raise EmptyCart()
    _refuse_changed_prices(cart.id, lines)
    return _place_order(user, cart.id, lines, body, idempotency_key, digest, address), True


_EARLIER_ORDER_ID = sa.select(Order.id).where(Order.user_id == sa.bindparam("user_id"),
                                               Order.idempotency_key == sa.bindparam("key"))
_EARLIER_ORDER = _EARLIER_ORDER_ID.scalar_subquery().label("earlier_order_id")


def _shipping_address(user: User, body: dict) -> dict:
    """The address given in the body, or the shopper's saved one it names
    (the schema lets through exactly one of the two). Raises NoSuchSavedAddress
    for an id that is not one of this shopper's addresses."""
    if body.get("address_id") is None:
        return body["shipping_address"]
    saved = db.session.scalar(sa.select(SavedAddress).where(SavedAddress.id == body["address_id"],
                                                            SavedAddress.user_id == user.id))
    if saved is None:
        raise NoSuchSavedAddress()
    return {"recipient_name": saved.recipient_name, "phone": saved.phone, "province_code": saved.province_code,
            "ward_code": saved.ward_code, "street_address": saved.street_address}


@functools.cache
def _lines_statement() -> sa.Select:
    """The cart's lines, each with its variant locked and read (stock.locking)
    and the commission rate in force for it, in one query."""
    rate = commission.rate_in_force(Product.producer_id, Product.group).label("rate_bps")
    return stock.locking(sa.select(CartLine.quantity, CartLine.price_seen_vnd, rate)
                         .select_from(CartLine).join(Variant, Variant.id == CartLine.variant_id)
                         .where(CartLine.cart_id == sa.bindparam("cart_id")))


def _locked_lines(cart_id: int) -> list[sa.Row]:
    """The lines of the locked cart, their variants locked, in variant id order."""
    return list(stock.lock(_lines_statement(), {"cart_id": cart_id}).values())


def _refuse_changed_prices(cart_id: int, lines: list[sa.Row]) -> None:
    """Compare each line's price with its variant's as it is once locked: a
    price changed after this check cannot reach the order unseen."""
    changes = [{"variant_id": l.id, "was_vnd": l.price_seen_vnd, "now_vnd": l.price_vnd}
               for l in lines if l.price_vnd != l.price_seen_vnd]
    if changes:
        # The 409 shows the shopper the new prices: record them as seen (this
        # commit ends the transaction, and with it the locks), then refuse.
        for change in changes:
            db.session.execute(sa.update(CartLine).where(CartLine.cart_id == cart_id,
                                                         CartLine.variant_id == change["variant_id"])
                               .values(price_seen_vnd=change["now_vnd"]).execution_options(synchronize_session=False))
        db.session.commit()
        raise PricesChanged(changes)


def order_number(now) -> str:
    """OC, the date in Vietnam (yymmdd), six random letters and digits."""
    return f"OC{vietnam_date(now):%y%m%d}{_random_code(6)}"


@dataclass(frozen=True)
class PricedLine:
    """A cart line as it is ordered: its locked variant's row (stock.AVAILABILITY
    and the commission rate in force for it, see _lines_statement) and the units."""

    variant: sa.Row

    @property
    def quantity(self) -> int:
        return self.variant.quantity

    @property
    def line_total_vnd(self) -> int:
        return self.variant.price_vnd * self.variant.quantity

    @property
    def commission_vnd(self) -> int:
        return commission.commission_vnd(self.line_total_vnd, self.variant.rate_bps)

    def order_line_row(self) -> dict:
        """The order line's columns but its sub-order's id (LINE_COLUMNS)."""
        variant = self.variant
        return dict(variant_id=variant.id, product_id=variant.product_id,
                    product_name=variant.product_name, variant_label=variant.label,
                    unit_price_vnd=variant.price_vnd, quantity=variant.quantity, line_total_vnd=self.line_total_vnd,
                    commission_rate_bps=variant.rate_bps, commission_vnd=self.commission_vnd)


def _place_order(user: User, cart_id: int, lines: list[sa.Row], body: dict, idempotency_key: str, digest: str,
                 address: dict) -> Order:
    locked = {line.id: line for line in lines}
    stock.reserve({line.id: line.quantity for line in lines}, locked)  # the rows stay locked until commit

    now = utcnow()
    method = body["payment_method"]
    status = SubOrderStatus.CONFIRMED if method is PaymentMethod.COD else SubOrderStatus.PENDING_PAYMENT
    by_producer: dict[int, list[PricedLine]] = defaultdict(list)
    for line in lines:  # in variant id order
        by_producer[line.producer_id].append(PricedLine(line))
    parts = [(_sub_order(priced, status, address["province_code"], now), priced)
             for _producer_id, priced in sorted(by_producer.items())]
    items_total = sum(part["items_total_vnd"] for part, _lines in parts)
    shipping_total = sum(part["shipping_fee_vnd"] for part, _lines in parts)
    order = dict(
        number=order_number(now), user_id=user.id, payment_method=method,
        items_total_vnd=items_total, shipping_total_vnd=shipping_total, total_vnd=items_total + shipping_total,
        recipient_name=address["recipient_name"], phone=address["phone"],
        province_code=address["province_code"], ward_code=address["ward_code"],
        street_address=address["street_address"], note=body.get("note", ""),
        idempotency_key=idempotency_key, request_fingerprint=digest, transfer_reference=None, reserved_until=None,
        created_at=now,
    )
    if method is PaymentMethod.BANK_TRANSFER:
        order["transfer_reference"] = "OCOP" + _random_code(8)
        order["reserved_until"] = now + timedelta(hours=current_app.config["BANK_TRANSFER_RESERVATION_HOURS"])
    elif method is PaymentMethod.CARD:
        order["reserved_until"] = now + timedelta(minutes=current_app.config["CARD_RESERVATION_MINUTES"])

    payment = payment_row(method, order["total_vnd"], now)
    history = dict(from_status=None, to_status=status, actor=Actor.SHOPPER, actor_user_id=user.id, reason="",
                   created_at=now)
    part_lines = [[line.order_line_row() for line in priced] for _part, priced in parts]
    connection = db.session.connection()
    write = _write_in_one_statement if connection.dialect.name == "postgresql" else _write_one_by_one
    order_id = write(connection, cart_id, order, payment, [part for part, _lines in parts], part_lines, history)
    events.publish("order.placed", order_id=order_id)  # its subscribers only enqueue: nothing is read here
    return _persistent(Order, order_id)


# --- writing the order: its row, its payment, its parts, their lines and first
# history entries, and the cart emptied. Two ways, the same rows (a test
# compares them): one statement per table, anywhere; or, on PostgreSQL, one
# statement for all of them (data-modifying WITH queries, the parts and lines
# passed as arrays), which saves five round trips.

def _write_one_by_one(connection, cart_id: int, order: dict, payment: dict, parts: list[dict],
                      part_lines: list[list[dict]], history: dict) -> int:
    statements = _insert_statements()
    order_id = connection.execute(statements["order"], order).scalar_one()
    connection.execute(statements["payment"], {**payment, "order_id": order_id})
    sub_order_ids = connection.execute(statements["sub_order"],
                                       [{**part, "order_id": order_id} for part in parts]).scalars().all()
    connection.execute(statements["line"], [{**line, "sub_order_id": sub_order_id}
                                            for sub_order_id, lines in zip(sub_order_ids, part_lines)
                                            for line in lines])
    connection.execute(statements["history"], [{**history, "sub_order_id": sub_order_id}
                                               for sub_order_id in sub_order_ids])
    empty(cart_id)
    return order_id


@functools.cache
def _insert_statements() -> dict[str, sa.Insert]:
    tables = {"order": Order.__table__, "payment": Payment.__table__, "sub_order": SubOrder.__table__,
              "line": OrderLine.__table__, "history": StatusChange.__table__}
    statements = {name: sa.insert(table) for name, table in tables.items()}
    statements["order"] = statements["order"].returning(Order.__table__.c.id)
    # One INSERT for every part, the ids returned in the order the parts were given.
    statements["sub_order"] = statements["sub_order"].returning(SubOrder.__table__.c.id, sort_by_parameter_order=True)
    return statements


def _write_in_one_statement(connection, cart_id: int, order: dict, payment: dict, parts: list[dict],
                            part_lines: list[list[dict]], history: dict) -> int:
    value = lambda v: v.value if isinstance(v, enum.Enum) else v  # noqa: E731  (text() binds are untyped)
    lines = [{**line, "producer_id": part["producer_id"]} for part, lines in zip(parts, part_lines) for line in lines]
    first = parts[0]  # what every part starts with is the same for all of them (_sub_order)
    parameters = {
        **{column: value(order[column]) for column in ORDER_COLUMNS}, "now": order["created_at"],
        **{f"payment_{column}": value(payment[column]) for column in PAYMENT_COLUMNS},
        **{f"part_{column}": value(first[column]) for column in PART_COLUMNS},
        **{f"parts_{column}": [part[column] for part in parts] for column in PART_ARRAYS},
        **{f"lines_{column}": [line[column] for line in lines] for column in LINE_ARRAYS},
        **{f"history_{column}": value(history[column]) for column in HISTORY_COLUMNS},
        "cart_id": cart_id,
    }
    assert all(part[column] == first[column] for part in parts for column in PART_COLUMNS)
    # The values the statement shares (see its columns' comments).
    assert payment["created_at"] == payment["updated_at"] == history["created_at"] == order["created_at"]
    assert (payment["method"], payment["amount_vnd"]) == (order["payment_method"], order["total_vnd"])
    assert (history["to_status"], history["actor_user_id"]) == (first["status"], order["user_id"])
    return connection.execute(_ONE_STATEMENT, parameters).scalar_one()


ORDER_COLUMNS = ("number", "user_id", "payment_method", "items_total_vnd", "shipping_total_vnd", "total_vnd",
                 "recipient_name", "phone", "province_code", "ward_code", "street_address", "note",
                 "idempotency_key", "request_fingerprint", "transfer_reference", "reserved_until")
PAYMENT_COLUMNS = ("status", "refunded_vnd", "stripe_payment_intent_id", "stripe_client_secret", "bank_reference",
                   "failure_message", "paid_at")  # and its method and amount: the order's
PART_COLUMNS = ("status", "refunded_vnd", "carrier", "tracking_number", "cancel_reason")
PART_ARRAYS = ("producer_id", "items_total_vnd", "shipping_fee_vnd", "total_vnd", "commission_vnd")
LINE_ARRAYS = ("producer_id", "variant_id", "product_id", "product_name", "variant_label", "unit_price_vnd",
               "quantity", "line_total_vnd", "commission_rate_bps", "commission_vnd")
HISTORY_COLUMNS = ("from_status", "actor", "reason")  # and to_status: the parts' status; actor_user_id: the buyer

# Every part of it runs, and its foreign keys are checked at its end, as for
# separate statements. The parts' and lines' ids come from their sequences in
# the order the rows are given (WITH ORDINALITY ... ORDER BY), as one by one.
# Under psycopg's limits for caching a query's parsing (4 kB, 50 parameters).
_ONE_STATEMENT = sa.text(f"""
WITH new_order AS (
  INSERT INTO orders ({", ".join(ORDER_COLUMNS)}, created_at)
  VALUES ({", ".join(f":{c}" for c in ORDER_COLUMNS)}, :now) RETURNING id
), new_payment AS (
  INSERT INTO payments (order_id, method, amount_vnd, {", ".join(PAYMENT_COLUMNS)}, created_at, updated_at)
  SELECT id, :payment_method, :total_vnd, {", ".join(f":payment_{c}" for c in PAYMENT_COLUMNS)}, :now, :now
  FROM new_order
), new_parts AS (
  INSERT INTO sub_orders (order_id, {", ".join(PART_ARRAYS)}, {", ".join(PART_COLUMNS)}, created_at)
  SELECT new_order.id, {", ".join(f"p.{c}" for c in PART_ARRAYS)}, {", ".join(f":part_{c}" for c in PART_COLUMNS)}, :now
  FROM new_order, unnest(CAST(:parts_producer_id AS integer[]), CAST(:parts_items_total_vnd AS bigint[]),
                         CAST(:parts_shipping_fee_vnd AS bigint[]), CAST(:parts_total_vnd AS bigint[]),
                         CAST(:parts_commission_vnd AS bigint[]))
       WITH ORDINALITY AS p({", ".join(PART_ARRAYS)}, position)
  ORDER BY p.position RETURNING id, producer_id
), new_history AS (
  INSERT INTO sub_order_status_changes (sub_order_id, to_status, actor_user_id, {", ".join(HISTORY_COLUMNS)},
                                        created_at)
  SELECT id, :part_status, :user_id, {", ".join(f":history_{c}" for c in HISTORY_COLUMNS)}, :now
  FROM new_parts ORDER BY id
), new_lines AS (
  INSERT INTO order_lines (sub_order_id, {", ".join(LINE_ARRAYS[1:])})
  SELECT new_parts.id, {", ".join(f"l.{c}" for c in LINE_ARRAYS[1:])}
  FROM unnest(CAST(:lines_producer_id AS integer[]), CAST(:lines_variant_id AS integer[]),
              CAST(:lines_product_id AS integer[]), CAST(:lines_product_name AS text[]),
              CAST(:lines_variant_label AS text[]), CAST(:lines_unit_price_vnd AS bigint[]),
              CAST(:lines_quantity AS integer[]), CAST(:lines_line_total_vnd AS bigint[]),
              CAST(:lines_commission_rate_bps AS integer[]), CAST(:lines_commission_vnd AS bigint[]))
       WITH ORDINALITY AS l({", ".join(LINE_ARRAYS)}, position)
  JOIN new_parts ON new_parts.producer_id = l.producer_id
  ORDER BY l.position
), emptied AS (
  DELETE FROM cart_lines WHERE cart_id = :cart_id
)
SELECT id FROM new_order""")


def _persistent(model, id_: int):
    """The row just inserted as an object of the session, without reading it:
    its columns load when first used (after the commit, which would expire
    them anyway)."""
    instance = model(id=id_)
    make_transient_to_detached(instance)
    db.session.add(instance)
    return instance


def _sub_order(lines: list[PricedLine], status: SubOrderStatus, ship_to_province: int, now) -> dict:
    """One producer's part: its lines' totals and commission, and the shipping fee from the producer's province."""
    first = lines[0].variant
    items_total = sum(l.line_total_vnd for l in lines)
    fee = shipping_fee_vnd(first.producer_province_code, ship_to_province, items_total)
    return dict(producer_id=first.producer_id, status=status, items_total_vnd=items_total, shipping_fee_vnd=fee,
                total_vnd=items_total + fee, refunded_vnd=0, commission_vnd=sum(l.commission_vnd for l in lines),
                carrier="", tracking_number="", cancel_reason="", created_at=now)
