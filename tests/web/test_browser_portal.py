"""The producer portal in a real Chromium at 360 px: the demo owner logs in,
sees the dashboard with its chart, packs, ships (with a tracking number) and
delivers a cash-on-delivery part placed through the services, records the cash,
and sees the balance move. Every portal page is checked with axe-core and for
sideways scrolling, and photographed into the run's output folder."""

import re
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.accounts.models import User
from marketplace.catalog.models import Product, ProductStatus
from marketplace.extensions import db
from marketplace.orders import cart, placement
from marketplace.payments.models import PaymentMethod
from marketplace.producers.models import Producer
from tests.web.browser_support import answered, checker, log_in, phone_page

OWNER = "ongmat@demo.ocop.vn"


@pytest.fixture(scope="module")
def cod_part(_app, storefront):
    """A shopper's cash-on-delivery order of the demo honey, placed through the services: (producer id, part)."""
    with _app.app_context():
        producer = db.session.scalar(sa.select(Producer).where(Producer.name.like("%Ong mật Điện Biên%")))
        shopper = db.session.scalar(sa.select(User).where(User.email == "shopper@demo.ocop.vn"))
        variant = next(v for p in db.session.scalars(sa.select(Product).where(
            Product.producer_id == producer.id, Product.status == ProductStatus.ACTIVE))
            for v in p.variants if v.is_active and v.stock_quantity > 0)
        cart.add_line(shopper, variant.id, 1)
        order, _created = placement.place_order(shopper, {
            "payment_method": PaymentMethod.COD, "shipping_address": {
                "recipient_name": "Trần Thu Hà", "phone": "+84912345678", "province_code": 1, "ward_code": 70,
                "street_address": "12 Hàng Bạc"}}, f"portal-browser-{uuid.uuid4().hex}")
        part = next(s for s in order.sub_orders if s.producer_id == producer.id)
        found = producer.id, part.id, order.number, part.total_vnd
        db.session.remove()
    return found


@pytest.fixture
def owner(browser, storefront):
    with phone_page(browser, storefront, allow=answered(422, 409)) as page:
        log_in(page, "/dang-nhap?next=/kenh-nguoi-ban", OWNER)
        yield page


check = checker("portal-")


def balance(page, which: str) -> str:
    return page.locator(f'[data-balance="{which}"]').first.inner_text()


def test_the_owner_fulfils_a_cod_part_and_sees_the_balance_move(owner, cod_part, output_path):
    producer_id, part_id, number, total = cod_part
    page = owner
    expect(page).to_have_url(re.compile(rf"/kenh-nguoi-ban/{producer_id}$"))
    expect(page.get_by_role("heading", name="Tổng quan", exact=True)).to_be_visible()
    expect(page.locator("figure.sales-chart svg")).to_be_visible()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    pending_before = balance(page, "pending")
    check(page, output_path, "dashboard")

    page.get_by_role("navigation", name="Kênh người bán").get_by_role("link", name="Đơn hàng").click()
    expect(page.get_by_role("heading", name="Đơn hàng", exact=True)).to_be_visible()
    page.get_by_label("Mã đơn hoặc số điện thoại").fill(number)
    page.get_by_role("button", name="Lọc").click()
    check(page, output_path, "inbox")
    page.get_by_role("link", name=re.compile(number)).click()
    expect(page.get_by_role("heading", name=f"Đơn hàng {number}")).to_be_visible()
    check(page, output_path, "sub-order")

    page.get_by_role("button", name="Đã đóng gói").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đánh dấu đã đóng gói.")
    page.get_by_label("Đơn vị vận chuyển").fill("Viettel Post")
    page.get_by_label("Mã vận đơn").fill("VTP0001234")
    page.get_by_role("button", name="Đã gửi hàng").click()
    expect(page.get_by_text("VTP0001234")).to_be_visible()

    page.get_by_label(re.compile("Tiền mặt đã thu")).fill(str(total))
    page.get_by_role("button", name="Đã giao hàng").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đánh dấu đã giao.")
    check(page, output_path, "delivered")

    page.goto(f"/kenh-nguoi-ban/{producer_id}/don-hang/{part_id}/phieu-dong-goi")
    check(page, output_path, "packing-slip")

    page.goto(f"/kenh-nguoi-ban/{producer_id}")
    assert balance(page, "pending") != pending_before
    page.get_by_role("navigation", name="Kênh người bán").get_by_role("link", name="Tiền").click()
    expect(page.get_by_role("cell", name=re.compile("Thu tiền khi giao")).first).to_be_visible()
    check(page, output_path, "statement")


def test_every_other_portal_page_is_accessible_at_360(owner, cod_part, output_path):
    producer_id = cod_part[0]
    page = owner
    expect(page).to_have_url(re.compile(r"/kenh-nguoi-ban/\d+$"))
    for name, path in [("payouts", "/tien/chi-tra"), ("bank-account", "/tien/tai-khoan-ngan-hang"),
                       ("bank-account-edit", "/tien/tai-khoan-ngan-hang/sua"), ("members", "/thanh-vien")]:
        page.goto(f"/kenh-nguoi-ban/{producer_id}{path}")
        check(page, output_path, name)
    page.get_by_label("Email của tài khoản").fill("ai-do@example.vn")
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, output_path, "members-errors")
