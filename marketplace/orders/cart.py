"""The shopper's cart: one per account, across producers.

Locking: every write to a cart's lines, and checkout, first locks the cart row
(locked_cart). So a checkout and a change to the same cart run one after the
other, and the cart lock is always taken before any variant row: a cart-line
insert takes a foreign-key share lock on its variant only once it holds its
cart, which a checkout holding that variant can never be waiting for.
"""

import functools
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.catalog.models import Variant
from marketplace.database import transactional, utcnow
from marketplace.orders.errors import BadQuantity, NotInCart, NotOnSale
from marketplace.extensions import db
from marketplace.orders.models import Cart, CartLine

MAX_LINE_QUANTITY = 999


def _cart_of(user: User) -> Cart | None:
    """The user's cart, for reading (see locked_cart for writing)."""
    return db.session.scalar(sa.select(Cart).where(Cart.user_id == user.id))


def locked_cart(user: User, create: bool = False) -> Cart | None:
    """The user's cart with its lines, locked FOR UPDATE until the transaction
    ends, read after the lock (so a checkout that just emptied it is seen).
    With `create`, a cart is made if there is none (a concurrent first add
    for the same user is not an error: the insert ignores the duplicate)."""
    cart = _lock(user)
    if cart is None and create:
        dialect = db.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        db.session.execute(insert(Cart).values(user_id=user.id, updated_at=utcnow()).on_conflict_do_nothing())
        cart = _lock(user)
    return cart


def _lock(user: User) -> Cart | None:
    # Two queries, on purpose: the lines are read by a second statement, after
    # the cart's lock is granted. Joined into the locking statement, they would
    # come from the snapshot taken before the wait (PostgreSQL re-reads only
    # the locked row), and a checkout that waited for another would see the
    # lines that one had just consumed.
    return db.session.scalar(
        sa.select(Cart).where(Cart.user_id == user.id).options(selectinload(Cart.lines))
        .with_for_update(of=Cart)
        .execution_options(populate_existing=True))  # the rows as they are now, not the session's copies


@functools.cache
def _lock_id_statement(*columns) -> sa.Select:
    return sa.select(Cart.id, *columns).where(Cart.user_id == sa.bindparam("user_id")).with_for_update(of=Cart)


def locked_cart_id(user: User, *columns: sa.ColumnElement, **parameters) -> sa.Row | None:
    """Lock the user's cart as locked_cart does, for a caller that reads its
    lines itself, in a statement of its own that starts after the lock is
    granted (checkout, which reads them with their variants). Returns the row
    (id, *columns), the columns (module-level expressions, with their
    `parameters`) read by the same statement, or None if the user has no cart."""
    return db.session.connection().execute(_lock_id_statement(*columns), {"user_id": user.id, **parameters}).first()


@functools.cache
def empty_statement() -> sa.Delete:
    """The DELETE of every line of the cart bound as cart_id (see empty)."""
    return sa.delete(CartLine.__table__).where(CartLine.__table__.c.cart_id == sa.bindparam("cart_id"))


def empty(cart_id: int) -> None:
    """Remove every line of a cart locked by locked_cart_id (checkout), in one DELETE."""
    db.session.connection().execute(empty_statement(), {"cart_id": cart_id})


def lines_of(user: User) -> list[CartLine]:
    cart = _cart_of(user)
    return list(cart.lines) if cart else []


@transactional
def set_line(user: User, variant_id: int, quantity: int) -> CartLine:
    """Put `quantity` units of a variant in the cart (replacing any earlier quantity).

    Raises NotOnSale for a variant that is not on sale, BadQuantity.
    """
    return _put_line(user, variant_id, lambda _held: quantity)


@transactional
def add_line(user: User, variant_id: int, quantity: int) -> CartLine:
    """Add `quantity` units of a variant to those already in the cart (the
    product page's "add to cart"). Raises NotOnSale, BadQuantity (also when
    the sum would pass MAX_LINE_QUANTITY)."""
    return _put_line(user, variant_id, lambda held: held + quantity if 1 <= quantity else quantity)


def _put_line(user: User, variant_id: int, new_quantity) -> CartLine:
    """Set the line to new_quantity(units held now), read under the cart's lock."""
    variant = db.session.get(Variant, variant_id)
    if variant is None or not variant.is_active or not variant.product.is_public():
        raise NotOnSale()
    cart = locked_cart(user, create=True)
    line = next((l for l in cart.lines if l.variant_id == variant_id), None)
    quantity = new_quantity(line.quantity if line else 0)
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise BadQuantity(MAX_LINE_QUANTITY)
    if line is None:
        line = CartLine(variant=variant, quantity=quantity, price_seen_vnd=variant.price_vnd)
        cart.lines.append(line)
    line.quantity = quantity
    line.price_seen_vnd = variant.price_vnd  # the shopper sees this price in the response
    db.session.flush()
    return line


@transactional
def remove_line(user: User, variant_id: int) -> None:
    """Raises NotInCart when the variant is not in the cart."""
    cart = locked_cart(user)
    line = next((l for l in cart.lines if l.variant_id == variant_id), None) if cart else None
    if line is None:
        raise NotInCart()
    cart.lines.remove(line)


@transactional
def clear(user: User) -> None:
    cart = locked_cart(user)
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


def put(user: User, variant_id: int, quantity: int) -> dict:
    """Set a line, then the cart as the shopper now sees it. Raises NotOnSale, BadQuantity."""
    set_line(user, variant_id, quantity)
    return view(user)


def take_out(user: User, variant_id: int) -> dict:
    """Remove a line, then the cart as the shopper now sees it. Raises NotInCart."""
    remove_line(user, variant_id)
    return view(user)
