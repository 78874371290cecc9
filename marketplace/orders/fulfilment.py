"""What happens to an order after checkout: fulfilment by each producer,
cancellation, delivery and cash on delivery, and expiry of unpaid reservations."""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from marketplace import events
from marketplace.accounts.models import User
from marketplace.database import transactional, utcnow
from marketplace.extensions import db
from marketplace.orders.errors import CashNotRecorded, CashOnlyOnDelivery, NotCancellable, OrderNotFound, \
    SubOrderNotFound
from marketplace.orders.lifecycle import BEFORE_SHIPPING, Actor, SubOrderStatus, allows
from marketplace.orders.locks import locked_order
from marketplace.orders.models import Order, PaymentMethod, SubOrder
from marketplace.orders.payment_outcomes import cancel_unpaid, record_refund, release_stock, settle_payment
from marketplace.payments import gateway, services as payments
from marketplace.payments.models import Payment, PaymentStatus

log = logging.getLogger(__name__)


def order_of(user: User, order_id: int) -> Order:
    """A shopper's own order. Raises OrderNotFound for anyone else's."""
    order = db.session.get(Order, order_id)
    if order is None or order.user_id != user.id:
        raise OrderNotFound()
    return order


def order_with_parts(user_id: int, order_id: int) -> Order:
    """A shopper's own order with its payment, parts, their lines and history,
    read in four queries (an answer that shows all of them would otherwise read
    each part's lines and history one part at a time). Raises OrderNotFound."""
    order = db.session.scalar(
        sa.select(Order).where(Order.id == order_id, Order.user_id == user_id)
        .options(joinedload(Order.payment), selectinload(Order.sub_orders).selectinload(SubOrder.lines),
                 selectinload(Order.sub_orders).selectinload(SubOrder.history)))
    if order is None:
        raise OrderNotFound()
    return order


def any_order(order_id: int) -> Order:
    """Any order, for an admin. Raises OrderNotFound."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise OrderNotFound()
    return order


def sub_order_of(producer_id: int, sub_order_id: int) -> SubOrder:
    """A producer's own part of an order. Raises SubOrderNotFound for anyone else's."""
    sub_order = db.session.get(SubOrder, sub_order_id)
    if sub_order is None or sub_order.producer_id != producer_id:
        raise SubOrderNotFound()
    return sub_order


def _locked_sub_order(producer_id: int, sub_order_id: int) -> SubOrder:
    """A producer's part, read under its order's lock. Raises SubOrderNotFound for anyone else's."""
    order_id = db.session.scalar(sa.select(SubOrder.order_id).where(SubOrder.id == sub_order_id))
    if order_id is None:
        raise SubOrderNotFound()
    sub_order = next(s for s in locked_order(order_id).sub_orders if s.id == sub_order_id)
    if sub_order.producer_id != producer_id:
        raise SubOrderNotFound()
    return sub_order


def _locked_order_of(user: User, order_id: int) -> Order:
    """A shopper's own order, read under its lock. Raises OrderNotFound for anyone else's."""
    order = locked_order(order_id)
    if order.user_id != user.id:
        raise OrderNotFound()
    return order


def _after_cancelling(order: Order, refund_ids: list[int]) -> None:
    """After commit: send the refunds to Stripe, and close a cancelled card payment's intent."""
    for refund_id in refund_ids:
        payments.push_refund(refund_id)
    if order.payment.status is PaymentStatus.CANCELLED:
        payments.cancel_intent_quietly(order.payment)


# --- producer ------------------------------------------------------------------

@transactional
def pack(producer_id: int, sub_order_id: int, user_id: int) -> SubOrder:
    sub_order = _locked_sub_order(producer_id, sub_order_id)
    sub_order.move_to(SubOrderStatus.PACKED, Actor.PRODUCER, user_id=user_id)
    return sub_order


@transactional
def ship(producer_id: int, sub_order_id: int, user_id: int, carrier: str, tracking_number: str) -> SubOrder:
    sub_order = _locked_sub_order(producer_id, sub_order_id)
    sub_order.carrier, sub_order.tracking_number = carrier, tracking_number  # first: the move's event tells them
    sub_order.move_to(SubOrderStatus.SHIPPED, Actor.PRODUCER, user_id=user_id)
    return sub_order


@transactional
def deliver(producer_id: int, sub_order_id: int, user_id: int, cash_collected_vnd: int | None) -> SubOrder:
    """Mark a shipped part delivered. For cash on delivery, the cash collected
    must be recorded with it, and must be the part's total; the payment is then
    paid once every live part's cash is in (payment_outcomes.settle_payment).

    Raises SubOrderNotFound, IllegalTransition, CashNotRecorded, CashOnlyOnDelivery.
    """
    sub_order = _locked_sub_order(producer_id, sub_order_id)
    payment = sub_order.order.payment
    if payment.method is PaymentMethod.COD:
        if cash_collected_vnd != sub_order.total_vnd:
            raise CashNotRecorded(sub_order.total_vnd)
        sub_order.cash_collected_vnd, sub_order.cash_collected_at = cash_collected_vnd, utcnow()
        events.publish("sub_order.cash_collected", sub_order=sub_order)
    elif cash_collected_vnd is not None:
        raise CashOnlyOnDelivery()
    sub_order.move_to(SubOrderStatus.DELIVERED, Actor.PRODUCER, user_id=user_id)
    settle_payment(sub_order.order)
    return sub_order


def cancel_by_producer(producer_id: int, sub_order_id: int, user_id: int, reason: str) -> SubOrder:
    """Raises SubOrderNotFound, IllegalTransition, PaymentProviderError (the
    cancellation stands; the refund can be retried)."""
    sub_order, refund_ids = _cancel_by_producer(producer_id, sub_order_id, user_id, reason)
    _after_cancelling(sub_order.order, refund_ids)
    return sub_order


@transactional
def _cancel_by_producer(producer_id, sub_order_id, user_id, reason):
    sub_order = _locked_sub_order(producer_id, sub_order_id)
    refund_ids = _cancel(sub_order, Actor.PRODUCER, user_id, reason)
    settle_payment(sub_order.order)
    return sub_order, refund_ids


def _cancel(sub_order: SubOrder, actor: Actor, user_id: int | None, reason: str) -> list[int]:
    """Cancel one part, return its stock, and refund what was paid for it (ids returned)."""
    release_stock(sub_order)
    sub_order.move_to(SubOrderStatus.CANCELLED, actor, user_id=user_id, reason=reason)
    sub_order.cancel_reason = reason
    payment = sub_order.order.payment
    if payment.status is PaymentStatus.SUCCEEDED and sub_order.refundable_vnd:
        refund = record_refund(payment, sub_order, sub_order.refundable_vnd, reason or "Cancelled", None)
        return [refund.id]
    return []


# --- shopper -------------------------------------------------------------------

def cancellable_by_shopper(order: Order) -> list[SubOrder]:
    """The parts a shopper's cancellation would cancel: those not yet shipped."""
    return [s for s in order.sub_orders if s.status in BEFORE_SHIPPING]


def may_confirm_received(sub_order: SubOrder) -> bool:
    """Whether the shopper may confirm this part received (it is delivered)."""
    return allows(sub_order.status, SubOrderStatus.COMPLETED, Actor.SHOPPER)


def cancel_by_shopper(user: User, order_id: int, reason: str) -> Order:
    """Cancel every part not yet shipped. Raises OrderNotFound, NotCancellable, PaymentProviderError."""
    order, refund_ids = _cancel_by_shopper(user, order_id, reason)
    _after_cancelling(order, refund_ids)
    return order


@transactional
def _cancel_by_shopper(user: User, order_id: int, reason: str):
    order = _locked_order_of(user, order_id)
    cancellable = cancellable_by_shopper(order)
    if not cancellable:
        raise NotCancellable()
    refund_ids = []
    for sub_order in cancellable:
        refund_ids += _cancel(sub_order, Actor.SHOPPER, user.id, reason)
    settle_payment(order)
    return order, refund_ids


@transactional
def confirm_received(user: User, order_id: int, sub_order_id: int) -> Order:
    """The shopper confirms a delivered part: it is completed. Returns the order.
    Under the order's lock, like every other change to its parts: an admin's
    refund of the same part is either seen here (and the part can't be
    completed) or waits. Raises OrderNotFound, SubOrderNotFound, IllegalTransition."""
    order = _locked_order_of(user, order_id)
    sub_order = next((s for s in order.sub_orders if s.id == sub_order_id), None)
    if sub_order is None:
        raise SubOrderNotFound()
    sub_order.move_to(SubOrderStatus.COMPLETED, Actor.SHOPPER, user_id=user.id)
    return order


# --- expiry ----------------------------------------------------------------------

def expire_reservations(now=None) -> int:
    """Cancel unpaid card and bank-transfer orders whose reservation has run
    out, returning their stock. A card payment that turns out to have
    succeeded meanwhile confirms the order instead. Returns how many expired."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Order.id).join(Payment).where(Order.reserved_until < now,
                                                Payment.status.in_([PaymentStatus.PENDING, PaymentStatus.FAILED]))
    ).all()
    db.session.commit()
    expired = 0
    for order_id in due:
        try:
            expired += _expire_one(order_id)
        except gateway.PaymentProviderError:
            # Stripe is unreachable for this order: leave it for the next run, carry on with the rest.
            db.session.rollback()
            log.warning("Order %s not expired: Stripe could not be reached", order_id)
    return expired


def _expire_one(order_id: int) -> int:
    # Only the ids are read here, without a lock: whether to expire is decided
    # in _expire, from the payment as it is once locked. (Reading the payment
    # here and then locking it let the job cancel a transfer an admin had
    # confirmed in between: the lock returned the session's stale copy.)
    payment_id, intent_id = db.session.execute(
        sa.select(Payment.id, Payment.stripe_payment_intent_id).where(Payment.order_id == order_id)).one()
    db.session.commit()
    if intent_id:
        try:  # outside any transaction: a network call
            intent = gateway.cancel_payment_intent(intent_id, payment_id)
        except gateway.PaymentProviderError:
            intent = gateway.retrieve_payment_intent(intent_id)
        if intent.status != "cancelled":
            payments.apply_intent(intent)  # it was paid meanwhile: confirm rather than expire
            return 0
    return _expire(order_id)


@transactional
def _expire(order_id: int) -> int:
    order = locked_order(order_id)  # a transfer confirmed or a card paid meanwhile is seen here
    if not order.payment.is_open:
        return 0
    order.payment.cancel()
    cancel_unpaid(order, "Payment was not received in time.")
    return 1
