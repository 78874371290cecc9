"""Checkout: one cart becomes one order, split into one sub-order per producer.

The order is written in one transaction that also takes the stock. Stripe is
called only after that transaction has committed, so no row lock is ever held
across a network call.
"""

import secrets
from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace import idempotency
from marketplace.accounts.models import User
from marketplace.database import transactional, utcnow
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.orders import stock
from marketplace.orders.cart import locked_cart
from marketplace.orders.lifecycle import Actor, SubOrderStatus
from marketplace.orders.models import Cart, Order, OrderLine, PaymentMethod, SubOrder
from marketplace.orders.shipping import shipping_fee_vnd
from marketplace.payouts import commission

# Letters and digits that survive being read aloud or typed into a bank app.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class EmptyCart(Conflict):
    code, message = "empty_cart", "Your cart is empty."


class PricesChanged(Conflict):
    code = "prices_changed"

    def __init__(self, changes: list[dict]):
        super().__init__("Some prices changed since you last saw them. Review your cart and check out again.",
                         errors={"lines": {str(c["variant_id"]): [
                             f"Price changed from {c['was_vnd']} to {c['now_vnd']} đồng."] for c in changes}})
        self.changes = changes


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
    prices count as seen, so checking out again succeeds), InsufficientStock.
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
    cart = locked_cart(user)
    if cart is None or not cart.lines:
        raise EmptyCart()
    _refuse_changed_prices(cart)
    return _place_order(user, cart, body, idempotency_key, digest), True


def _refuse_changed_prices(cart: Cart) -> None:
    # Compare with the prices as they are once the variants are locked: a
    # price changed after this check cannot reach the order unseen.
    stock.lock(line.variant_id for line in cart.lines)
    changes = [{"variant_id": l.variant_id, "was_vnd": l.price_seen_vnd, "now_vnd": l.variant.price_vnd}
               for l in cart.lines if l.variant.price_vnd != l.price_seen_vnd]
    if changes:
        # The 409 shows the shopper the new prices: record them as seen (this
        # commit ends the transaction, and with it the locks), then refuse.
        for line in cart.lines:
            line.price_seen_vnd = line.variant.price_vnd
        db.session.commit()
        raise PricesChanged(changes)


def _place_order(user: User, cart: Cart, body: dict, idempotency_key: str, digest: str) -> Order:
    quantities = {line.variant_id: line.quantity for line in cart.lines}
    variants = stock.reserve(quantities)  # locks the variant rows until commit

    method = body["payment_method"]
    address = body["shipping_address"]
    order = Order(
        number=f"OC{utcnow():%y%m%d}{_random_code(6)}", user_id=user.id, payment_method=method,
        recipient_name=address["recipient_name"], phone=address["phone"],
        province_code=address["province_code"], ward_code=address["ward_code"],
        street_address=address["street_address"], note=body.get("note", ""),
        idempotency_key=idempotency_key, request_fingerprint=digest,
    )
    status = SubOrderStatus.CONFIRMED if method is PaymentMethod.COD else SubOrderStatus.PENDING_PAYMENT
    by_producer = defaultdict(list)
    for variant_id in sorted(quantities):
        by_producer[variants[variant_id].product.producer_id].append(variants[variant_id])
    for producer_id, producer_variants in sorted(by_producer.items()):
        sub_order = _sub_order(producer_id, producer_variants, quantities, status, address["province_code"])
        sub_order.record_creation(Actor.SHOPPER, user.id)
        order.sub_orders.append(sub_order)
    order.items_total_vnd = sum(s.items_total_vnd for s in order.sub_orders)
    order.shipping_total_vnd = sum(s.shipping_fee_vnd for s in order.sub_orders)
    order.total_vnd = order.items_total_vnd + order.shipping_total_vnd
    if method is PaymentMethod.BANK_TRANSFER:
        order.transfer_reference = "OCOP" + _random_code(8)
        order.reserved_until = utcnow() + timedelta(hours=current_app.config["BANK_TRANSFER_RESERVATION_HOURS"])
    elif method is PaymentMethod.CARD:
        order.reserved_until = utcnow() + timedelta(minutes=current_app.config["CARD_RESERVATION_MINUTES"])
    db.session.add(order)
    cart.lines.clear()
    db.session.flush()
    from marketplace.payments.services import open_payment  # payments build on orders, not the reverse

    open_payment(order)
    return order


def _line(variant, quantity: int) -> OrderLine:
    line_total = variant.price_vnd * quantity
    rate = commission.rate_bps(variant.product.producer_id, variant.product.group.value)
    return OrderLine(variant_id=variant.id, product_id=variant.product_id, product_name=variant.product.name,
                     variant_label=variant.label, unit_price_vnd=variant.price_vnd, quantity=quantity,
                     line_total_vnd=line_total, commission_rate_bps=rate,
                     commission_vnd=commission.commission_vnd(line_total, rate))


def _sub_order(producer_id, variants, quantities, status, ship_to_province) -> SubOrder:
    lines = [_line(v, quantities[v.id]) for v in variants]
    items_total = sum(l.line_total_vnd for l in lines)
    fee = shipping_fee_vnd(variants[0].product.producer.province_code, ship_to_province, items_total)
    return SubOrder(producer_id=producer_id, status=status, lines=lines, items_total_vnd=items_total,
                    shipping_fee_vnd=fee, total_vnd=items_total + fee, refunded_vnd=0,
                    commission_vnd=sum(l.commission_vnd for l in lines))
