"""The shopper's checkout as one use case: place the cart as an order
(checkout.checkout) and open its payment, the card's PaymentIntent included.

Stripe is called only after the order's transaction has committed. If Stripe
fails then, the order stands: its stock stays reserved until reserved_until,
and its payment carries no client secret yet but a retry hint
(POST /api/v1/orders/{id}/payment-intent, which is open_card_payment).
"""

import logging

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.orders import checkout
from marketplace.orders.errors import CardPaymentsUnavailable
from marketplace.orders.fulfilment import order_of, order_with_parts
from marketplace.orders.models import Order
from marketplace.payments import gateway, services as payments
from marketplace.payments.models import PaymentMethod

log = logging.getLogger(__name__)


def place_order(user: User, body: dict, idempotency_key: str) -> tuple[Order, bool]:
    """Returns (order, created). Raises CardPaymentsUnavailable (card chosen
    while Stripe is not configured) and whatever checkout.checkout raises; never
    PaymentProviderError: a card order whose intent Stripe could not create is
    answered with its retry path."""
    if body["payment_method"] is PaymentMethod.CARD and not gateway.card_payments_enabled():
        raise CardPaymentsUnavailable()
    user_id = user.id  # read now: the commit expires the user, and the answer needs no more of it
    order, created = checkout.checkout(user, body, idempotency_key)
    if body["payment_method"] is not PaymentMethod.CARD:  # (a replay's order has the same method: same body)
        # Its id is known without reading it back; it is then read once, with all that the answer shows.
        return order_with_parts(user_id, sa.inspect(order).identity[0]), created
    try:
        return open_card_payment(user, order.id), created
    except gateway.PaymentProviderError:
        log.warning("Order %s placed, but Stripe could not create its PaymentIntent; the shopper can retry",
                    order.id)
        return order_of(user, order.id), created


def open_card_payment(user: User, order_id: int) -> Order:
    """Get (or create, if checkout could not reach Stripe) the card payment of
    the shopper's order. Returns the order. Raises OrderNotFound, PaymentProviderError."""
    order = order_of(user, order_id)
    payments.ensure_card_intent(order.payment.id, order.number)
    return order_of(user, order_id)
