"""An order's lock is its payment's row (payments sit below orders, and every
change to an order, its parts or its money takes that one lock)."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from marketplace.extensions import db
from marketplace.orders.errors import OrderNotFound
from marketplace.orders.models import Order
from marketplace.payments.models import Payment
from marketplace.payments.services import lock_payment_where


def locked_order(order_id: int) -> Order:
    """The order, its payment row locked and its parts read once locked, so a
    change is serialised with webhooks, jobs and admin actions on the order
    and decided from their outcome. Raises OrderNotFound."""
    payment = lock_payment_where(Payment.order_id == order_id,
                                 options=[joinedload(Payment.order).selectinload(Order.sub_orders)])
    if payment is None:
        raise OrderNotFound()
    return payment.order


def reread_order(order_id: int) -> Order:
    """The order and its parts as committed now, for a caller that already
    holds its payment's lock (a subscriber to a payment event)."""
    return db.session.scalar(sa.select(Order).where(Order.id == order_id).options(selectinload(Order.sub_orders))
                             .execution_options(populate_existing=True))
