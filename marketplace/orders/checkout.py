"""Checkout: one cart becomes one order, split into one sub-order per producer.

The order is written in one transaction that also takes the stock. Stripe is
called only after that transaction has committed, so no row lock is ever held
across a network call.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace import idempotency
from marketplace.accounts.models import User
from marketplace.catalog.models import Variant
from marketplace.clock import vietnam_date
from marketplace.database import transactional, utcnow
from marketplace.errors import N_, Conflict, InvalidInput
from marketplace import events
from marketplace.extensions import db
from marketplace.orders import stock
from marketplace.orders.cart import empty, locked_cart
from marketplace.orders.lifecycle import Actor, SubOrderStatus
from marketplace.orders.models import Cart, Order, OrderLine, PaymentMethod, SavedAddress, StatusChange, SubOrder
from marketplace.orders.shipping import shipping_fee_vnd
from marketplace.payments.services import open_payment
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
# in id order (stock.reserve). The cart is read only once it is locked, so it
# is consumed once: a second checkout of it waits, then finds it empty.

@transactional
def _checkout(user: User, body: dict, idempotency_key: str, digest: str) -> tuple[Order, bool]:
    idempotency.claim("checkout", user.id, idempotency_key)
    existing = find_by_key(user, idempotency_key)
    if existing is not None:
        return idempotency.replay(existing, digest, IdempotencyKeyReused), False
    address = _shipping_address(user, body)
    cart = locked_cart(user)
    if cart is None or not cart.lines:
        raise EmptyCart()
    variants = _refuse_changed_prices(cart)
    return _place_order(user, cart, body, idempotency_key, digest, address, variants), True


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


def _refuse_changed_prices(cart: Cart) -> dict[int, Variant]:
    """Lock the cart's variants (with their products and producers, in one
    query) and return them by id. Compare with the prices as they are once the
    variants are locked: a price changed after this check cannot reach the
    order unseen."""
    variants = stock.lock(line.variant_id for line in cart.lines)
    changes = [{"variant_id": l.variant_id, "was_vnd": l.price_seen_vnd, "now_vnd": variants[l.variant_id].price_vnd}
               for l in cart.lines if variants[l.variant_id].price_vnd != l.price_seen_vnd]
    if changes:
        # The 409 shows the shopper the new prices: record them as seen (this
        # commit ends the transaction, and with it the locks), then refuse.
        for line in cart.lines:
            line.price_seen_vnd = variants[line.variant_id].price_vnd
        db.session.commit()
        raise PricesChanged(changes)
    return variants


def order_number(now) -> str:
    """OC, the date in Vietnam (yymmdd), six random letters and digits."""
    return f"OC{vietnam_date(now):%y%m%d}{_random_code(6)}"


@dataclass(frozen=True)
class PricedLine:
    """A cart line as it is ordered: the locked variant (with its product and
    producer), the units, and the commission rate in force for it."""

    variant: Variant
    quantity: int
    rate_bps: int

    @property
    def line_total_vnd(self) -> int:
        return self.variant.price_vnd * self.quantity

    @property
    def commission_vnd(self) -> int:
        return commission.commission_vnd(self.line_total_vnd, self.rate_bps)

    def order_line_row(self, sub_order_id: int) -> dict:
        """The order line's columns, for one bulk INSERT of every line of the order."""
        variant = self.variant
        return dict(sub_order_id=sub_order_id, variant_id=variant.id, product_id=variant.product_id,
                    product_name=variant.product.name, variant_label=variant.label,
                    unit_price_vnd=variant.price_vnd, quantity=self.quantity, line_total_vnd=self.line_total_vnd,
                    commission_rate_bps=self.rate_bps, commission_vnd=self.commission_vnd)


def _priced_lines(quantities: dict[int, int], variants: dict[int, Variant]) -> list[PricedLine]:
    """In variant id order, with every rate looked up in one query."""
    key = lambda v: (v.product.producer_id, v.product.group.value)  # noqa: E731
    rates = commission.rates_bps(key(v) for v in variants.values())
    return [PricedLine(variants[vid], quantities[vid], rates[key(variants[vid])]) for vid in sorted(quantities)]


def _place_order(user: User, cart: Cart, body: dict, idempotency_key: str, digest: str, address: dict,
                 locked: dict[int, Variant]) -> Order:
    quantities = {line.variant_id: line.quantity for line in cart.lines}
    variants = stock.reserve(quantities, locked)  # the rows stay locked until commit

    now = utcnow()
    method = body["payment_method"]
    order = Order(
        number=order_number(now), user_id=user.id, payment_method=method,
        recipient_name=address["recipient_name"], phone=address["phone"],
        province_code=address["province_code"], ward_code=address["ward_code"],
        street_address=address["street_address"], note=body.get("note", ""),
        idempotency_key=idempotency_key, request_fingerprint=digest,
    )
    status = SubOrderStatus.CONFIRMED if method is PaymentMethod.COD else SubOrderStatus.PENDING_PAYMENT
    by_producer: dict[int, list[PricedLine]] = defaultdict(list)
    for line in _priced_lines(quantities, variants):
        by_producer[line.variant.product.producer_id].append(line)
    parts = [(_sub_order(lines, status, address["province_code"]), lines)
             for _producer_id, lines in sorted(by_producer.items())]
    order.sub_orders.extend(sub_order for sub_order, _lines in parts)
    order.items_total_vnd = sum(s.items_total_vnd for s in order.sub_orders)
    order.shipping_total_vnd = sum(s.shipping_fee_vnd for s in order.sub_orders)
    order.total_vnd = order.items_total_vnd + order.shipping_total_vnd
    if method is PaymentMethod.BANK_TRANSFER:
        order.transfer_reference = "OCOP" + _random_code(8)
        order.reserved_until = now + timedelta(hours=current_app.config["BANK_TRANSFER_RESERVATION_HOURS"])
    elif method is PaymentMethod.CARD:
        order.reserved_until = now + timedelta(minutes=current_app.config["CARD_RESERVATION_MINUTES"])
    db.session.add(order)
    # Attached before the flush, so the new order needs no look-up of a payment it cannot have yet.
    order.payment = open_payment(order.payment_method, order.total_vnd)
    db.session.flush()  # the order, its parts and its payment, for their ids
    # The lines and the parts' first history entries in one bulk INSERT each,
    # not as objects through the unit of work (they are read back, if needed,
    # from the database).
    db.session.execute(sa.insert(OrderLine), [line.order_line_row(sub_order.id)
                                              for sub_order, lines in parts for line in lines])
    db.session.execute(sa.insert(StatusChange), [sub_order.creation_record(Actor.SHOPPER, user.id, now)
                                                 for sub_order, _lines in parts])
    empty(cart)
    events.publish("order.placed", order=order)
    return order


def _sub_order(lines: list[PricedLine], status: SubOrderStatus, ship_to_province: int) -> SubOrder:
    """One producer's part: its lines, their totals and commission, and the shipping fee from the producer's province."""
    producer = lines[0].variant.product.producer
    items_total = sum(l.line_total_vnd for l in lines)
    fee = shipping_fee_vnd(producer.province_code, ship_to_province, items_total)
    return SubOrder(producer_id=producer.id, status=status,
                    items_total_vnd=items_total, shipping_fee_vnd=fee, total_vnd=items_total + fee, refunded_vnd=0,
                    commission_vnd=sum(l.commission_vnd for l in lines))
