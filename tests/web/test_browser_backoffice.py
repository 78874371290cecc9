"""An admin's day in a real Chromium at 360 px, with the demo admin: approve a
producer, confirm a bank transfer found by its reference (a wrong amount
refused first), run payouts and download the bank file, read the audit log,
the orders and a certificate, and end on the reports: today's sales, with the
transfer just confirmed, drawn as a chart and told by its table. Every page is checked with axe-core and for sideways scrolling, and
photographed into the run's output folder."""

import csv
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.catalog.models import Product
from marketplace.demo import data as demo
from marketplace.extensions import db
from marketplace.money import format_vnd
from marketplace.producers.models import ProducerStatus
from tests.factories import ProducerFactory, ProductFactory, UserFactory
from tests.money_helpers import deliver, give_bank_account, place_order, place_paid_order, release_all_delivered
from tests.web.browser_support import PHONE, checker

ADMIN = "admin@demo.ocop.vn"


@pytest.fixture(scope="module")
def waiting(_app, storefront):
    """What the demo admin finds waiting: a producer's application, a bank
    transfer to confirm, and a producer whose earnings are due a payout."""
    with _app.app_context():
        pending = ProducerFactory(name="HTX Chè Shan Tuyết Tà Xùa", status=ProducerStatus.PENDING, approved_at=None)
        shopper = UserFactory(email="khach.chuyenkhoan@example.vn")
        variant = db.session.scalars(sa.select(Product).order_by(Product.id)).first().variants[0]
        order = place_order(shopper, variant)
        product = ProductFactory(name="Mật ong rừng Mường Phăng", variant__stock_quantity=50)
        give_bank_account(product.producer)
        paid = place_paid_order(shopper, product.variants[0])
        deliver(paid.sub_orders[0])
        release_all_delivered()
        found = {"producer": pending.name, "reference": order.transfer_reference, "total": order.total_vnd,
                 "payee": product.producer.name.upper(),
                 # what today's row of the revenue report shows once the transfer is confirmed
                 "parts_today": len(order.sub_orders) + len(paid.sub_orders),
                 "sales_today": sum(part.items_total_vnd for part in [*order.sub_orders, *paid.sub_orders])}
        db.session.remove()
    return found


@pytest.fixture
def phone(browser, storefront):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=storefront, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append((page.url, message.text)))
    yield page
    context.close()
    errors = [(url, text) for url, text in errors if not re.search(r"status of (422|409)\b", text)]
    assert not errors, f"console errors: {errors}"


check = checker("admin-")


def test_an_admins_day(phone, waiting, output_path):
    page = phone
    page.goto("/quan-tri")
    expect(page).to_have_url(re.compile(r"/dang-nhap\?next=(/|%2F)quan-tri$"))
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Mật khẩu").fill(demo.DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/quan-tri$"))
    expect(page.get_by_role("heading", name="Hàng chờ", level=1)).to_be_visible()
    check(page, output_path, "queues")

    # Approve the producer.
    page.get_by_role("link", name=waiting["producer"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(waiting["producer"])
    check(page, output_path, "producer-review")
    page.get_by_role("button", name="Duyệt chủ thể").click()
    expect(page.get_by_role("status")).to_contain_text(f"Đã duyệt {waiting['producer']}")
    expect(page.get_by_role("link", name=waiting["producer"])).to_have_count(0)

    # Find the transfer by its reference, refuse a wrong amount, then confirm it.
    page.get_by_label("Nội dung chuyển khoản hoặc số đơn").fill(waiting["reference"].lower())
    page.get_by_role("button", name="Tìm").click()
    expect(page).to_have_url(re.compile(r"/quan-tri/chuyen-khoan\?q="))
    check(page, output_path, "transfers-found")
    page.get_by_role("link", name=re.compile("^Xác nhận")).click()
    page.get_by_label("Số tiền đã nhận (đồng)").fill(str(waiting["total"] - 1000))
    page.get_by_label("Mã giao dịch ngân hàng").fill("FT26338012345")
    page.get_by_role("button", name="Xác nhận đã nhận tiền").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{waiting['total']}")
    expect(page.get_by_label("Mã giao dịch ngân hàng")).to_have_value("FT26338012345")
    check(page, output_path, "transfer-wrong-amount")
    page.get_by_label("Số tiền đã nhận (đồng)").fill(str(waiting["total"]))
    page.get_by_role("button", name="Xác nhận đã nhận tiền").click()
    expect(page.get_by_role("status")).to_contain_text("Đã xác nhận chuyển khoản")
    expect(page.get_by_text(waiting["reference"])).to_have_count(0)

    # Run payouts and download the bank file.
    page.get_by_role("navigation", name="Quản trị").get_by_role("link", name="Chi trả").click()
    check(page, output_path, "payouts")
    page.get_by_role("button", name="Chạy đợt chi trả").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đợt chi trả")
    expect(page.get_by_role("table")).to_contain_text(waiting["payee"])
    check(page, output_path, "payout-run")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tệp cho ngân hàng (CSV)").click()
    download = download_info.value
    assert re.fullmatch(r"payout-run-\d+\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as bank_file:
        rows = list(csv.DictReader(bank_file))
    assert [row["holder_name"] for row in rows] == [waiting["payee"]]

    # Mark it paid from its page.
    page.get_by_role("link", name=re.compile(r"^#\d+$")).first.click()
    check(page, output_path, "payout")
    page.get_by_label("Mã giao dịch ngân hàng").fill("VCB-20261203-01")
    page.get_by_role("button", name="Đánh dấu đã trả").click()
    expect(page.get_by_role("status")).to_contain_text("đã trả")

    # The audit log holds each action, newest first.
    page.get_by_role("navigation", name="Quản trị").get_by_role("link", name="Nhật ký").click()
    table = page.get_by_role("table")
    for action in ("producer.approved", "bank_transfer.confirmed", "payout_run.started", "payout.marked_paid"):
        expect(table).to_contain_text(action)
    expect(table).to_contain_text(ADMIN)
    check(page, output_path, "audit-log")
    page.get_by_text("Lọc nhật ký").click()  # the filters fold away until wanted (no JavaScript: <details>)
    page.get_by_label("Hành động").select_option("producer.approved")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(1)
    check(page, output_path, "audit-log-filtered")

    # The order pages: search by the reference, the order in full.
    page.get_by_role("navigation", name="Quản trị").get_by_role("link", name="Đơn hàng").click()
    page.get_by_label("Số đơn, mã chuyển khoản, email hoặc số điện thoại").fill(waiting["reference"])
    page.get_by_role("button", name="Tìm").click()
    check(page, output_path, "orders")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đơn hàng")
    check(page, output_path, "order")
    page.get_by_role("link", name="Hoàn tiền phần này").click()
    page.get_by_label("Số tiền hoàn (đồng)").fill("10000")
    page.get_by_role("button", name="Hoàn tiền").click()  # no reason: refused, the amount kept
    expect(page.get_by_label("Số tiền hoàn (đồng)")).to_have_value("10000")
    check(page, output_path, "refund-no-reason")

    # A certificate, its claimed fields beside the document, verified.
    page.goto("/quan-tri/chung-nhan")
    check(page, output_path, "certificates")
    page.locator("main article h2 a").first.click()
    check(page, output_path, "certificate")
    page.get_by_role("button", name="Xác nhận chứng nhận").click()
    expect(page.get_by_role("status")).to_contain_text("Đã xác nhận chứng nhận OCOP")

    # The reports: the last 30 days as a chart that fits the phone, and its table, where today's
    # row counts the transfer confirmed this morning (an order awaiting payment counts nowhere).
    page.get_by_role("navigation", name="Quản trị").get_by_role("link", name="Báo cáo").click()
    expect(page.get_by_role("heading", name="Doanh thu theo thời gian", level=2)).to_be_visible()
    chart = page.locator("figure.report-chart svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] > 150, box
    expect(page.locator("figure.report-chart")).to_have_attribute("aria-describedby", "revenue-table")
    rows = page.locator("#revenue-table tbody tr")
    expect(rows).to_have_count(30)
    today = rows.last.get_by_role("cell")
    expect(today.nth(0)).to_have_text(str(waiting["parts_today"]))
    expect(today.nth(1)).to_have_text(format_vnd(waiting["sales_today"]))
    expect(page.locator("#revenue-table tfoot")).to_contain_text(format_vnd(waiting["sales_today"]))
    check(page, output_path, "report")
