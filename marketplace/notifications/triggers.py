"""What happened → who is told. Each subscriber runs in the publisher's
transaction and only enqueues (services.notify), so nothing leaves on rollback."""

from marketplace import events, jobs
from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.money import format_vnd
from marketplace.notifications.services import notify, notify_admins, notify_producer
from marketplace.orders.models import Order, SubOrderStatus

_TO_SHOPPER = {SubOrderStatus.SHIPPED: "sub_order_shipped", SubOrderStatus.DELIVERED: "sub_order_delivered"}


@events.subscribe("order.placed")
def order_placed(order_id: int) -> None:
    """Checkout reads nothing more for this: a job, after its commit, tells who must know."""
    jobs.enqueue("notifications.order_placed", order_id=order_id)


@jobs.job("notifications.order_placed")
@transactional
def announce_order(order_id: int) -> None:
    """The shopper, and for cash on delivery each producer (who can start at once)."""
    order = db.session.get(Order, order_id)
    notify("order_placed", order.user_id, str(order.id), f"/don-hang/{order.id}",
           number=order.number, total=format_vnd(order.total_vnd))
    for part in order.sub_orders:
        if part.status is SubOrderStatus.CONFIRMED:  # cash on delivery: the producer can start now
            _new_for_producer(part)


@events.subscribe("sub_order.status_changed")
def sub_order_changed(sub_order, to_status, reason="") -> None:
    order = sub_order.order
    if order is None:  # a part not attached to an order (a model's unit test) concerns no one
        return
    if to_status is SubOrderStatus.CONFIRMED:  # paid by card or transfer
        notify("order_paid", order.user_id, str(order.id), f"/don-hang/{order.id}", number=order.number)
        _new_for_producer(sub_order)
    elif to_status is SubOrderStatus.CANCELLED:
        notify_producer(sub_order.producer_id, "sub_order_cancelled", str(sub_order.id),
                        number=order.number, reason=reason or "-")
    elif to_status in _TO_SHOPPER:
        notify(_TO_SHOPPER[to_status], order.user_id, str(sub_order.id), f"/don-hang/{order.id}",
               number=order.number, carrier=sub_order.carrier or "-", tracking=sub_order.tracking_number or "-")


def _new_for_producer(part) -> None:
    notify_producer(part.producer_id, "new_sub_order", str(part.id), number=part.order.number,
                    total=format_vnd(part.total_vnd))


@events.subscribe("refund.recorded")
def refund_recorded(refund, sub_order) -> None:
    order = sub_order.order if sub_order is not None else None
    if order is not None:
        notify("refund_recorded", order.user_id, str(refund.id), f"/don-hang/{order.id}",
               number=order.number, amount=format_vnd(refund.amount_vnd))


@events.subscribe("payout.paid")
def payout_paid(payout) -> None:
    notify_producer(payout.producer_id, "payout_paid", str(payout.id), amount=format_vnd(payout.amount_vnd))


@events.subscribe("producer.applied")
def producer_applied(producer) -> None:
    notify_admins("producer_to_review", str(producer.id), name=producer.name)


@events.subscribe("certificate.declared")
def certificate_declared(product) -> None:
    notify_admins("certificate_to_check", f"{product.id}-{product.ocop_decision_number or ''}", product=product.name)
