"""The admin's view of incoming transfers: the queue, and one transfer with its likely order."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.banking.models import BankTransaction, Reason, TransactionStatus
from marketplace.banking.resolution import BankTransactionNotFound
from marketplace.extensions import db
from marketplace.orders import late_payment
from marketplace.orders.models import Order
from marketplace.pagination import paginate
from marketplace.schemas import Page


@dataclass(frozen=True)
class TransferInQueue:
    """A transfer, its likely order, and what can be done with it now."""

    transaction: BankTransaction
    order: Order | None
    awaiting_payment: bool      # its order can still be paid (confirm)
    can_re_reserve: bool        # a late payment whose goods are in stock now
    expired: bool               # a late payment (re-reserve possible in principle)


def transfers(status: TransactionStatus, page: int, per_page: int) -> Page:
    """Transfers in `status`: the queue oldest first (the longest waiting at the top), the rest newest first."""
    order = BankTransaction.occurred_at.asc() if status is TransactionStatus.QUEUED \
        else BankTransaction.occurred_at.desc()
    return paginate(sa.select(BankTransaction).where(BankTransaction.status == status)
                    .options(joinedload(BankTransaction.order)).order_by(order, BankTransaction.id),
                    page, per_page)


def queued_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(BankTransaction)
                             .where(BankTransaction.status == TransactionStatus.QUEUED))


def transfer(transaction_id: int) -> TransferInQueue:
    """One transfer as the admin decides on it. Raises BankTransactionNotFound."""
    transaction = db.session.get(BankTransaction, transaction_id)
    if transaction is None:
        raise BankTransactionNotFound()
    order = transaction.order
    expired = order is not None and transaction.reason is Reason.ORDER_EXPIRED and late_payment.has_expired(order)
    return TransferInQueue(transaction, order, awaiting_payment=order is not None and order.payment.is_open,
                           can_re_reserve=expired and late_payment.stock_is_there(order), expired=expired)
