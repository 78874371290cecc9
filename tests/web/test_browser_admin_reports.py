"""The demo admin in a real Chromium at 360 px: opens the reports and sees each chart with its
table, changes a commission rate (a bad one first), and walks the display-point settings pages.
Every page is checked with axe-core and for sideways scrolling, and photographed."""

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.showrooms.models import DisplayPoint
from tests.web.browser_support import answered, check, log_in, phone_page, screenshot
from tests.web.test_report_pages import sell


@pytest.fixture(scope="module")
def with_sales(_app, storefront):
    """A few weeks of sales of the demo's products, so the charts have something to draw."""
    with _app.app_context():
        products = db.session.scalars(sa.select(Product).order_by(Product.id)).all()
        now = datetime.now(timezone.utc)
        for day in range(0, 28, 2):
            product = products[day % len(products)]
            sell(product, 1 + day % 3, product.variants[0].price_vnd, now - timedelta(days=day, hours=1),
                 commission=product.variants[0].price_vnd // 10)
        point_id = db.session.scalar(sa.select(DisplayPoint.id).order_by(DisplayPoint.id))
        db.session.remove()
    return point_id


@pytest.fixture
def admin_phone(browser, storefront):
    with phone_page(browser, storefront, allow=answered(422)) as page:  # a bad rate is sent back with a 422
        log_in(page, "/dang-nhap", "admin@demo.ocop.vn")
        page.wait_for_load_state()
        yield page


def test_the_admin_sees_each_report_as_a_chart_and_a_table(admin_phone, with_sales, output_path):
    page = admin_phone
    page.goto("/quan-tri")
    page.get_by_role("link", name="Báo cáo").first.click()

    chart = page.locator("figure.report-chart svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] <= 360 and box["height"] > 150
    expect(page.locator("#revenue-table tbody tr")).to_have_count(30)
    check(page, output_path, "admin-report-revenue")

    page.get_by_label("Gộp theo").select_option("week")
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page.locator("#revenue-table tbody tr").first).to_be_visible()
    check(page, output_path, "admin-report-revenue-weeks")

    for tab, name in (("Theo tỉnh", "province"), ("Theo nhóm sản phẩm", "group"), ("Theo hạng sao", "stars")):
        page.get_by_role("link", name=tab).click()
        expect(page.locator("figure.report-chart svg")).to_be_visible()
        expect(page.locator("#sales-table tbody tr").first).to_be_visible()
        check(page, output_path, f"admin-report-{name}")

    page.emulate_media(media="print")
    expect(page.locator(".report-filter")).to_be_hidden()
    screenshot(page, output_path, "admin-report-stars-print.png")
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Doanh thu theo thời gian").click()  # the tab's own address
    expect(page).to_have_url(re.compile(r"/quan-tri/bao-cao/doanh-thu$"))
    expect(page.locator("#revenue-table tbody tr")).to_have_count(30)
    check(page, output_path, "admin-report-revenue-tab")


def test_the_admin_changes_a_commission_rate(admin_phone, storefront, output_path):
    page = admin_phone
    page.goto("/quan-tri")
    page.get_by_role("link", name="Cài đặt").first.click()
    check(page, output_path, "admin-settings")
    page.get_by_role("link", name="Mức hoa hồng").click()
    check(page, output_path, "admin-commission-rates")

    form = page.locator("section", has=page.get_by_role("heading", name="Đặt mức cho một nhóm sản phẩm"))
    form.get_by_label("Nhóm sản phẩm").select_option("beverages")
    form.get_by_label("Mức hoa hồng (%)").fill("60")
    form.get_by_role("button", name="Lưu mức của nhóm").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(form.get_by_label("Mức hoa hồng (%)")).to_have_value("60")
    check(page, output_path, "admin-commission-rates-error")

    form.get_by_label("Mức hoa hồng (%)").fill("12,5")
    form.get_by_role("button", name="Lưu mức của nhóm").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu mức hoa hồng của nhóm")
    expect(page.locator("#group-rates tr", has_text="Đồ uống")).to_contain_text("12,5%")
    check(page, output_path, "admin-commission-rates-saved")


def test_the_display_point_settings_pages_pass_axe(admin_phone, with_sales, output_path):
    page = admin_phone
    page.goto("/quan-tri/diem-ban")
    check(page, output_path, "admin-points")
    page.goto(f"/quan-tri/diem-ban/{with_sales}")
    expect(page.get_by_role("heading", name="Người vận hành")).to_be_visible()
    check(page, output_path, "admin-point")
    page.get_by_label("Email của tài khoản").fill("ai.do@example.vn")
    page.get_by_role("button", name="Giao điểm bán", exact=True).click()
    expect(page.locator(".field-error")).to_contain_text("Không có tài khoản nào dùng email này.")
    check(page, output_path, "admin-point-operator-error")
    page.goto(f"/quan-tri/diem-ban/{with_sales}/sua")
    check(page, output_path, "admin-point-edit")
    page.goto("/quan-tri/diem-ban/them")
    check(page, output_path, "admin-point-new")
