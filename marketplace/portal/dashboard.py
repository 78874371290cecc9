"""The producer's dashboard: one read composing each domain's own queries, so
the page view makes one call and the page's pieces stay in their domains."""

from dataclasses import dataclass
from datetime import date, timedelta

from marketplace.catalog.alerts import certificates_expiring, low_stock_variants
from marketplace.catalog.models import Product, Variant
from marketplace.clock import today_vn
from marketplace.database import utcnow
from marketplace.orders.models import SubOrder
from marketplace.orders.queries import sales_by_day, sub_orders_to_fulfil
from marketplace.payouts.ledger import ProducerBalance, producer_balance
from marketplace.showrooms.models import PointStock
from marketplace.showrooms.queries import point_names, producer_low_stock
from marketplace.traceability.scans import ScanCount, producer_scans

SALES_DAYS = 30
SCAN_DAYS = 30
CERTIFICATE_WARNING_DAYS = 90


@dataclass(frozen=True)
class DaySales:
    day: date
    parts: int
    total_vnd: int


@dataclass(frozen=True)
class PointLowStock:
    point_name: str
    stock: PointStock


@dataclass(frozen=True)
class Dashboard:
    new_sub_orders: list[SubOrder]
    overdue_sub_orders: list[SubOrder]
    low_stock_online: list[Variant]
    low_stock_at_points: list[PointLowStock]
    expiring_certificates: list[Product]
    balance: ProducerBalance
    sales: list[DaySales]
    scans: list[ScanCount]  # the most scanned traceability stamps of the last SCAN_DAYS days

    @property
    def sales_total_vnd(self) -> int:
        return sum(day.total_vnd for day in self.sales)


def dashboard_of(producer_id: int) -> Dashboard:
    new, overdue = sub_orders_to_fulfil(producer_id, utcnow())
    at_points = producer_low_stock(producer_id)
    names = point_names(stock.point_id for stock in at_points)
    first_day = today_vn() - timedelta(days=SALES_DAYS - 1)
    return Dashboard(
        new_sub_orders=new, overdue_sub_orders=overdue, low_stock_online=low_stock_variants(producer_id),
        low_stock_at_points=[PointLowStock(names.get(s.point_id, ""), s) for s in at_points],
        expiring_certificates=certificates_expiring(producer_id, CERTIFICATE_WARNING_DAYS),
        balance=producer_balance(producer_id),
        sales=[DaySales(*row) for row in sales_by_day(producer_id, first_day, SALES_DAYS)],
        scans=producer_scans(producer_id, today_vn() - timedelta(days=SCAN_DAYS - 1)),
    )
