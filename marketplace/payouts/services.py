"""Producer bank accounts and payout look-ups."""

import sqlalchemy as sa

from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.pagination import paginate
from marketplace.payouts.models import (BankAccount, BankAccountNotFound, Payout, PayoutNotFound, PayoutRun, PayoutRunNotFound,
                                        PayoutStatus)


def bank_account_of(producer_id: int) -> BankAccount:
    """Raises BankAccountNotFound when the producer has not given one yet."""
    account = db.session.scalar(sa.select(BankAccount).where(BankAccount.producer_id == producer_id))
    if account is None:
        raise BankAccountNotFound()
    return account


@transactional
def set_bank_account(producer_id: int, data: dict) -> BankAccount:
    account = db.session.scalar(sa.select(BankAccount).where(BankAccount.producer_id == producer_id))
    if account is None:
        account = BankAccount(producer_id=producer_id)
        db.session.add(account)
    for name, value in data.items():
        setattr(account, name, value)
    db.session.flush()
    return account


def payouts_of(producer_id: int | None, status: PayoutStatus | None, page: int, per_page: int):
    stmt = sa.select(Payout).order_by(Payout.id.desc())
    if producer_id is not None:
        stmt = stmt.where(Payout.producer_id == producer_id)
    if status:
        stmt = stmt.where(Payout.status == status)
    return paginate(stmt, page, per_page)


def runs(page: int, per_page: int):
    return paginate(sa.select(PayoutRun).order_by(PayoutRun.id.desc()), page, per_page)


def get_run(run_id: int) -> PayoutRun:
    """Raises PayoutRunNotFound."""
    run = db.session.get(PayoutRun, run_id)
    if run is None:
        raise PayoutRunNotFound()
    return run


def get_payout(payout_id: int) -> Payout:
    """Raises PayoutNotFound."""
    payout = db.session.get(Payout, payout_id)
    if payout is None:
        raise PayoutNotFound()
    return payout
