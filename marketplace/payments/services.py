"""Payment use cases. Network calls to Stripe happen outside transactions;
database changes lock the payment row, so concurrent webhooks, admin actions
and expiry jobs touching one order are applied one at a time.

The payment row is the order's lock: every change to an order's parts
(status, refunds) is made holding it, and decided from what was read once it
was held (marketplace.locking), never from a copy read before.
"""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace import events
from marketplace.database import transactional, utcnow
from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.locking import lock_one
from marketplace.orders.lifecycle import HOLDS_STOCK, Actor, SubOrderStatus
from marketplace.orders.models import Order, PaymentMethod, SubOrder
from marketplace.orders import stock
from marketplace.payments import gateway
from marketplace.payments.models import Payment, PaymentStatus, Refund, StripeEvent

log = logging.getLogger(__name__)


def open_payment(order: Order) -> Payment:
    """Called inside checkout's transaction."""
    payment = Payment(order=order, method=order.payment_method, amount_vnd=order.total_vnd,
                      status=PaymentStatus.PENDING, refunded_vnd=0)
    db.session.add(payment)
    return payment


def _lock_payment_where(*criteria) -> Payment | None:
    """Lock the payment row and re-read it, its order and the order's parts as
    they are now: whatever this session read of them before the lock is
    overwritten, so a decision never rests on a state another transaction
    changed while this one waited (issue #10, item 4)."""
    return lock_one(sa.select(Payment).where(*criteria)
                    .options(joinedload(Payment.order).selectinload(Order.sub_orders)), of=Payment)


def locked_payment(order_id: int) -> Payment:
    """The order's payment, locked, with its order and parts as committed. Raises NotFound."""
    payment = _lock_payment_where(Payment.order_id == order_id)
    if payment is None:
        raise NotFound("No such order.", code="order_not_found")
    return payment


def locked_payment_of_intent(intent_id: str | None) -> Payment | None:
    if not intent_id:  # "IS NULL" would match every payment that has no intent (cash, transfers)
        return None
    return _lock_payment_where(Payment.stripe_payment_intent_id == intent_id)


def ensure_card_intent(order_id: int) -> Payment:
    """Create the Stripe PaymentIntent for a card order if it has none yet.

    Safe to repeat: the Stripe call carries an idempotency key made from our
    payment id, so a retry gets the same intent back.
    Raises PaymentProviderError when Stripe can't be reached.
    """
    payment = db.session.scalar(sa.select(Payment).where(Payment.order_id == order_id))
    if payment.method is not PaymentMethod.CARD or payment.stripe_payment_intent_id \
            or payment.status is not PaymentStatus.PENDING:  # an expired or cancelled order takes no money
        return payment
    order = payment.order
    db.session.commit()  # end the read transaction: nothing is held during the network call
    intent = gateway.create_payment_intent(payment_id=payment.id, order_number=order.number,
                                           amount_vnd=payment.amount_vnd)
    payment = _store_intent(order_id, intent)
    if payment.status is not PaymentStatus.PENDING:
        # The order expired or was cancelled while Stripe was creating the intent: close it so it takes no money.
        cancel_intent_quietly(payment)
    return payment


def cancel_intent_quietly(payment: Payment) -> None:
    """Cancel a card payment's open intent at Stripe, if any. A failure is logged,
    not raised: should the shopper still pay, the payment lands on a cancelled
    order and is refunded in full (see mark_paid)."""
    if payment.method is not PaymentMethod.CARD or not payment.stripe_payment_intent_id:
        return
    intent_id, payment_id = payment.stripe_payment_intent_id, payment.id
    db.session.commit()
    try:
        gateway.cancel_payment_intent(intent_id, payment_id)
    except gateway.PaymentProviderError:
        log.warning("Could not cancel PaymentIntent %s of payment %s", intent_id, payment_id)


@transactional
def _store_intent(order_id: int, intent: gateway.Intent) -> Payment:
    payment = locked_payment(order_id)
    payment.stripe_payment_intent_id = intent.id
    payment.stripe_client_secret = intent.client_secret
    return payment


def apply_intent(intent: gateway.Intent, event: dict | None = None) -> list[int]:
    """Bring our payment in line with the PaymentIntent as Stripe reports it now.

    With `event`, its id is recorded in the same transaction, so it is applied
    exactly once. Returns refund ids pushed to Stripe (a payment that landed
    after its order had expired is refunded in full).
    """
    refund_ids = _apply_intent(intent, event)
    for refund_id in refund_ids:
        push_refund(refund_id)
    return refund_ids


def record_event(event: dict | None) -> None:
    """Insert the event id; a duplicate makes the transaction fail with IntegrityError."""
    if event is not None:
        db.session.add(StripeEvent(id=event["id"], type=event["type"]))
        db.session.flush()


@transactional
def _apply_intent(intent: gateway.Intent, event: dict | None) -> list[int]:
    record_event(event)
    payment = locked_payment_of_intent(intent.id)
    if payment is None:
        log.warning("PaymentIntent %s is not one of ours", intent.id)
        return []
    if intent.status == "succeeded":
        return mark_paid(payment)
    if intent.status == "canceled" and payment.status is not PaymentStatus.SUCCEEDED:
        payment.status = PaymentStatus.CANCELED
        cancel_unpaid(payment.order, "The card payment was cancelled.")
    elif intent.status == "requires_payment_method" and intent.last_error \
            and payment.status is PaymentStatus.PENDING:
        payment.status, payment.failure_message = PaymentStatus.FAILED, intent.last_error[:500]
    return []


def mark_paid(payment: Payment, bank_reference: str = "", actor: Actor = Actor.SYSTEM,
              user_id: int | None = None) -> list[int]:
    """Record the money as received and confirm the order's waiting parts.

    Returns ids of refunds created for parts that were cancelled before the
    money arrived. Idempotent: a second call changes nothing.
    """
    if payment.status is PaymentStatus.SUCCEEDED:
        return []
    payment.status, payment.paid_at, payment.failure_message = PaymentStatus.SUCCEEDED, utcnow(), ""
    if bank_reference:
        payment.bank_reference = bank_reference
    refunds = []
    if payment.method is not PaymentMethod.COD:  # cash is recorded part by part, at each delivery
        for sub_order in payment.order.sub_orders:
            if sub_order.status in (SubOrderStatus.PENDING_PAYMENT, SubOrderStatus.CANCELLED):
                events.publish("sub_order.paid", sub_order=sub_order)
    for sub_order in payment.order.sub_orders:
        if sub_order.status is SubOrderStatus.PENDING_PAYMENT:
            sub_order.move_to(SubOrderStatus.CONFIRMED, actor, user_id=user_id)
        elif sub_order.status is SubOrderStatus.CANCELLED and sub_order.refundable_vnd \
                and payment.method is not PaymentMethod.COD:  # no cash is taken for a cancelled COD part
            refunds.append(record_refund(payment, sub_order, sub_order.refundable_vnd,
                                          "Paid after the order had been cancelled.", None))
    db.session.flush()
    return [r.id for r in refunds]


def cancel_unpaid(order: Order, reason: str) -> None:
    """Cancel the parts still waiting for payment and give their stock back."""
    for sub_order in order.sub_orders:
        if sub_order.status is SubOrderStatus.PENDING_PAYMENT:
            release_stock(sub_order)
            sub_order.cancel_reason = reason
            sub_order.move_to(SubOrderStatus.CANCELLED, Actor.SYSTEM, reason=reason)


def release_stock(sub_order: SubOrder) -> None:
    if sub_order.status in HOLDS_STOCK:
        stock.release({line.variant_id: line.quantity for line in sub_order.lines})


def record_refund(payment: Payment, sub_order: SubOrder | None, amount: int, reason: str,
                   admin_id: int | None, *, awaiting_allocation: bool = False) -> Refund:
    """Record money returned to the shopper, for a part or (sub_order None) for
    the order as a whole. Raises InvalidInput when the amount exceeds what is left to refund."""
    limit = sub_order.refundable_vnd if sub_order else payment.amount_vnd - payment.refunded_vnd
    if amount > limit:
        raise InvalidInput(f"At most {limit} đồng can still be refunded.",
                           errors={"amount_vnd": [f"At most {limit} đồng can still be refunded."]})
    refund = Refund(payment=payment, sub_order_id=sub_order.id if sub_order else None, amount_vnd=amount,
                    reason=reason, created_by_id=admin_id, awaiting_allocation=awaiting_allocation)
    db.session.add(refund)
    payment.refunded_vnd += amount
    if sub_order:
        sub_order.refunded_vnd += amount
    db.session.flush()
    events.publish("refund.recorded", refund=refund, sub_order=sub_order)
    return refund


def push_refund(refund_id: int) -> Refund:
    """Send a recorded card refund to Stripe (idempotent by our refund id).

    Raises PaymentProviderError; the refund stays pending and can be pushed again.
    """
    refund = db.session.get(Refund, refund_id)
    if refund.stripe_refund_id or refund.payment.method is not PaymentMethod.CARD:
        return refund
    intent_id, amount = refund.payment.stripe_payment_intent_id, refund.amount_vnd
    db.session.commit()
    stripe_id = gateway.refund(intent_id=intent_id, amount_vnd=amount, refund_key=str(refund_id))
    refund = db.session.get(Refund, refund_id)
    refund.stripe_refund_id = stripe_id
    db.session.commit()
    return refund


@transactional
def apply_charge_refunded(intent_id: str, amount_refunded: int, event: dict) -> None:
    """A refund made outside the marketplace (e.g. Stripe's dashboard) is
    recorded against the payment; our own refunds are already counted.

    Stripe refunds the charge, not a producer's part, so the refund goes to
    parts only where whose goods it paid back is unambiguous:
    - one part can take it: it is that part's;
    - it is all that every part still had (the whole charge): each part is refunded in full.
    Otherwise nobody has decided, and no rule can (a partial refund of a
    two-producer order may be for one jar of either): it is recorded for the
    order as awaiting allocation, and the earnings of the order's parts are
    held, neither released nor paid out, until an admin allocates it
    (allocation.allocate_refund). The platform bears it meanwhile.
    """
    record_event(event)
    payment = locked_payment_of_intent(intent_id)
    if payment is None or amount_refunded <= payment.refunded_vnd:
        return
    amount = amount_refunded - payment.refunded_vnd
    reason = "Refunded in Stripe"
    takers = [s for s in payment.order.sub_orders if s.refundable_vnd > 0]
    undecided = any(r.awaiting_allocation for r in payment.refunds)  # then nothing here is unambiguous any more
    if not undecided and len(takers) == 1 and takers[0].refundable_vnd >= amount:
        shares = [(takers[0], amount)]
    elif not undecided and takers and amount == sum(s.refundable_vnd for s in takers):
        shares = [(s, s.refundable_vnd) for s in takers]
    else:
        log.warning("Refund of %s đồng made in Stripe for order %s awaits an admin's allocation; the earnings of "
                    "its parts are held until then", amount, payment.order.number)
        record_refund(payment, None, amount, f"{reason}; awaiting allocation to the parts", None,
                      awaiting_allocation=True)
        return
    for sub_order, share in shares:
        record_refund(payment, sub_order, share, reason, None)
        close_if_fully_refunded(sub_order, Actor.SYSTEM, None, reason)


@transactional
def _refund(order_id: int, sub_order_id: int, amount: int, reason: str, admin_id: int) -> Refund:
    payment = locked_payment(order_id)
    sub_order = next((s for s in payment.order.sub_orders if s.id == sub_order_id), None)
    if sub_order is None:
        raise NotFound("No such sub-order.", code="sub_order_not_found")
    if payment.status is not PaymentStatus.SUCCEEDED and not sub_order.cash_collected_vnd:
        raise Conflict("Nothing has been paid for this order yet.", code="not_paid")
    refund = record_refund(payment, sub_order, amount, reason, admin_id)
    close_if_fully_refunded(sub_order, Actor.ADMIN, admin_id, reason)
    return refund


def close_if_fully_refunded(sub_order: SubOrder, actor: Actor, user_id: int | None, reason: str) -> None:
    if sub_order.refundable_vnd == 0 and sub_order.status is not SubOrderStatus.REFUNDED:
        release_stock(sub_order)
        sub_order.move_to(SubOrderStatus.REFUNDED, actor, user_id=user_id, reason=reason)


def refund(order_id: int, sub_order_id: int, amount: int, reason: str, admin_id: int) -> Refund:
    """Refund part or all of a sub-order; card payments go back through Stripe.

    Raises NotFound, Conflict (nothing paid), InvalidInput (too much), PaymentProviderError.
    """
    recorded = _refund(order_id, sub_order_id, amount, reason, admin_id)
    return push_refund(recorded.id)


@transactional
def confirm_bank_transfer(order_id: int, amount_vnd: int, bank_reference: str, admin_id: int | None = None) -> Payment:
    """An admin saw the transfer arrive. Raises NotFound, Conflict, InvalidInput."""
    payment = locked_payment(order_id)
    if payment.method is not PaymentMethod.BANK_TRANSFER:
        raise Conflict("This order is not paid by bank transfer.", code="not_bank_transfer")
    if payment.status is PaymentStatus.SUCCEEDED:
        raise Conflict("This transfer was already confirmed.", code="already_paid")
    if payment.status is PaymentStatus.CANCELED:
        raise Conflict("The order expired before the transfer was confirmed; return the money to the sender.",
                       code="order_expired")
    if amount_vnd != payment.amount_vnd:
        raise InvalidInput(f"The order total is {payment.amount_vnd} đồng.",
                           errors={"amount_vnd": [f"Must equal the order total, {payment.amount_vnd} đồng."]})
    mark_paid(payment, bank_reference, Actor.ADMIN, admin_id)  # the history names the admin who saw the money
    return payment
