"""A bank transfer that arrives after its order expired, its stock given back.

Such a transfer is never confirmed by itself: the goods may have been sold to
someone else meanwhile. An admin chooses (marketplace.banking): reserve the
stock again, if it is still there, and the order is paid with that transfer;
or return the money. Reserving again reopens only the parts the expiry
cancelled (a part its producer or the shopper cancelled stays cancelled, and
is refunded as any part cancelled before its money arrived, confirm_paid).
"""

from collections import Counter

import sqlalchemy as sa

from marketplace.catalog.models import Variant
from marketplace.errors import N_, Conflict
from marketplace.extensions import db
from marketplace.orders import stock
from marketplace.orders.lifecycle import Actor, SubOrderStatus
from marketplace.orders.models import Order, SubOrder
from marketplace.orders.payment_outcomes import accept_transfer
from marketplace.payments.models import PaymentStatus

REOPENED = "The transfer arrived after the order expired; an admin reserved the stock again."


class NotExpired(Conflict):
    code, message = "order_not_expired", N_("Only an order that expired unpaid can have its stock reserved again.")


def expired_parts(order: Order) -> list[SubOrder]:
    """The parts the reservation's expiry cancelled: the system moved them
    from pending payment to cancelled, and nothing has happened since."""
    return [s for s in order.sub_orders
            if s.status is SubOrderStatus.CANCELLED and s.history and s.history[-1].actor is Actor.SYSTEM
            and s.history[-1].from_status is SubOrderStatus.PENDING_PAYMENT]


def has_expired(order: Order) -> bool:
    """The order expired unpaid: its payment cancelled, and a part with it."""
    return order.payment.status is PaymentStatus.CANCELLED and bool(expired_parts(order))


def _quantities(parts: list[SubOrder]) -> Counter:
    quantities = Counter()
    for part in parts:
        for line in part.lines:
            quantities[line.variant_id] += line.quantity
    return quantities


def stock_is_there(order: Order) -> bool:
    """Whether the expired parts' goods are in stock now (read without a lock, for
    the admin's page; reserve_again decides under the lock)."""
    quantities = _quantities(expired_parts(order))
    if not quantities:
        return False
    on_hand = dict(db.session.execute(sa.select(Variant.id, Variant.stock_quantity)
                                      .where(Variant.id.in_(sorted(quantities)))).all())
    return all(on_hand.get(variant_id, 0) >= wanted for variant_id, wanted in quantities.items())


def reserve_again(order: Order, bank_reference: str, admin_id: int | None) -> None:
    """Take the expired parts' stock again, reopen them and the payment, and
    accept the transfer for the order's total, under the order's lock (the
    caller's). Raises NotExpired; InsufficientStock, listing each short line,
    before anything is written."""
    parts = expired_parts(order)
    if order.payment.status is not PaymentStatus.CANCELLED or not parts:
        raise NotExpired()
    quantities = _quantities(parts)
    # The variant rows locked in id order after the order's payment row: the
    # order every cancellation and expiry takes them in, so none can deadlock.
    locked = stock.lock(stock.locking(sa.select().select_from(Variant).where(Variant.id.in_(sorted(quantities)))),
                        {})
    stock.reserve(dict(quantities), locked)
    for part in parts:
        part.cancel_reason = ""
        part.move_to(SubOrderStatus.PENDING_PAYMENT, Actor.ADMIN, user_id=admin_id, reason=REOPENED)
    order.payment.reopen()
    accept_transfer(order, order.payment.amount_vnd, bank_reference, Actor.ADMIN, admin_id)
