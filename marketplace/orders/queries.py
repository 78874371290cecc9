"""Order lists for shoppers, producers and admins. Read-only."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.clock import VIETNAM_TZ
from marketplace.extensions import db
from marketplace.orders.lifecycle import OrderStatus, SubOrderStatus
from marketplace.orders.models import Order, SubOrder
from marketplace.pagination import paginate
from marketplace.payments.models import Payment
from marketplace.schemas import Page


def _with_parts(stmt):
    return stmt.options(selectinload(Order.sub_orders).selectinload(SubOrder.lines),
                        selectinload(Order.sub_orders).selectinload(SubOrder.history))


def _filter_by_derived_status(stmt, status: OrderStatus | None, page: int, per_page: int) -> Page:
    """Order status is derived from the parts, so filter after loading (newest first, bounded)."""
    if status is None:
        return paginate(_with_parts(stmt), page, per_page)
    orders = [o for o in db.session.scalars(_with_parts(stmt).limit(5000)) if o.status is status]
    start = (page - 1) * per_page
    return Page(orders[start:start + per_page], len(orders), page, per_page)


def orders_of(user: User, status: OrderStatus | None, page: int, per_page: int) -> Page:
    stmt = sa.select(Order).where(Order.user_id == user.id).order_by(Order.created_at.desc(), Order.id.desc())
    return _filter_by_derived_status(stmt, status, page, per_page)


def all_orders(status, payment_method, payment_status, page: int, per_page: int) -> Page:
    stmt = sa.select(Order).join(Payment).order_by(Order.created_at.desc(), Order.id.desc())
    if payment_method:
        stmt = stmt.where(Order.payment_method == payment_method)
    if payment_status:
        stmt = stmt.where(Payment.status == payment_status)
    return _filter_by_derived_status(stmt, status, page, per_page)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VIETNAM_TZ)


def sub_orders_of(producer_id: int, status: SubOrderStatus | None, since: date | None, until: date | None,
                  page: int, per_page: int) -> Page:
    stmt = (sa.select(SubOrder).where(SubOrder.producer_id == producer_id)
            .options(selectinload(SubOrder.lines), selectinload(SubOrder.history), selectinload(SubOrder.order))
            .order_by(SubOrder.created_at.desc(), SubOrder.id.desc()))
    if status:
        stmt = stmt.where(SubOrder.status == status)
    if since:
        stmt = stmt.where(SubOrder.created_at >= _start_of(since))
    if until:
        stmt = stmt.where(SubOrder.created_at < _start_of(until + timedelta(days=1)))
    return paginate(stmt, page, per_page)
