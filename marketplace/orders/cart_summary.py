"""What the cart and checkout pages show: the cart by producer at today's
prices, each line's stock problem (as a code the page translates), and the
shipping fee of each producer's part to a province, by the same rule checkout
charges (shipping.shipping_fee_vnd).

Reads only; placing the order stays in placement.place_order.
"""

from dataclasses import dataclass, field

from marketplace.accounts.models import User
from marketplace.catalog.models import Variant
from marketplace.extensions import db
from marketplace.orders import addresses, cart
from marketplace.orders.models import SavedAddress
from marketplace.orders.shipping import shipping_fee_vnd
from marketplace.payments.options import checkout_options
from marketplace.regions import divisions

# A line's problem, worst first: the page shows one per line.
NOT_ON_SALE, SOLD_OUT, SHORT = "not_on_sale", "sold_out", "short"


@dataclass(frozen=True)
class LineSummary:
    variant: Variant
    quantity: int
    price_seen_vnd: int

    @property
    def unit_price_vnd(self) -> int:
        return self.variant.price_vnd

    @property
    def line_total_vnd(self) -> int:
        return self.unit_price_vnd * self.quantity

    @property
    def available(self) -> int:
        return self.variant.stock_quantity

    @property
    def problem(self) -> str | None:
        variant = self.variant
        if not variant.is_active or not variant.product.is_public():
            return NOT_ON_SALE
        if variant.stock_quantity <= 0:
            return SOLD_OUT
        if variant.stock_quantity < self.quantity:
            return SHORT
        return None


@dataclass
class ProducerPart:
    producer: object
    lines: list[LineSummary] = field(default_factory=list)
    shipping_fee_vnd: int | None = None  # None while the destination is unknown

    @property
    def items_total_vnd(self) -> int:
        return sum(line.line_total_vnd for line in self.lines)

    @property
    def total_vnd(self) -> int:
        return self.items_total_vnd + (self.shipping_fee_vnd or 0)

    def fees_by_province(self) -> dict[int, int]:
        """The part's shipping fee to each province, for the checkout page to show at once."""
        return {code: shipping_fee_vnd(self.producer.province_code, code, self.items_total_vnd)
                for code in divisions.provinces()}


@dataclass
class CartSummary:
    parts: list[ProducerPart]
    ship_to_province: int | None

    @property
    def is_empty(self) -> bool:
        return not self.parts

    @property
    def has_problems(self) -> bool:
        return any(line.problem for part in self.parts for line in part.lines)

    @property
    def items_total_vnd(self) -> int:
        return sum(part.items_total_vnd for part in self.parts)

    @property
    def shipping_total_vnd(self) -> int | None:
        if self.ship_to_province is None:
            return None
        return sum(part.shipping_fee_vnd for part in self.parts)

    @property
    def total_vnd(self) -> int:
        return self.items_total_vnd + (self.shipping_total_vnd or 0)


@dataclass
class CheckoutView:
    summary: CartSummary
    saved_addresses: list[SavedAddress]
    options: dict


def summarise(user: User, ship_to_province: int | None) -> CartSummary:
    """The cart by producer (in the order the API lists them), with each part's
    shipping fee to `ship_to_province` when it is given."""
    parts = []
    for group in cart.view(user)["groups"]:
        producer = group["producer"]
        part = ProducerPart(producer, [LineSummary(v.line.variant, v.line.quantity, v.line.price_seen_vnd)
                                       for v in group["lines"]])
        if ship_to_province is not None:
            part.shipping_fee_vnd = shipping_fee_vnd(producer.province_code, ship_to_province, part.items_total_vnd)
        parts.append(part)
    return CartSummary(parts, ship_to_province)


def for_cart_page(user: User, ship_to_province: int | None) -> CartSummary:
    """The cart, shipped to the province asked for, else to the shopper's default address, if any."""
    if ship_to_province is None:
        saved = addresses.addresses_of(user)
        ship_to_province = saved[0].province_code if saved else None
    return summarise(user, ship_to_province)


def for_checkout_page(user: User, ship_to_province: int | None, address_choice: str | None) -> CheckoutView:
    """What the checkout form offers: the saved addresses, the payment methods
    on offer now, and the cart shipped to the address chosen: one of the
    shopper's saved ones (by id), a new one in `ship_to_province` ("new"), or,
    before any choice (None), the default saved address."""
    saved = addresses.addresses_of(user)
    if address_choice is None:
        chosen = saved[0] if saved else None
    else:
        chosen = next((a for a in saved if str(a.id) == address_choice), None)
    province = chosen.province_code if chosen else ship_to_province
    return CheckoutView(summarise(user, province), saved, checkout_options())


def price_changes(changes: list[dict]) -> list[dict]:
    """PricesChanged's changes, each with its variant (for the product's name)."""
    return [{**change, "variant": db.session.get(Variant, change["variant_id"])} for change in changes]
