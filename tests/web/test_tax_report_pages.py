"""The monthly report of the tax withheld for household businesses: per producer, revenue, VAT
and PIT, with totals, on the page and as CSV and XLSX, adding up to the ledger's tax-payable
accounts for the month."""

import csv
import io
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.payouts import tax_report
from marketplace.payouts.models import Account, JournalEntry, JournalLine
from marketplace.producers.models import LegalType
from marketplace.showrooms import till
from marketplace.showrooms.models import SalePayment
from tests.factories import ProducerFactory, ProductFactory, UserFactory
from tests.money_helpers import deliver, place_order, place_paid_order, refund
from tests.point_factories import DisplayPointFactory, consign, new_key, receive
from tests.web.test_account_pages import html, log_in

REPORT = "/quan-tri/bao-cao/thue-khau-tru"


@pytest.fixture
def admin(app, client):
    UserFactory(email="admin@example.vn", is_admin=True)
    assert log_in(client, "admin@example.vn").status_code == 303


def jar_of(producer, price):
    return ProductFactory(producer=producer, variant__price_vnd=price, variant__stock_quantity=1_000).variants[0]


@pytest.fixture
def month_of_sales(app):
    """Two household businesses and a cooperative, selling online, cash on delivery and at a display
    point this month, with a partial refund; and a sale of last March, which is not this month's."""
    oanh = ProducerFactory(legal_type=LegalType.HOUSEHOLD, name="Hộ kinh doanh Đinh Thị Kim Oanh",
                           tax_code="5601583027")
    minh = ProducerFactory(legal_type=LegalType.HOUSEHOLD, name="Hộ kinh doanh Lò Văn Minh", tax_code=None)
    htx = ProducerFactory(name="Hợp tác xã Mường Phăng", tax_code="5600218342")
    shopper = UserFactory()
    old = place_paid_order(shopper, jar_of(oanh, 500_000))
    db.session.execute(sa.update(JournalEntry).where(JournalEntry.sub_order_id == old.sub_orders[0].id)
                       .values(created_at=datetime(2025, 9, 10, 3, tzinfo=timezone.utc)))
    db.session.commit()
    [paid] = place_paid_order(shopper, (jar_of(oanh, 123_450), 2)).sub_orders   # 246.900 ₫ of goods
    refund(paid, 100_000)
    [cod] = place_order(shopper, jar_of(minh, 99_999), method="cod").sub_orders
    deliver(cod)
    place_paid_order(shopper, jar_of(htx, 300_000))
    point, rice = DisplayPointFactory(), jar_of(minh, 165_000)
    consign(point, minh)
    receive(point, rice, 10)
    till.sell(point.id, None, till.Sale((till.SaleLine(rice.id, 3),), SalePayment.CASH), new_key())
    return oanh, minh, htx


def ledger_tax_this_month() -> dict:
    """What the tax-payable accounts moved this month, per account, straight from the ledger's lines."""
    start, end = tax_report.month_bounds(today_vn())
    rows = db.session.execute(
        sa.select(JournalLine.account, sa.func.sum(JournalLine.amount_vnd)).join(JournalEntry)
        .where(JournalLine.account.in_([Account.VAT_WITHHELD, Account.PIT_WITHHELD]),
               JournalEntry.created_at >= start, JournalEntry.created_at < end).group_by(JournalLine.account))
    return {account: -int(amount) for account, amount in rows}


def test_the_report_adds_up_to_the_tax_payable_accounts_of_the_month(month_of_sales):
    oanh, minh, _htx = month_of_sales

    report = tax_report.monthly_withholding(today_vn())

    ledger = ledger_tax_this_month()
    assert report.totals.vat_withheld_vnd == ledger[Account.VAT_WITHHELD]
    assert report.totals.pit_withheld_vnd == ledger[Account.PIT_WITHHELD]
    by_name = {row.producer_name: row for row in report.rows}
    assert set(by_name) == {oanh.name, minh.name}  # the cooperative has nothing withheld
    # Oanh: 246.900 ₫ of goods, 2.469 ₫ VAT and 1.234,5 → 1.235 ₫ PIT; the refund of 100.000 ₫ of the part's
    # 291.900 ₫ (45.000 ₫ shipping) gives back 84.584 ₫ of revenue, 846 ₫ VAT and 423 ₫ PIT.
    row = by_name[oanh.name]
    assert (row.tax_code, row.revenue_vnd, row.vat_withheld_vnd, row.pit_withheld_vnd) == (
        "5601583027", 246_900 - 84_584, 2_469 - 846, 1_235 - 423)
    # Minh: 99.999 ₫ by COD (1.000 + 500) and 495.000 ₫ at the till (4.950 + 2.475).
    row = by_name[minh.name]
    assert (row.revenue_vnd, row.vat_withheld_vnd, row.pit_withheld_vnd) == (594_999, 5_950, 2_975)


def test_last_septembers_sale_is_in_septembers_report_only(month_of_sales):
    oanh = month_of_sales[0]

    [row] = tax_report.monthly_withholding(datetime(2025, 9, 1).date()).rows

    assert (row.producer_id, row.revenue_vnd, row.vat_withheld_vnd, row.pit_withheld_vnd) == (oanh.id, 500_000,
                                                                                              5_000, 2_500)


def test_the_page_shows_each_producer_and_the_totals(client, admin, month_of_sales):
    page = html(client.get(REPORT))

    assert "Hộ kinh doanh Đinh Thị Kim Oanh" in page and "5601583027" in page
    assert "Hộ kinh doanh Lò Văn Minh" in page and "Chưa có" in page  # no tax code yet: the admin sees it
    assert "Hợp tác xã Mường Phăng" not in page
    ledger = ledger_tax_this_month()
    total = ledger[Account.VAT_WITHHELD] + ledger[Account.PIT_WITHHELD]
    assert f"{total:,}".replace(",", ".") + " ₫" in page.split("<tfoot>")[1]


def test_the_csv_has_a_line_per_producer_with_the_pages_numbers(client, admin, month_of_sales):
    month = today_vn().strftime("%Y-%m")
    response = client.get(f"{REPORT}.csv?thang={month}")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="thue-khau-tru-{month}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == tax_report.COLUMNS
    report = tax_report.monthly_withholding(today_vn())
    assert [(r["producer_name"], int(r["revenue_vnd"]), int(r["vat_withheld_vnd"]), int(r["pit_withheld_vnd"]),
             int(r["total_withheld_vnd"]), r["month"]) for r in rows] == [
        (r.producer_name, r.revenue_vnd, r.vat_withheld_vnd, r.pit_withheld_vnd, r.total_withheld_vnd, month)
        for r in report.rows]
    ledger = ledger_tax_this_month()
    assert sum(int(r["total_withheld_vnd"]) for r in rows) == sum(ledger.values())


def test_the_xlsx_is_the_declarations_table_with_a_totals_row(client, admin, month_of_sales):
    month = today_vn().strftime("%Y-%m")
    response = client.get(f"{REPORT}.xlsx?thang={month}")

    assert response.status_code == 200 and response.mimetype == tax_report.XLSX_MIMETYPE
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0].startswith("BẢNG KÊ THUẾ GTGT, THUẾ TNCN ĐÃ KHẤU TRỪ")
    assert values[1][0] == f"Kỳ tính thuế: tháng {today_vn():%m/%Y}"
    assert values[3] == tax_report.XLSX_HEADINGS
    body, totals = values[4:-1], values[-1]
    assert [row[0] for row in body] == [1, 2]
    assert {row[1]: row[2:] for row in body}["Hộ kinh doanh Đinh Thị Kim Oanh"][:2] == ["5601583027", "Hộ kinh doanh"]
    ledger = ledger_tax_this_month()
    assert totals[1] == "Tổng cộng"
    assert totals[4:] == [sum(r[4] for r in body), ledger[Account.VAT_WITHHELD], ledger[Account.PIT_WITHHELD],
                          sum(ledger.values())]


def test_a_month_with_nothing_withheld_says_so(client, admin, month_of_sales):
    page = html(client.get(f"{REPORT}?thang=2024-01"))
    assert "Không có khoản thuế nào được khấu trừ trong tháng này." in page


@pytest.mark.parametrize("path", [REPORT, f"{REPORT}.csv", f"{REPORT}.xlsx"])
@pytest.mark.parametrize("month", ["2026-13", "9999-12", "0001-01"])
def test_a_bad_month_is_refused_beside_the_field(client, admin, path, month):
    response = client.get(f"{path}?thang={month}")

    assert response.status_code == 422
    assert "Tháng không hợp lệ. Ví dụ: 2026-01." in html(response)
