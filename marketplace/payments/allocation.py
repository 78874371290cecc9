"""An admin allocates a refund made in Stripe to the parts whose goods it paid back.

Such a refund, when no part could take it unambiguously, was recorded for the
order as awaiting allocation (services.apply_charge_refunded), the platform
bearing it, and the earnings of the order's parts held. The admin says how
much of it each part's goods account for; whatever is left stays with the
platform, now by decision. Each share is a refund of that part (no money
moves: Stripe has already paid the shopper back), which the ledger takes
from the producer as any refund of theirs. Then the hold is lifted.
"""

from marketplace import events
from marketplace.database import transactional
from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.orders.lifecycle import Actor
from marketplace.payments.models import Refund
from marketplace.payments.services import close_if_fully_refunded, locked_payment


@transactional
def allocate_refund(order_id: int, refund_id: int, shares: list[tuple[int, int]], reason: str,
                    admin_id: int | None) -> Refund:
    """Allocate `shares` — (sub-order id, amount) pairs — of the order's refund
    awaiting allocation; the rest is the platform's. Returns that refund.

    Raises NotFound, Conflict (not awaiting allocation), InvalidInput (a part
    not of this order or named twice, more than a part has left, more than the refund).
    """
    payment = locked_payment(order_id)  # the order's parts as they are now, and no other change meanwhile
    refund = next((r for r in payment.refunds if r.id == refund_id), None)
    if refund is None:
        raise NotFound("No such refund on this order.", code="refund_not_found")
    if not refund.awaiting_allocation:
        raise Conflict("This refund is not awaiting allocation.", code="refund_not_awaiting_allocation")
    parts = {s.id: s for s in payment.order.sub_orders}
    errors, named = {}, set()
    for sub_order_id, amount in shares:
        part = parts.get(sub_order_id)
        if part is None:
            errors[str(sub_order_id)] = ["Not a part of this order."]
        elif sub_order_id in named:
            errors[str(sub_order_id)] = ["Named more than once."]
        elif amount > part.refundable_vnd:
            errors[str(sub_order_id)] = [f"At most {part.refundable_vnd} đồng can still be refunded for this part."]
        named.add(sub_order_id)
    if errors:
        raise InvalidInput("The shares do not fit the order's parts.", errors={"parts": errors})
    if sum(amount for _, amount in shares) > refund.amount_vnd:
        message = f"The shares add up to more than the refund, {refund.amount_vnd} đồng."
        raise InvalidInput(message, errors={"parts": [message]})
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
    return refund
