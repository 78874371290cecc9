"""Sales reports for admins: revenue by period, and sales by province, OCOP group and star rating.

Everything is aggregated in SQL, on SQLite and PostgreSQL alike. A sale belongs to the day,
week (Monday first) or month of its order's placement in Vietnam (+07:00): an order placed at
23:30 UTC is counted on the next Vietnamese day.

What counts as a sale: every producer's part of an order (sub-order) except those still awaiting
payment and those cancelled. A refunded part still counts in "sales" and its refund is shown beside
it, so the two columns add up to what the ledger saw. The commission is the one fixed at checkout.

Province is the producer's (OCOP is run by provinces); group and stars are the product's now.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from marketplace.catalog.models import Product
from marketplace.clock import VIETNAM_TZ, today_vn
from marketplace.extensions import db
from marketplace.orders.lifecycle import SubOrderStatus
from marketplace.orders.models import Order, OrderLine, SubOrder
from marketplace.producers.models import Producer
from marketplace.regions.models import Province

PERIODS = ("day", "week", "month")
DIMENSIONS = ("province", "group", "stars")
NOT_SALES = (SubOrderStatus.PENDING_PAYMENT, SubOrderStatus.CANCELLED)
MAX_BUCKETS = 400  # a year of days: more bars than that is unreadable, and the table too long

REVENUE_COLUMNS = ["period_start", "orders", "sales_vnd", "refunded_vnd", "commission_vnd"]
SALES_COLUMNS = ["key", "label", "orders", "quantity", "sales_vnd"]


class local_period_start(FunctionElement):
    """The first day of the Vietnamese day, week or month a UTC timestamp falls in, as a date."""

    inherit_cache = False  # the period is not part of the cache key: never reuse another period's SQL

    def __init__(self, column, period: str):
        self.period = period
        super().__init__(column)


@compiles(local_period_start, "sqlite")
def _sqlite(element, compiler, **kw):
    column = compiler.process(list(element.clauses)[0], **kw)
    # SQLite keeps UTCDateTime as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC.
    modifiers = {"day": "", "week": ", '-6 days', 'weekday 1'", "month": ", 'start of month'"}[element.period]
    return f"date({column}, '+7 hours'{modifiers})"


@compiles(local_period_start, "postgresql")
def _postgresql(element, compiler, **kw):
    column = compiler.process(list(element.clauses)[0], **kw)
    local = f"timezone('Asia/Ho_Chi_Minh', {column})"
    if element.period == "day":
        return f"date({local})"
    return f"date(date_trunc('{element.period}', {local}))"


@dataclass(frozen=True)
class DateRange:
    since: date
    until: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in aware datetimes: midnight in Vietnam on since, and the midnight after until."""
        return (datetime.combine(self.since, time.min, tzinfo=VIETNAM_TZ),
                datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=VIETNAM_TZ))


def default_range(period: str, today: date | None = None) -> DateRange:
    """The last 30 days, 12 weeks or 12 months, today included."""
    today = today or today_vn()
    if period == "month":
        first = today.replace(day=1)
        for _ in range(11):
            first = (first - timedelta(days=1)).replace(day=1)
        return DateRange(first, today)
    return DateRange(today - timedelta(days=29 if period == "day" else 7 * 12 - 1), today)


def period_starts(period: str, span: DateRange) -> list[date]:
    """Every bucket the range touches, in order (so empty days show as zero)."""
    start = _start_of(period, span.since)
    starts = []
    while start <= span.until:
        starts.append(start)
        start = _next(period, start)
    return starts


def bucket_count(period: str, span: DateRange) -> int:
    """How many bars the range makes (at most one too many for weeks), without listing them."""
    if span.since > span.until:
        return 0
    if period == "month":
        return (span.until.year - span.since.year) * 12 + span.until.month - span.since.month + 1
    days = (span.until - span.since).days + 1
    return days if period == "day" else days // 7 + 2


def _start_of(period: str, day: date) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def _next(period: str, start: date) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    return (start + timedelta(days=32)).replace(day=1)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _sales_in(span: DateRange):
    start, end = span.bounds
    return (SubOrder.status.not_in(NOT_SALES), Order.created_at >= start, Order.created_at < end)


def revenue_by_period(period: str, span: DateRange) -> list[dict]:
    """One row per day, week or month of the range (zeros included): parts sold, their items' value,
    what was refunded of them, and the platform's commission."""
    bucket = local_period_start(Order.created_at, period).label("bucket")
    rows = db.session.execute(
        sa.select(bucket, sa.func.count(SubOrder.id), sa.func.coalesce(sa.func.sum(SubOrder.items_total_vnd), 0),
                  sa.func.coalesce(sa.func.sum(SubOrder.refunded_vnd), 0),
                  sa.func.coalesce(sa.func.sum(SubOrder.commission_vnd), 0))
        .join(Order, SubOrder.order_id == Order.id).where(*_sales_in(span))
        .group_by(bucket).order_by(bucket)).all()
    found = {_as_date(b): (n, sales, refunded, commission) for b, n, sales, refunded, commission in rows}
    return [dict(zip(REVENUE_COLUMNS, (start, *found.get(start, (0, 0, 0, 0)))))
            for start in period_starts(period, span)]


def sales_by(dimension: str, span: DateRange) -> list[dict]:
    """Sales in the range per province (the producer's), OCOP product group or star rating,
    largest first. ``key`` is the code (a province code, a group value, 3/4/5 or None for no stars);
    ``label`` the province's name where there is one (the page translates groups and stars)."""
    if dimension == "province":
        key, label = Province.code, Province.name
    elif dimension == "group":
        key, label = Product.group, sa.literal("")
    else:
        key, label = Product.ocop_stars, sa.literal("")
    sales = sa.func.sum(OrderLine.line_total_vnd)
    stmt = (sa.select(key.label("key"), label.label("label"), sa.func.count(sa.distinct(SubOrder.id)),
                      sa.func.sum(OrderLine.quantity), sales.label("sales"))
            .select_from(OrderLine).join(SubOrder, OrderLine.sub_order_id == SubOrder.id)
            .join(Order, SubOrder.order_id == Order.id).where(*_sales_in(span)))
    if dimension == "province":
        stmt = (stmt.join(Producer, SubOrder.producer_id == Producer.id)
                .join(Province, Producer.province_code == Province.code).group_by(Province.code, Province.name))
    else:
        stmt = stmt.join(Product, OrderLine.product_id == Product.id).group_by(key)
    rows = db.session.execute(stmt.order_by(sa.desc("sales"), key)).all()
    return [{"key": getattr(k, "value", k), "label": name, "orders": orders, "quantity": int(quantity),
             "sales_vnd": int(total)} for k, name, orders, quantity, total in rows]
