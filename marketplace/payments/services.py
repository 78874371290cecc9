"""Payment use cases: money only. Network calls to Stripe happen outside
transactions; database changes lock the payment row, so concurrent webhooks,
admin actions and expiry jobs touching one payment are applied one at a time.

The payment row is also its order's lock (orders.locks): every change to an
order's parts is made holding it, and decided from what was read once it was
held (marketplace.locking), never from a copy read before.

What a payment's outcome does to its order (confirming parts, cancelling
unpaid ones, refunding a part) is the order's business: this package
publishes it (marketplace.events) and orders, above it, does its part in the
same transaction:

- "payment.succeeded" / "payment.cancelled" (payment, refund_ids): a
  PaymentIntent succeeded or was cancelled. A subscriber appends to
  refund_ids the refunds it recorded, which are sent to Stripe after commit.
- "payment.refunded_at_provider" (payment, amount_vnd): a refund was made in
  Stripe, outside the marketplace; a subscriber records it.
"""

import logging
from datetime import datetime

import sqlalchemy as sa

from marketplace import events
from marketplace.database import transactional, utcnow
from marketplace.extensions import db
from marketplace.locking import lock_one
from marketplace.payments import gateway
from marketplace.payments.models import (IntentOutcome, Payment, PaymentMethod, PaymentStatus, Refund,
                                         RefundTooLarge, StripeEvent)

log = logging.getLogger(__name__)


def open_payment(method: PaymentMethod, amount_vnd: int) -> Payment:
    """A pending payment of `amount_vnd` by `method`, for the caller to attach
    to what it pays for, in the caller's transaction."""
    return Payment(**payment_row(method, amount_vnd))


def payment_row(method: PaymentMethod, amount_vnd: int, now: datetime | None = None) -> dict:
    """The columns of a new pending payment, for a caller that inserts it with
    its own statement (checkout, with the order's id as `order_id`)."""
    now = now or utcnow()
    return dict(method=method, amount_vnd=amount_vnd, status=PaymentStatus.PENDING, refunded_vnd=0,
                stripe_payment_intent_id=None, stripe_client_secret=None, bank_reference="", failure_message="",
                paid_at=None, created_at=now, updated_at=now)


def lock_payment_where(*criteria, options=()) -> Payment | None:
    """Lock the payment row and re-read it (and whatever `options` eager-load)
    as it is now: what this session read of them before the lock is
    overwritten, so a decision never rests on a state another transaction
    changed while this one waited (issue #10, item 4)."""
    return lock_one(sa.select(Payment).where(*criteria).options(*options), of=Payment)


def locked_payment_of_intent(intent_id: str | None) -> Payment | None:
    if not intent_id:  # "IS NULL" would match every payment that has no intent (cash, transfers)
        return None
    return lock_payment_where(Payment.stripe_payment_intent_id == intent_id)


def ensure_card_intent(payment_id: int, order_number: str) -> Payment:
    """Create the Stripe PaymentIntent for a card payment if it has none yet.

    Safe to repeat: the Stripe call carries an idempotency key made from our
    payment id, so a retry gets the same intent back.
    Raises PaymentProviderError when Stripe can't be reached.
    """
    payment = db.session.get(Payment, payment_id)
    if payment.method is not PaymentMethod.CARD or payment.stripe_payment_intent_id \
            or payment.status is not PaymentStatus.PENDING:  # an expired or cancelled order takes no money
        return payment
    amount = payment.amount_vnd
    db.session.commit()  # end the read transaction: nothing is held during the network call
    intent = gateway.create_payment_intent(payment_id=payment_id, order_number=order_number, amount_vnd=amount)
    payment = _store_intent(payment_id, intent)
    if payment.status is not PaymentStatus.PENDING:
        # The order expired or was cancelled while Stripe was creating the intent: close it so it takes no money.
        cancel_intent_quietly(payment)
    return payment


@transactional
def _store_intent(payment_id: int, intent: gateway.Intent) -> Payment:
    payment = lock_payment_where(Payment.id == payment_id)
    payment.stripe_payment_intent_id = intent.id
    payment.stripe_client_secret = intent.client_secret
    return payment


def cancel_intent_quietly(payment: Payment) -> None:
    """Cancel a card payment's open intent at Stripe, if any. A failure is logged,
    not raised: should the shopper still pay, the payment lands on a cancelled
    order, which refunds it in full."""
    if payment.method is not PaymentMethod.CARD or not payment.stripe_payment_intent_id:
        return
    intent_id, payment_id = payment.stripe_payment_intent_id, payment.id
    db.session.commit()
    try:
        gateway.cancel_payment_intent(intent_id, payment_id)
    except gateway.PaymentProviderError:
        log.warning("Could not cancel PaymentIntent %s of payment %s", intent_id, payment_id)


def record_event(event: dict | None) -> None:
    """Insert the event id; a duplicate makes the transaction fail with IntegrityError."""
    if event is not None:
        db.session.add(StripeEvent(id=event["id"], type=event["type"]))
        db.session.flush()


def apply_intent(intent: gateway.Intent, event: dict | None = None) -> list[int]:
    """Bring our payment in line with the PaymentIntent as Stripe reports it now.

    With `event`, its id is recorded in the same transaction, so it is applied
    exactly once. Returns the ids of refunds pushed to Stripe (a payment that
    landed after its order had been cancelled is refunded in full).
    """
    refund_ids = _apply_intent(intent, event)
    for refund_id in refund_ids:
        push_refund(refund_id)
    return refund_ids


@transactional
def _apply_intent(intent: gateway.Intent, event: dict | None) -> list[int]:
    record_event(event)
    payment = locked_payment_of_intent(intent.id)
    if payment is None:
        log.warning("PaymentIntent %s is not one of ours", intent.id)
        return []
    outcome = payment.apply_intent_status(intent.status, intent.last_error, utcnow())
    refund_ids: list[int] = []
    if outcome in (IntentOutcome.SUCCEEDED, IntentOutcome.CANCELLED):
        events.publish(f"payment.{outcome}", payment=payment, refund_ids=refund_ids)
    return refund_ids


def record_refund(payment: Payment, amount: int, reason: str, admin_id: int | None, *,
                  sub_order_id: int | None = None, awaiting_allocation: bool = False) -> Refund:
    """Record money returned to the shopper. Raises RefundTooLarge beyond what is left of the payment."""
    if amount > payment.refundable_vnd:
        raise RefundTooLarge(payment.refundable_vnd)
    refund = Refund(payment=payment, sub_order_id=sub_order_id, amount_vnd=amount, reason=reason,
                    created_by_id=admin_id, awaiting_allocation=awaiting_allocation)
    db.session.add(refund)
    payment.refunded_vnd += amount
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
    """A refund made outside the marketplace (e.g. Stripe's dashboard): what
    Stripe has refunded beyond what we have counted is published for the
    order to record (orders.payment_outcomes); our own refunds are already counted."""
    record_event(event)
    payment = locked_payment_of_intent(intent_id)
    if payment is None or amount_refunded <= payment.refunded_vnd:
        return
    events.publish("payment.refunded_at_provider", payment=payment,
                   amount_vnd=amount_refunded - payment.refunded_vnd)
