"""The demo admin works through incoming bank transfers in a real Chromium at 360 px:
the queue from the nav, a short payment confirmed with its shortfall recorded, a
late payment whose stock is reserved again, a statement imported with its summary.
Every page is checked with axe-core and for sideways scrolling, and photographed."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.banking import intake
from marketplace.banking.intake import IncomingTransfer
from marketplace.banking.models import Source
from marketplace.catalog.models import Product
from marketplace.clock import VIETNAM_TZ
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders.fulfilment import expire_reservations
from marketplace.orders.models import Order
from tests.factories import UserFactory
from tests.money_helpers import place_order
from tests.web.browser_support import answered, check, log_in, phone_page

ADMIN = "admin@demo.ocop.vn"


@pytest.fixture(scope="module")
def arrived(_app, storefront):
    """A transfer 10.000 ₫ short of its order, and one that came after its order expired."""
    with _app.app_context():
        variant = db.session.scalars(sa.select(Product).order_by(Product.id)).first().variants[0]
        short, late = place_order(UserFactory(), variant), place_order(UserFactory(), variant)
        db.session.get(Order, late.id).reserved_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        expire_reservations()
        now = datetime.now(VIETNAM_TZ)
        for order, amount, reference in ((short, short.total_vnd - 10_000, "FT26339500001"),
                                         (late, late.total_vnd, "FT26339500002")):
            intake.record(IncomingTransfer(reference, amount, f"MBVCB.55.{order.transfer_reference}.CT tu 0912345678"
                                           f" NGUYEN VAN AN chuyen tien mua hang", now), Source.WEBHOOK)
        found = {"short": short.number, "late": late.number, "late_total": late.total_vnd}
        db.session.remove()
    return found


@pytest.fixture
def admin_phone(browser, storefront):
    with phone_page(browser, storefront, allow=answered(422)) as page:
        log_in(page, "/dang-nhap", ADMIN)
        page.wait_for_load_state()
        yield page


def test_the_admin_decides_on_incoming_transfers_and_imports_a_statement(admin_phone, arrived, output_path,
                                                                            tmp_path):
    page = admin_phone
    page.goto("/quan-tri")
    expect(page.get_by_role("heading", name="Chuyển khoản đến chờ xử lý")).to_be_visible()
    page.get_by_role("navigation", name="Quản trị").get_by_role("link", name="Chuyển khoản đến").click()
    expect(page.locator(".admin-table tbody tr")).to_have_count(2)
    check(page, output_path, "bank-queue")

    page.get_by_role("link", name="Xử lý FT26339500001").click()
    expect(page.get_by_role("heading", name="Khoản chuyển FT26339500001")).to_be_visible()
    expect(page.locator(".difference-short")).to_have_text("-10.000 ₫")
    check(page, output_path, "bank-short-payment")
    expect(page.locator(".decision").first).to_contain_text("Chuyển trả người gửi")  # the suggestion comes first
    confirming = page.get_by_role("region", name="Xác nhận đơn")
    confirming.get_by_label("Ghi chú").fill("Khách chịu phí chuyển; nền tảng chịu phần thiếu")
    confirming.get_by_role("button", name="Xác nhận đơn").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã xác nhận đơn bằng khoản chuyển này.")
    expect(page.locator(".admin-table tbody tr")).to_have_count(1)

    page.get_by_role("link", name="Xử lý FT26339500002").click()
    expect(page.get_by_text("Đơn đã hết hạn giữ hàng")).to_be_visible()
    dismiss = page.get_by_role("button", name="Bỏ qua khoản này")
    dismiss.click()  # without a note first: refused beside the field
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, output_path, "bank-late-payment-refused")
    page.get_by_role("button", name="Giữ lại hàng và xác nhận").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã giữ lại hàng và xác nhận đơn.")
    expect(page.get_by_text("Không có khoản nào chờ xử lý.")).to_be_visible()

    page.get_by_role("link", name="Tự khớp").click()
    check(page, output_path, "bank-matched")
    page.get_by_role("link", name="Đã xử lý").click()
    expect(page.locator(".admin-table tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Xem FT26339500002").click()
    expect(page.get_by_text("Khách chịu phí chuyển; nền tảng chịu phần thiếu")).to_be_hidden()  # the other one
    check(page, output_path, "bank-resolved")

    page.get_by_role("link", name="Chuyển khoản đến").last.click()
    page.get_by_role("link", name="Nhập sao kê").click()
    check(page, output_path, "bank-import")
    statement = tmp_path / "sao-ke.csv"
    statement.write_text("Ngày giao dịch,Số tham chiếu,Số tiền ghi có,Nội dung\n"
                         "05/12/2026 09:15,FT26339500002,"
                         f"{arrived['late_total']},đã ghi nhận qua thông báo\n"
                         "05/12/2026 10:00,FT26339500003,50.000,CHUYEN TIEN\n"
                         "ngày mai,FT26339500004,10.000,OCOP\n", encoding="utf-8")
    page.get_by_label("Tệp sao kê (CSV hoặc XLSX)").set_input_files(str(statement))
    page.get_by_role("button", name="Nhập sao kê").click()
    summary = page.get_by_role("status").filter(has_text="Kết quả nhập")
    expect(summary).to_contain_text("Dòng 4: Không đọc được ngày")
    check(page, output_path, "bank-import-summary")
