"""What an admin does with a transfer in the queue, each in one transaction, audited.

- confirm: it pays its likely order (or the order the admin names), which must
  still await payment; the difference from the order's total is recorded, and
  an excess is to go back to the sender;
- refund: all of it is to go back to the sender (the bank transfer itself is
  made outside the marketplace; this records that it is owed and why);
- re_reserve: a late payment: the expired order's stock is taken again, if it
  is still there, and the order is paid with it (orders.late_payment);
- dismiss: it is nobody's payment to act on (already dealt with, interest, a
  test); a note says why.

The transfer's row is locked first, then its order's: two admins acting on one
transfer at once queue there, and the second finds it already resolved.
"""

import sqlalchemy as sa

from marketplace import audit
from marketplace.banking.models import Action, BankTransaction, TransactionStatus
from marketplace.database import transactional, utcnow
from marketplace.errors import N_, Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.locking import lock_one
from marketplace.orders import late_payment
from marketplace.orders.lifecycle import Actor
from marketplace.orders.locks import locked_order
from marketplace.orders.models import Order
from marketplace.orders.payment_outcomes import accept_transfer


class BankTransactionNotFound(NotFound):
    code, message = "bank_transaction_not_found", N_("No such bank transfer.")


class AlreadyResolved(Conflict):
    code, message = "bank_transaction_not_queued", N_("This transfer is not waiting for a decision any more.")


class OrderToPayUnknown(InvalidInput):
    def __init__(self):
        super().__init__(N_("Name the order this transfer pays."),
                         errors={"order": [N_("No order has this number or transfer reference.")]})


AUDITED = {Action.CONFIRM: "bank_transaction.confirmed", Action.REFUND: "bank_transaction.refunded",
           Action.RE_RESERVE: "bank_transaction.re_reserved", Action.DISMISS: "bank_transaction.dismissed"}


def _locked_queued(transaction_id: int) -> BankTransaction:
    transaction = lock_one(sa.select(BankTransaction).where(BankTransaction.id == transaction_id))
    if transaction is None:
        raise BankTransactionNotFound()
    if transaction.status is not TransactionStatus.QUEUED:
        raise AlreadyResolved()
    return transaction


def _resolve(transaction: BankTransaction, action: Action, admin_id: int | None, note: str, *,
             difference_vnd: int | None = None, to_return_vnd: int = 0) -> None:
    transaction.status, transaction.resolution = TransactionStatus.RESOLVED, action
    transaction.difference_vnd, transaction.to_return_vnd = difference_vnd, to_return_vnd
    transaction.note, transaction.resolved_by_id, transaction.resolved_at = note, admin_id, utcnow()
    audit.record(AUDITED[action], "bank_transaction", transaction.id, admin_id,
                 bank_reference=transaction.bank_reference, amount_vnd=transaction.amount_vnd,
                 reason=transaction.reason, order=transaction.order.number if transaction.order else None,
                 difference_vnd=difference_vnd, to_return_vnd=to_return_vnd, note=note)


def _order_named(key: str) -> int:
    key = key.strip().upper()
    order_id = db.session.scalar(sa.select(Order.id).where(sa.or_(Order.number == key,
                                                                  Order.transfer_reference == key)))
    if order_id is None:
        raise OrderToPayUnknown()
    return order_id


def _paid_with(transaction: BankTransaction, order: Order, action: Action, admin_id: int | None,
               note: str) -> None:
    transaction.order = order
    difference = transaction.amount_vnd - order.payment.amount_vnd
    _resolve(transaction, action, admin_id, note, difference_vnd=difference, to_return_vnd=max(difference, 0))


@transactional
def confirm(transaction_id: int, order_key: str, note: str, admin_id: int | None) -> BankTransaction:
    """Pay the likely order, or the one `order_key` names (its number or transfer
    reference), with this transfer. Raises BankTransactionNotFound, AlreadyResolved,
    OrderToPayUnknown, and what accepting a transfer raises (TransferAlreadyConfirmed,
    TransferTooLate, NotBankTransfer)."""
    transaction = _locked_queued(transaction_id)
    order_id = _order_named(order_key) if order_key.strip() else transaction.order_id
    if order_id is None:
        raise OrderToPayUnknown()
    order = locked_order(order_id)
    accept_transfer(order, order.payment.amount_vnd, transaction.bank_reference, Actor.ADMIN, admin_id)
    _paid_with(transaction, order, Action.CONFIRM, admin_id, note)
    return transaction


@transactional
def re_reserve(transaction_id: int, note: str, admin_id: int | None) -> BankTransaction:
    """A late payment: reserve the expired order's stock again and pay it with
    this transfer. Raises BankTransactionNotFound, AlreadyResolved, NotExpired,
    InsufficientStock (nothing written: the admin can refund instead)."""
    transaction = _locked_queued(transaction_id)
    if transaction.order_id is None:
        raise late_payment.NotExpired()
    order = locked_order(transaction.order_id)
    late_payment.reserve_again(order, transaction.bank_reference, admin_id)
    _paid_with(transaction, order, Action.RE_RESERVE, admin_id, note)
    return transaction


@transactional
def refund(transaction_id: int, note: str, admin_id: int | None) -> BankTransaction:
    """Record that the whole transfer is to go back to its sender. Raises
    BankTransactionNotFound, AlreadyResolved."""
    transaction = _locked_queued(transaction_id)
    _resolve(transaction, Action.REFUND, admin_id, note, to_return_vnd=transaction.amount_vnd)
    return transaction


@transactional
def dismiss(transaction_id: int, note: str, admin_id: int | None) -> BankTransaction:
    """Take the transfer off the queue with a note saying why nothing is done
    with it. Raises BankTransactionNotFound, AlreadyResolved."""
    transaction = _locked_queued(transaction_id)
    _resolve(transaction, Action.DISMISS, admin_id, note)
    return transaction
