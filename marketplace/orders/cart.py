"""The shopper's cart: one per account, across producers."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.catalog.models import Variant
from marketplace.database import transactional
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.orders.models import Cart, CartLine

MAX_LINE_QUANTITY = 999


def _cart_of(user: User, create: bool = False) -> Cart | None:
    cart = db.session.scalar(sa.select(Cart).where(Cart.user_id == user.id))
    if cart is None and create:
        cart = Cart(user_id=user.id)
        db.session.add(cart)
        db.session.flush()
    return cart


def lines_of(user: User) -> list[CartLine]:
    cart = _cart_of(user)
    return list(cart.lines) if cart else []


@transactional
def set_line(user: User, variant_id: int, quantity: int) -> CartLine:
    """Put `quantity` units of a variant in the cart (replacing any earlier quantity).

    Raises NotFound for a variant that is not on sale.
    """
    variant = db.session.get(Variant, variant_id)
    if variant is None or not variant.is_active or not variant.product.is_public():
        raise NotFound("This item is not on sale.", code="variant_not_found")
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidInput(errors={"quantity": [f"Must be between 1 and {MAX_LINE_QUANTITY}."]})
    cart = _cart_of(user, create=True)
    line = next((l for l in cart.lines if l.variant_id == variant_id), None)
    if line is None:
        line = CartLine(variant=variant, quantity=quantity, price_seen_vnd=variant.price_vnd)
        cart.lines.append(line)
    line.quantity = quantity
    line.price_seen_vnd = variant.price_vnd  # the shopper sees this price in the response
    db.session.flush()
    return line


@transactional
def remove_line(user: User, variant_id: int) -> None:
    """Raises NotFound when the variant is not in the cart."""
    cart = _cart_of(user)
    line = next((l for l in cart.lines if l.variant_id == variant_id), None) if cart else None
    if line is None:
        raise NotFound("This item is not in your cart.", code="cart_line_not_found")
    cart.lines.remove(line)


@transactional
def clear(user: User) -> None:
    cart = _cart_of(user)
    if cart:
        cart.lines.clear()


@dataclass
class LineView:
    line: CartLine
    warnings: list[str] = field(default_factory=list)

    @property
    def unit_price_vnd(self) -> int:
        return self.line.variant.price_vnd

    @property
    def line_total_vnd(self) -> int:
        return self.unit_price_vnd * self.line.quantity


def view(user: User) -> dict:
    """The cart grouped by producer, at today's prices, with availability warnings."""
    groups: dict[int, dict] = {}
    for line in lines_of(user):
        variant = line.variant
        warnings = []
        if not variant.is_active or not variant.product.is_public():
            warnings.append("No longer on sale.")
        elif variant.stock_quantity == 0:
            warnings.append("Out of stock.")
        elif variant.stock_quantity < line.quantity:
            warnings.append(f"Only {variant.stock_quantity} left.")
        if variant.price_vnd != line.price_seen_vnd:
            warnings.append(f"Price changed from {line.price_seen_vnd} to {variant.price_vnd} đồng.")
        producer = variant.product.producer
        group = groups.setdefault(producer.id, {"producer": producer, "lines": [], "items_total_vnd": 0})
        group["lines"].append(LineView(line, warnings))
        group["items_total_vnd"] += variant.price_vnd * line.quantity
    return {"groups": list(groups.values()),
            "items_total_vnd": sum(g["items_total_vnd"] for g in groups.values())}
