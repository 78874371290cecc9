"""Admin reports over the test client and the service under them, on known data: revenue by
day, week and month in Vietnam time, sales by province, group and stars, their CSVs and refusals."""

import csv
import io
import re
from datetime import date, datetime, timezone

import pytest

from marketplace.backoffice import reports
from marketplace.backoffice.reports import DateRange
from marketplace.catalog.models import ProductGroup
from marketplace.extensions import db
from marketplace.orders.lifecycle import SubOrderStatus
from marketplace.orders.models import Order, OrderLine, SubOrder
from marketplace.payments.models import PaymentMethod
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, HA_NOI, ProducerFactory, ProductFactory, UserFactory
from tests.web.test_account_pages import html, log_in

UTC = timezone.utc
DECEMBER = DateRange(date(2026, 12, 1), date(2026, 12, 31))


def sell(product, quantity, unit_price, at, status=SubOrderStatus.CONFIRMED, commission=0, refunded=0):
    """One order with one part and one line, placed at `at` (UTC)."""
    buyer = UserFactory()
    total = quantity * unit_price
    order = Order(number=f"OC{buyer.id:06d}", user_id=buyer.id, payment_method=PaymentMethod.COD,
                  items_total_vnd=total, shipping_total_vnd=0, total_vnd=total, recipient_name="Hà", phone="+84912345678",
                  province_code=DIEN_BIEN, ward_code=DIEN_BIEN_WARD, street_address="Bản Hin", idempotency_key=str(buyer.id),
                  request_fingerprint="x", created_at=at)
    part = SubOrder(producer_id=product.producer_id, status=status, items_total_vnd=total, shipping_fee_vnd=0,
                    total_vnd=total, commission_vnd=commission, refunded_vnd=refunded)
    part.lines.append(OrderLine(variant_id=product.variants[0].id, product_id=product.id, product_name=product.name,
                                variant_label="Hũ", unit_price_vnd=unit_price, quantity=quantity,
                                line_total_vnd=total, commission_rate_bps=1000, commission_vnd=commission))
    order.sub_orders.append(part)
    db.session.add(order)
    db.session.commit()
    return order


@pytest.fixture
def known_sales(app):
    """Điện Biên honey (3★ food) and Hà Nội tea (5★ beverages, from a Hà Nội producer)."""
    honey = ProductFactory(group=ProductGroup.FOOD, ocop_stars=3)
    tea = ProductFactory(group=ProductGroup.BEVERAGES, ocop_stars=5,
                         producer=ProducerFactory(province_code=HA_NOI, ward_code=None))
    sell(honey, 2, 100_000, datetime(2026, 12, 1, 3, 0, tzinfo=UTC), commission=20_000)
    # 23:30 UTC on 1 December is 06:30 on 2 December in Vietnam.
    sell(honey, 1, 100_000, datetime(2026, 12, 1, 23, 30, tzinfo=UTC), commission=10_000)
    sell(tea, 3, 50_000, datetime(2026, 12, 2, 5, 0, tzinfo=UTC), commission=15_000, refunded=50_000,
         status=SubOrderStatus.REFUNDED)
    sell(tea, 1, 50_000, datetime(2026, 12, 8, 5, 0, tzinfo=UTC), commission=5_000)
    # Not sales: awaiting payment, cancelled, and November in Vietnam (16:59 UTC on 30 Nov is 23:59 there).
    sell(tea, 9, 50_000, datetime(2026, 12, 3, 5, 0, tzinfo=UTC), status=SubOrderStatus.PENDING_PAYMENT)
    sell(tea, 9, 50_000, datetime(2026, 12, 3, 5, 0, tzinfo=UTC), status=SubOrderStatus.CANCELLED)
    sell(honey, 9, 100_000, datetime(2026, 11, 30, 16, 59, tzinfo=UTC))
    return honey, tea


@pytest.fixture
def admin(app, client):
    UserFactory(email="admin@example.vn", is_admin=True)
    assert log_in(client, "admin@example.vn").status_code == 303


def by_start(rows):
    return {row["period_start"]: row for row in rows if row["orders"]}


def test_a_sale_at_23_30_utc_belongs_to_the_next_vietnamese_day(known_sales):
    rows = by_start(reports.revenue_by_period("day", DECEMBER))

    assert {d.day: (r["orders"], r["sales_vnd"]) for d, r in rows.items()} == {
        1: (1, 200_000), 2: (2, 250_000), 8: (1, 50_000)}
    assert rows[date(2026, 12, 2)]["refunded_vnd"] == 50_000 and rows[date(2026, 12, 2)]["commission_vnd"] == 25_000


def test_every_day_of_the_range_has_a_row_even_without_sales(known_sales):
    rows = reports.revenue_by_period("day", DECEMBER)

    assert len(rows) == 31 and rows[2] == {"period_start": date(2026, 12, 3), "orders": 0, "sales_vnd": 0,
                                          "refunded_vnd": 0, "commission_vnd": 0}


def test_weeks_start_on_monday_and_months_on_the_first(known_sales):
    weeks = by_start(reports.revenue_by_period("week", DECEMBER))
    months = by_start(reports.revenue_by_period("month", DateRange(date(2026, 11, 1), date(2026, 12, 31))))

    # 1 December 2026 is a Tuesday: its week starts on Monday 30 November.
    assert {d: r["sales_vnd"] for d, r in weeks.items()} == {date(2026, 11, 30): 450_000, date(2026, 12, 7): 50_000}
    assert {d: r["sales_vnd"] for d, r in months.items()} == {date(2026, 11, 1): 900_000, date(2026, 12, 1): 500_000}


def test_sales_by_province_group_and_stars_count_only_sales_in_the_range(known_sales):
    assert [(r["key"], r["orders"], r["quantity"], r["sales_vnd"]) for r in reports.sales_by("province", DECEMBER)] \
        == [(DIEN_BIEN, 2, 3, 300_000), (HA_NOI, 2, 4, 200_000)]
    assert [(r["key"], r["sales_vnd"]) for r in reports.sales_by("group", DECEMBER)] == [
        ("food", 300_000), ("beverages", 200_000)]
    assert [(r["key"], r["sales_vnd"]) for r in reports.sales_by("stars", DECEMBER)] == [(3, 300_000), (5, 200_000)]


def table_rows(page: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table id="{table_id}".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_the_revenue_page_shows_a_chart_described_by_its_table(client, admin, known_sales):
    page = html(client.get("/quan-tri/bao-cao/doanh-thu?period=day&since=2026-12-01&until=2026-12-08"))

    assert '<figure class="report-chart"' in page and 'aria-describedby="revenue-table"' in page
    assert "<svg" in page and "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
    rows = table_rows(page, "revenue-table")
    assert len(rows) == 8
    assert rows[1] == ["02/12/2026", "2", "250.000 ₫", "50.000 ₫", "25.000 ₫"]


def test_the_revenue_csv_holds_the_same_numbers_as_the_table(client, admin, known_sales):
    query = "period=week&since=2026-12-01&until=2026-12-31"
    page_rows = table_rows(html(client.get(f"/quan-tri/bao-cao/doanh-thu?{query}")), "revenue-table")
    response = client.get(f"/quan-tri/bao-cao/doanh-thu.csv?{query}")

    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["period_start"] for r in rows] == ["2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"]
    assert [int(r["sales_vnd"]) for r in rows] == [int(p[2].replace(".", "").replace(" ₫", "")) for p in page_rows]
    assert rows[0]["orders"] == "3"


@pytest.mark.parametrize("report, first", [("theo-tinh", "Điện Biên"), ("theo-nhom", "Thực phẩm"), ("theo-sao", "3 sao")])
def test_each_sales_page_has_a_chart_a_table_and_the_same_csv(client, admin, known_sales, report, first):
    query = "since=2026-12-01&until=2026-12-31"
    page = html(client.get(f"/quan-tri/bao-cao/{report}?{query}"))
    rows = table_rows(page, "sales-table")
    csv_rows = list(csv.DictReader(io.StringIO(client.get(f"/quan-tri/bao-cao/{report}.csv?{query}").get_data(as_text=True))))

    assert 'aria-describedby="sales-table"' in page and "<svg" in page
    assert first in rows[0][0] and rows[0][1:] == ["2", "3", "300.000 ₫"]
    assert [(r["label"], r["orders"], r["quantity"], r["sales_vnd"]) for r in csv_rows] == [
        (row[0], row[1], row[2], row[3].replace(".", "").replace(" ₫", "")) for row in rows]


def test_the_report_is_labelled_in_english_when_the_page_is(client, admin, known_sales):
    page = html(client.get("/quan-tri/bao-cao/theo-nhom?since=2026-12-01&until=2026-12-31",
                           headers={"Accept-Language": "en"}))

    assert "Sales by OCOP product group" in page and "Food" in page and "Beverages" in page


def test_a_range_that_ends_before_it_starts_is_refused_beside_the_field_and_kept(client, admin):
    response = client.get("/quan-tri/bao-cao/doanh-thu?period=month&since=2026-12-10&until=2026-12-01")

    page = html(response)
    assert response.status_code == 422 and "Ngày kết thúc phải từ ngày bắt đầu trở đi." in page
    assert 'value="2026-12-10"' in page and 'value="2026-12-01"' in page and "<svg" not in page


@pytest.mark.parametrize("query, message", [
    ("since=hôm-qua", "Ngày không hợp lệ"), ("period=year", "Vui lòng chọn theo ngày, tuần hoặc tháng."),
    ("period=day&since=2020-01-01&until=2026-12-31", "Khoảng thời gian quá dài")])
def test_bad_filters_are_explained_not_crashed(client, admin, query, message):
    response = client.get(f"/quan-tri/bao-cao/doanh-thu?{query}")

    assert response.status_code == 422 and message in html(response)
    assert client.get(f"/quan-tri/bao-cao/doanh-thu.csv?{query}").status_code == 422


def test_without_a_filter_the_report_shows_the_last_30_days(client, admin):
    page = html(client.get("/quan-tri/bao-cao"))

    assert len(table_rows(page, "revenue-table")) == 30


@pytest.mark.parametrize("path", ["/quan-tri/bao-cao", "/quan-tri/bao-cao/theo-tinh", "/quan-tri/bao-cao/theo-sao.csv",
                                  "/quan-tri/bao-cao/doanh-thu.csv"])
def test_reports_are_for_admins_only(client, app, path):
    assert client.get(path).status_code in (302, 303)  # anonymous: to the login page
    UserFactory(email="lan@example.vn")
    log_in(client)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("largest, ticks", [(3_475_000, [0, 2_000_000, 4_000_000]), (150_000, [0, 50_000, 100_000, 150_000]),
                                            (0, [0])])
def test_the_chart_axis_has_a_few_round_amounts_past_the_largest(largest, ticks):
    from marketplace.backoffice.report_pages import nice_ticks

    assert nice_ticks(largest, 3) == ticks


def test_weeks_are_labelled_by_their_monday_in_the_table(client, admin, known_sales):
    rows = table_rows(html(client.get("/quan-tri/bao-cao/doanh-thu?period=week&since=2026-12-01&until=2026-12-13")),
                      "revenue-table")

    assert [row[0] for row in rows] == ["Tuần từ 30/11/2026", "Tuần từ 07/12/2026"]
