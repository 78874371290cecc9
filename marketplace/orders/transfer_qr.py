"""An order's VietQR: the transfer a shopper still owes, as NAPAS's payload for
the platform's account, the exact amount and the order's transfer reference.
Only while the transfer is awaited: a QR left on a paid order invites paying twice."""

from marketplace import vietqr
from marketplace.errors import N_, Conflict
from marketplace.orders import fulfilment
from marketplace.payments.models import PaymentMethod


class NoTransferAwaited(Conflict):
    """409, not 404: the order is the caller's; it is its payment that asks for no transfer (any more)."""

    code, message = "no_transfer_awaited", N_("This order awaits no bank transfer.")


def awaits_transfer(order) -> bool:
    payment = order.payment
    return payment.method is PaymentMethod.BANK_TRANSFER and payment.is_open and bool(order.transfer_reference)


def payload_of(order) -> str | None:
    """The order's VietQR text, or None when it awaits no transfer."""
    if not awaits_transfer(order):
        return None
    return vietqr.platform_payload(order.payment.amount_vnd, order.transfer_reference)


def for_shopper(user, order_id: int) -> tuple[str, str]:
    """The payload of a shopper's own order, and the order's number (to name the file).
    Raises OrderNotFound for anyone else's order, NoTransferAwaited once paid, cancelled or not by transfer."""
    order = fulfilment.order_of(user, order_id)
    text = payload_of(order)
    if text is None:
        raise NoTransferAwaited()
    return text, order.number
