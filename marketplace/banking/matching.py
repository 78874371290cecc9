"""Which order a transfer pays, and whether it may pay it by itself (pure rules).

An exact match confirms the order: an order's transfer reference is in the
description (ignoring case, spaces, punctuation and diacritics, as banks and
apps mangle what the shopper typed) and the amount is the order's total while
it awaits payment. Anything else waits for an admin, with the reason and a
suggested action.
"""

import re

from marketplace.banking.models import Action, OrderFoundBy, Reason
from marketplace.payments.models import PaymentStatus
from marketplace.text import fold

# "OCOP" and eight characters (orders/checkout.py). Overlapping matches: in
# "SANPHAMOCOPOCOP7K2M9QXA" the first candidate is not a reference, the second is.
_CANDIDATE = re.compile(r"(?=(OCOP[A-Z0-9]{8}))")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]")


def references_in(description: str) -> list[str]:
    """Every string in the description that could be an order's transfer
    reference, in the order they appear (each once). Only one that names an
    order counts (intake looks them up)."""
    compact = _NOT_ALPHANUMERIC.sub("", fold(description).upper())
    return list(dict.fromkeys(_CANDIDATE.findall(compact)))


def same_reference(a: str, b: str) -> bool:
    """Two bank references for one transaction, as typed by an admin and as the bank sent it."""
    return _NOT_ALPHANUMERIC.sub("", a.upper()) == _NOT_ALPHANUMERIC.sub("", b.upper()) != ""


def reason_for(payment_status: PaymentStatus, expired: bool, expected_vnd: int, amount_vnd: int) -> Reason | None:
    """Why a transfer of `amount_vnd` for an order found by its reference waits
    for an admin, or None: it pays the order. `expired`: the order's
    reservation ran out and its stock went back (a cancelled payment otherwise
    means the order was cancelled)."""
    if payment_status is PaymentStatus.SUCCEEDED:
        return Reason.ALREADY_PAID
    if payment_status is PaymentStatus.CANCELLED:
        return Reason.ORDER_EXPIRED if expired else Reason.ORDER_CANCELLED
    if amount_vnd < expected_vnd:
        return Reason.PARTIAL
    if amount_vnd > expected_vnd:
        return Reason.OVERPAID
    return None


def suggestion(reason: Reason, found_by: OrderFoundBy | None, stock_is_there: bool = False) -> Action:
    """What the admin is offered first for a queued transfer.

    - overpaid: confirm, and return the excess;
    - an unknown reference whose likely order was found by its amount: confirm it (after checking);
    - a late payment whose goods are still in stock: reserve them again;
    - anything else (short, cancelled, paid twice, nobody's, late and sold out): return the money.
    """
    if reason is Reason.OVERPAID:
        return Action.CONFIRM
    if reason is Reason.UNKNOWN_REFERENCE and found_by is OrderFoundBy.AMOUNT:
        return Action.CONFIRM
    if reason is Reason.ORDER_EXPIRED and stock_is_there:
        return Action.RE_RESERVE
    return Action.REFUND
