"""Order lists for shoppers, producers and admins. Read-only."""

import re
from datetime import date, datetime, time, timedelta

import phonenumbers
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
    if status is not None:
        stmt = stmt.where(Order.id.in_(_orders_with_status(status)))
    return paginate(_with_parts(stmt), page, per_page)


def _orders_with_status(status: OrderStatus):
    """Ids of the orders whose derived status is `status`: derive_order_status
    in SQL, from counts of the parts in each state (a test holds the two to
    the same answers)."""
    def count(*states):
        return sa.func.count(sa.case((SubOrder.status.in_(states), 1)))

    live = count(*(s for s in SubOrderStatus if s not in (SubOrderStatus.CANCELLED, SubOrderStatus.REFUNDED)))
    refunded = count(SubOrderStatus.REFUNDED)
    pending = count(SubOrderStatus.PENDING_PAYMENT)
    completed = count(SubOrderStatus.COMPLETED)
    delivered = count(SubOrderStatus.DELIVERED, SubOrderStatus.COMPLETED)
    shipped = count(SubOrderStatus.SHIPPED, SubOrderStatus.DELIVERED, SubOrderStatus.COMPLETED)
    # Each condition excludes those derive_order_status tries before it.
    condition = {
        OrderStatus.REFUNDED: sa.and_(live == 0, refunded > 0),
        OrderStatus.CANCELLED: sa.and_(live == 0, refunded == 0),
        OrderStatus.PENDING_PAYMENT: sa.and_(live > 0, pending == live),
        OrderStatus.COMPLETED: sa.and_(live > 0, completed == live),
        OrderStatus.DELIVERED: sa.and_(live > 0, delivered == live, completed < live),
        OrderStatus.SHIPPED: sa.and_(live > 0, shipped == live, delivered < live),
        OrderStatus.PARTIALLY_SHIPPED: sa.and_(shipped > 0, shipped < live),
        OrderStatus.IN_PROGRESS: sa.and_(live > 0, shipped == 0, pending < live),
    }[status]
    return sa.select(SubOrder.order_id).group_by(SubOrder.order_id).having(condition)


_PHONE_LIKE = re.compile(r"^\+?[\d\s.\-()]{8,20}$")


def _matching(stmt, q: str | None):
    """Orders found by what a shopper would read out: the order number or
    transfer reference (or their start), the email, or the phone however it is
    typed ("0912 345 678" finds +84912345678)."""
    q = (q or "").strip()
    if not q:
        return stmt
    code = q.upper().replace(" ", "")
    escaped = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = [Order.number.like(f"{escaped}%", escape="\\"), Order.transfer_reference.like(f"{escaped}%", escape="\\"),
             Order.user_id.in_(sa.select(User.id).where(sa.func.lower(User.email) == q.lower()))]
    if _PHONE_LIKE.match(q):
        try:
            phone = phonenumbers.format_number(phonenumbers.parse(q, "VN"), phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            phone = None
        if phone:
            found.append(Order.phone == phone)
    return stmt.where(sa.or_(*found))


def orders_of(user: User, status: OrderStatus | None, page: int, per_page: int) -> Page:
    stmt = sa.select(Order).where(Order.user_id == user.id).order_by(Order.created_at.desc(), Order.id.desc())
    return _filter_by_derived_status(stmt, status, page, per_page)


def all_orders(status, payment_method, payment_status, page: int, per_page: int, q: str | None = None) -> Page:
    stmt = _matching(sa.select(Order).join(Payment).order_by(Order.created_at.desc(), Order.id.desc()), q)
    if payment_method:
        stmt = stmt.where(Order.payment_method == payment_method)
    if payment_status:
        stmt = stmt.where(Payment.status == payment_status)
    return _filter_by_derived_status(stmt, status, page, per_page)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VIETNAM_TZ)


def sub_orders_of(producer_id: int, status: SubOrderStatus | None, since: date | None, until: date | None,
                  page: int, per_page: int, q: str | None = None) -> Page:
    stmt = (sa.select(SubOrder).join(Order, SubOrder.order_id == Order.id).where(SubOrder.producer_id == producer_id)
            .options(selectinload(SubOrder.lines), selectinload(SubOrder.history), selectinload(SubOrder.order))
            .order_by(SubOrder.created_at.desc(), SubOrder.id.desc()))
    if status:
        stmt = stmt.where(SubOrder.status == status)
    if since:
        stmt = stmt.where(SubOrder.created_at >= _start_of(since))
    if until:
        stmt = stmt.where(SubOrder.created_at < _start_of(until + timedelta(days=1)))
    return paginate(_matching(stmt, q), page, per_page)


# --- the producer's dashboard ---------------------------------------------------

# A paid part still not shipped this long after the order is overdue.
OVERDUE_AFTER = timedelta(hours=48)
_TO_FULFIL = (SubOrderStatus.CONFIRMED, SubOrderStatus.PACKED)
# Sales that stand: paid for (or on their way under COD) and not cancelled or refunded.
_SOLD = (SubOrderStatus.CONFIRMED, SubOrderStatus.PACKED, SubOrderStatus.SHIPPED, SubOrderStatus.DELIVERED,
         SubOrderStatus.COMPLETED)


def sub_orders_to_fulfil(producer_id: int, now: datetime, limit: int = 20) -> tuple[list[SubOrder], list[SubOrder]]:
    """(new, overdue): parts confirmed or packed, split by whether OVERDUE_AFTER has passed; oldest first."""
    parts = db.session.scalars(
        sa.select(SubOrder).where(SubOrder.producer_id == producer_id, SubOrder.status.in_(_TO_FULFIL))
        .options(selectinload(SubOrder.order)).order_by(SubOrder.created_at, SubOrder.id).limit(limit * 2)).all()
    overdue = [p for p in parts if p.created_at <= now - OVERDUE_AFTER][:limit]
    new = [p for p in parts if p.created_at > now - OVERDUE_AFTER][:limit]
    return new, overdue


def sales_by_day(producer_id: int, first_day: date, days: int) -> list[tuple[date, int, int]]:
    """(day, parts, total đồng) for each of `days` Vietnam days from `first_day`, zero where nothing sold."""
    rows = db.session.execute(
        sa.select(SubOrder.created_at, SubOrder.total_vnd).where(
            SubOrder.producer_id == producer_id, SubOrder.status.in_(_SOLD),
            SubOrder.created_at >= _start_of(first_day), SubOrder.created_at < _start_of(first_day + timedelta(days)))
    ).all()
    totals: dict[date, list[int]] = {first_day + timedelta(n): [0, 0] for n in range(days)}
    for created_at, total in rows:
        day = created_at.astimezone(VIETNAM_TZ).date()
        if day in totals:
            totals[day][0] += 1
            totals[day][1] += total
    return [(day, count, total) for day, (count, total) in totals.items()]
