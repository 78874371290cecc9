"""Tax withheld for household businesses, in a real Chromium at 360 px: the demo admin reads the
month's withholding report and sets a rate to come (a bad one first); the demo household business
sees the tax withheld on its statement. Each page is checked with axe-core and for sideways
scrolling, and photographed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.catalog.models import Product
from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.producers.models import Producer
from tests.factories import UserFactory
from tests.money_helpers import place_paid_order, refund
from tests.web.browser_support import answered, check, log_in, phone_page

HOUSEHOLD_OWNER = "kimoanh@demo.ocop.vn"  # Hộ kinh doanh Đinh Thị Kim Oanh, in the demo


@pytest.fixture(scope="module")
def household_sales(_app, storefront):
    """Two paid orders of the demo household business's wine, one of them refunded in part."""
    with _app.app_context():
        producer = db.session.scalar(sa.select(Producer).where(Producer.slug == "hkd-dinh-thi-kim-oanh"))
        wine = db.session.scalars(sa.select(Product).where(Product.producer_id == producer.id)
                                  .order_by(Product.id)).first()
        shopper = UserFactory()
        [part] = place_paid_order(shopper, (wine.variants[0], 2)).sub_orders
        refund(part, 100_000, "Một chai bị vỡ khi giao")
        place_paid_order(shopper, wine.variants[0])
        db.session.remove()


@pytest.fixture
def admin_phone(browser, storefront):
    with phone_page(browser, storefront, allow=answered(422)) as page:  # a bad rate is sent back with a 422
        log_in(page, "/dang-nhap", "admin@demo.ocop.vn")
        page.wait_for_load_state()
        yield page


def test_the_admin_reads_the_months_tax_withheld_per_producer(admin_phone, household_sales, output_path):
    page = admin_phone
    page.goto("/quan-tri/bao-cao")
    page.get_by_role("link", name="Thuế khấu trừ").click()

    row = page.locator("#tax-table tbody tr", has_text="Hộ kinh doanh Đinh Thị Kim Oanh")
    expect(row).to_contain_text("5601583027")
    expect(page.locator("#tax-table tfoot")).to_contain_text("Tổng")
    expect(page.get_by_role("link", name="Tải bảng kê (XLSX)")).to_be_visible()
    check(page, output_path, "admin-tax-withholding")

    page.get_by_label("Tháng", exact=True).fill("2024-01")
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page.get_by_text("Không có khoản thuế nào được khấu trừ trong tháng này.")).to_be_visible()
    check(page, output_path, "admin-tax-withholding-empty")


def test_the_admin_sets_a_withholding_rate_to_come(admin_phone, storefront, output_path):
    page = admin_phone
    page.goto("/quan-tri/cai-dat")
    page.get_by_role("link", name="Thuế khấu trừ của hộ kinh doanh").click()
    expect(page.get_by_text("Đang áp dụng: thuế GTGT 1%, thuế TNCN 0,5%")).to_be_visible()
    check(page, output_path, "admin-withholding-rates")

    page.get_by_label("Áp dụng từ ngày").fill(today_vn().isoformat())
    page.get_by_label("Thuế GTGT (%)").fill("1,5")
    page.get_by_label("Thuế TNCN (%)").fill("0,75")
    page.get_by_role("button", name="Lưu mức mới").click()
    expect(page.locator(".error-summary")).to_contain_text("Chọn một ngày sau hôm nay")
    expect(page.get_by_label("Thuế GTGT (%)")).to_have_value("1,5")
    check(page, output_path, "admin-withholding-rates-error")

    page.get_by_label("Áp dụng từ ngày").fill((today_vn() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Lưu mức mới").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu mức thuế khấu trừ")
    expect(page.locator("#withholding-rates tbody tr")).to_have_count(2)
    check(page, output_path, "admin-withholding-rates-saved")
    page.get_by_role("button", name="Xoá mức áp dụng từ").click()
    expect(page.locator("#withholding-rates tbody tr")).to_have_count(1)


def test_the_household_business_sees_the_tax_withheld_on_its_statement(browser, storefront, household_sales,
                                                                        output_path):
    with phone_page(browser, storefront) as page:
        log_in(page, "/dang-nhap", HOUSEHOLD_OWNER)
        page.wait_for_load_state()
        page.goto("/kenh-nguoi-ban")
        page.get_by_role("link", name="Tiền").first.click()

        expect(page.locator("#withholding-note")).to_contain_text("thuế GTGT 1% và thuế TNCN 0,5%")
        expect(page.locator(".tax-lines").first).to_contain_text("Thuế GTGT khấu trừ")
        expect(page.get_by_text("Hoàn lại thuế đã khấu trừ (hoàn tiền)").first).to_be_visible()
        check(page, output_path, "portal-statement-tax")
