"""What a payment's outcome does to its order: confirming the parts once the
money is in, cancelling those left unpaid (their stock goes back), settling a
cash-on-delivery payment, and refunds of a part.

Payments sit below orders and never touch an order: a webhook's outcome
reaches here through marketplace.events (subscribers below), inside the
webhook's transaction and under the payment's lock. Use cases of orders
(fulfilment, refunds, the admin's transfer confirmation) call these directly.
"""

import logging

from marketplace import audit, events
from marketplace.database import transactional, utcnow
from marketplace.extensions import db
from marketplace.orders import stock
from marketplace.orders.lifecycle import HOLDS_STOCK, Actor, SubOrderStatus
from marketplace.orders.locks import locked_order, reread_order
from marketplace.orders.models import Order, SubOrder
from marketplace.payments import services as payments
from marketplace.payments.models import Payment, PaymentMethod, Refund, RefundTooLarge

log = logging.getLogger(__name__)

ENDED = (SubOrderStatus.CANCELLED, SubOrderStatus.REFUNDED)


# --- the money arrived ---------------------------------------------------------

def confirm_paid(order: Order, actor: Actor = Actor.SYSTEM, user_id: int | None = None) -> list[int]:
    """The order's card or transfer payment has just succeeded: confirm its
    waiting parts. Returns ids of refunds recorded for parts that were
    cancelled before the money arrived (to push to Stripe after commit)."""
    payment = order.payment
    refunds = []
    for sub_order in order.sub_orders:
        if sub_order.status in (SubOrderStatus.PENDING_PAYMENT, SubOrderStatus.CANCELLED):
            events.publish("sub_order.paid", sub_order=sub_order)
    for sub_order in order.sub_orders:
        if sub_order.status is SubOrderStatus.PENDING_PAYMENT:
            sub_order.move_to(SubOrderStatus.CONFIRMED, actor, user_id=user_id)
        elif sub_order.status is SubOrderStatus.CANCELLED and sub_order.refundable_vnd:
            refunds.append(record_refund(payment, sub_order, sub_order.refundable_vnd,
                                         "Paid after the order had been cancelled.", None))
    db.session.flush()
    return [r.id for r in refunds]


@events.subscribe("payment.succeeded")
def _intent_succeeded(payment: Payment, refund_ids: list[int]) -> None:
    refund_ids += confirm_paid(reread_order(payment.order_id))


@events.subscribe("payment.cancelled")
def _intent_cancelled(payment: Payment, refund_ids: list[int]) -> None:
    cancel_unpaid(reread_order(payment.order_id), "The card payment was cancelled.")


@transactional
def confirm_bank_transfer(order_id: int, amount_vnd: int, bank_reference: str,
                          admin_id: int | None = None) -> Order:
    """An admin saw the transfer arrive: the payment is received and the parts
    confirmed, the history naming the admin. Raises OrderNotFound, NotBankTransfer,
    TransferAlreadyConfirmed, TransferTooLate, WrongTransferAmount."""
    order = locked_order(order_id)
    accept_transfer(order, amount_vnd, bank_reference, Actor.ADMIN, admin_id)
    return order


def accept_transfer(order: Order, amount_vnd: int, bank_reference: str, actor: Actor,
                    user_id: int | None) -> None:
    """The transfer for `order` (locked by the caller) arrived: the payment is
    received, the parts confirmed (their sales posted to the ledger) and the
    confirmation audited. The admin's confirmation and the bank's own
    notification (marketplace.banking) both come through here. Raises
    NotBankTransfer, TransferAlreadyConfirmed, TransferTooLate, WrongTransferAmount."""
    order.payment.receive_transfer(amount_vnd, bank_reference, utcnow())
    confirm_paid(order, actor, user_id)
    audit.record("bank_transfer.confirmed", "order", order.id, user_id, number=order.number,
                 amount_vnd=amount_vnd, bank_reference=bank_reference, by=actor)


def settle_payment(order: Order) -> None:
    """After a part was delivered or cancelled, what the payment now is.

    - Every part cancelled (or refunded) and nothing received: no money will
      be taken, and the payment is cancelled, whatever its method.
    - Cash on delivery: the payment is one record for the order's total, so it
      is paid, with paid_at, once the cash of every part still live has been
      recorded by its producer (at once, for a single part); marking it paid
      at the first of several parts would report money nobody has collected.
    """
    payment = order.payment
    if not payment.is_open:
        return
    live = [s for s in order.sub_orders if s.status not in ENDED]
    if not live:
        payment.cancel()
    elif payment.method is PaymentMethod.COD and all(s.cash_collected_vnd is not None for s in live):
        payment.mark_paid(utcnow())


# --- nothing will be paid ------------------------------------------------------

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


# --- refunds -------------------------------------------------------------------

def record_refund(payment: Payment, sub_order: SubOrder | None, amount: int, reason: str,
                  admin_id: int | None, *, awaiting_allocation: bool = False) -> Refund:
    """Record money returned to the shopper, for a part or (sub_order None) for
    the order as a whole. Raises RefundTooLarge beyond what is left to refund."""
    if sub_order is not None and amount > sub_order.refundable_vnd:
        raise RefundTooLarge(sub_order.refundable_vnd)
    refund = payments.record_refund(payment, amount, reason, admin_id, awaiting_allocation=awaiting_allocation,
                                    sub_order_id=sub_order.id if sub_order else None)
    if sub_order is not None:
        sub_order.refunded_vnd += amount
    db.session.flush()
    events.publish("refund.recorded", refund=refund, sub_order=sub_order)
    return refund


def close_if_fully_refunded(sub_order: SubOrder, actor: Actor, user_id: int | None, reason: str) -> None:
    if sub_order.refundable_vnd == 0 and sub_order.status is not SubOrderStatus.REFUNDED:
        release_stock(sub_order)
        sub_order.move_to(SubOrderStatus.REFUNDED, actor, user_id=user_id, reason=reason)


@events.subscribe("payment.refunded_at_provider")
def _refunded_in_stripe(payment: Payment, amount_vnd: int) -> None:
    """A refund made outside the marketplace (e.g. Stripe's dashboard).

    Stripe refunds the charge, not a producer's part, so the refund goes to
    parts only where whose goods it paid back is unambiguous:
    - one part can take it: it is that part's;
    - it is all that every part still had (the whole charge): each part is refunded in full.
    Otherwise nobody has decided, and no rule can (a partial refund of a
    two-producer order may be for one jar of either): it is recorded for the
    order as awaiting allocation, and the earnings of the order's parts are
    held, neither released nor paid out, until an admin allocates it
    (refunds.allocate_refund). The platform bears it meanwhile.
    """
    order = reread_order(payment.order_id)
    reason = "Refunded in Stripe"
    takers = [s for s in order.sub_orders if s.refundable_vnd > 0]
    undecided = any(r.awaiting_allocation for r in payment.refunds)  # then nothing here is unambiguous any more
    if not undecided and len(takers) == 1 and takers[0].refundable_vnd >= amount_vnd:
        shares = [(takers[0], amount_vnd)]
    elif not undecided and takers and amount_vnd == sum(s.refundable_vnd for s in takers):
        shares = [(s, s.refundable_vnd) for s in takers]
    else:
        log.warning("Refund of %s đồng made in Stripe for order %s awaits an admin's allocation; the earnings of "
                    "its parts are held until then", amount_vnd, order.number)
        record_refund(payment, None, amount_vnd, f"{reason}; awaiting allocation to the parts", None,
                      awaiting_allocation=True)
        return
    for sub_order, share in shares:
        record_refund(payment, sub_order, share, reason, None)
        close_if_fully_refunded(sub_order, Actor.SYSTEM, None, reason)
