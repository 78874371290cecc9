"""An admin refunds a part, or allocates to the parts a refund made in Stripe.

Allocation: such a refund, when no part could take it unambiguously, was
recorded for the order as awaiting allocation (payment_outcomes), the platform
bearing it, and the earnings of the order's parts held. The admin says how
much of it each part's goods account for; whatever is left stays with the
platform, now by decision. Each share is a refund of that part (no money
moves: Stripe has already paid the shopper back), which the ledger takes
from the producer as any refund of theirs. Then the hold is lifted.
"""

from marketplace import audit, events
from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.orders.errors import (NotPaid, RefundNotAwaitingAllocation, RefundNotFound, SharesDoNotFit,
                                       SharesExceedRefund, SubOrderNotFound)
from marketplace.orders.lifecycle import Actor
from marketplace.orders.locks import locked_order
from marketplace.orders.payment_outcomes import close_if_fully_refunded, record_refund
from marketplace.payments import services as payments
from marketplace.payments.models import PaymentStatus, Refund
from marketplace.errors import N_


def refund(order_id: int, sub_order_id: int, amount: int, reason: str, admin_id: int | None) -> Refund:
    """Refund part or all of a sub-order; card payments go back through Stripe.

    Raises OrderNotFound, SubOrderNotFound, NotPaid, RefundTooLarge, IllegalTransition,
    PaymentProviderError (the refund is recorded; sending it can be retried).
    """
    recorded = _refund(order_id, sub_order_id, amount, reason, admin_id)
    return payments.push_refund(recorded.id)


@transactional
def _refund(order_id: int, sub_order_id: int, amount: int, reason: str, admin_id: int | None) -> Refund:
    order = locked_order(order_id)
    sub_order = next((s for s in order.sub_orders if s.id == sub_order_id), None)
    if sub_order is None:
        raise SubOrderNotFound()
    if order.payment.status is not PaymentStatus.SUCCEEDED and not sub_order.cash_collected_vnd:
        raise NotPaid()
    recorded = record_refund(order.payment, sub_order, amount, reason, admin_id)
    close_if_fully_refunded(sub_order, Actor.ADMIN, admin_id, reason)
    db.session.flush()
    audit.record("refund.created", "order", order.id, admin_id, number=order.number, sub_order_id=sub_order.id,
                 refund_id=recorded.id, amount_vnd=amount, reason=reason)
    return recorded


@transactional
def allocate_refund(order_id: int, refund_id: int, shares: list[tuple[int, int]], reason: str,
                    admin_id: int | None) -> Refund:
    """Allocate `shares` — (sub-order id, amount) pairs — of the order's refund
    awaiting allocation; the rest is the platform's. Returns that refund.

    Raises OrderNotFound, RefundNotFound, RefundNotAwaitingAllocation, SharesDoNotFit
    (a part not of this order or named twice, more than a part has left), SharesExceedRefund.
    """
    order = locked_order(order_id)  # the order's parts as they are now, and no other change meanwhile
    payment = order.payment
    refund = next((r for r in payment.refunds if r.id == refund_id), None)
    if refund is None:
        raise RefundNotFound()
    if not refund.awaiting_allocation:
        raise RefundNotAwaitingAllocation()
    parts = {s.id: s for s in order.sub_orders}
    errors, named = {}, set()
    for sub_order_id, amount in shares:
        part = parts.get(sub_order_id)
        if part is None:
            errors[str(sub_order_id)] = [N_("Not a part of this order.")]
        elif sub_order_id in named:
            errors[str(sub_order_id)] = [N_("Named more than once.")]
        elif amount > part.refundable_vnd:
            errors[str(sub_order_id)] = [N_("At most {refundable_vnd} đồng can still be refunded for this part.", refundable_vnd=part.refundable_vnd)]
        named.add(sub_order_id)
    if errors:
        raise SharesDoNotFit(errors)
    if sum(amount for _, amount in shares) > refund.amount_vnd:
        raise SharesExceedRefund(refund.amount_vnd)
    for sub_order_id, amount in shares:
        part = parts[sub_order_id]
        share = Refund(payment=payment, sub_order_id=part.id, amount_vnd=amount, allocated_from_id=refund.id,
                       reason=f"Share of the refund made in Stripe ({refund.id}): {reason}"[:500],
                       created_by_id=admin_id)
        db.session.add(share)
        part.refunded_vnd += amount
        db.session.flush()
        events.publish("refund.allocated", refund=share, sub_order=part)
        close_if_fully_refunded(part, Actor.ADMIN, admin_id, reason)
    refund.awaiting_allocation = False
    audit.record("refund.allocated", "order", order.id, admin_id, number=order.number, refund_id=refund.id,
                 shares=[{"sub_order_id": s, "amount_vnd": a} for s, a in shares], reason=reason)
    return refund
