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
from marketplace.demo.data import DEMO_PASSWORD
from marketplace.extensions import db
from marketplace.money import format_vnd
from marketplace.orders import cart, placement
from marketplace.payments.models import PaymentMethod
from marketplace.payouts.runs import run_payouts
from marketplace.producers.models import MemberRole, Producer, ProducerMember
from tests.factories import PASSWORD, member_of
from tests.money_helpers import deliver, give_bank_account, place_paid_order, release_all_delivered
from tests.web.browser_support import PHONE, answered, checker, log_in, phone_page

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


def paid_out_once(_app, producer_id: int) -> int:
    """The producer has a bank account and has been paid once: an order paid by transfer,
    delivered past the holding period, and a payout run. Returns the payout's amount."""
    with _app.app_context():
        producer = db.session.get(Producer, producer_id)
        shopper = db.session.scalar(sa.select(User).where(User.email == "shopper@demo.ocop.vn"))
        variant = next(v for p in db.session.scalars(sa.select(Product).where(
            Product.producer_id == producer_id, Product.status == ProductStatus.ACTIVE))
            for v in p.variants if v.is_active and v.stock_quantity > 0)
        give_bank_account(producer)
        deliver(place_paid_order(shopper, variant).sub_orders[0])
        release_all_delivered()
        amount = sum(payout.amount_vnd for payout in run_payouts().payouts)
        db.session.remove()
    return amount


def test_every_other_portal_page_is_accessible_at_360(owner, cod_part, _app, output_path):
    producer_id = cod_part[0]
    page = owner
    expect(page).to_have_url(re.compile(r"/kenh-nguoi-ban/\d+$"))
    paid = paid_out_once(_app, producer_id)
    for name, path in [("payouts", "/tien/chi-tra"), ("bank-account", "/tien/tai-khoan-ngan-hang"),
                       ("bank-account-edit", "/tien/tai-khoan-ngan-hang/sua"), ("members", "/thanh-vien")]:
        page.goto(f"/kenh-nguoi-ban/{producer_id}{path}")
        if name == "payouts":  # on a phone each payout is a card: its amount in sight, not off to the side
            amount = page.get_by_role("cell", name=format_vnd(paid))
            expect(amount).to_be_visible()
            box = amount.bounding_box()
            assert box["x"] + box["width"] <= PHONE["width"], box
        check(page, output_path, name)
    page.get_by_label("Email của tài khoản").fill("ai-do@example.vn")
    page.get_by_role("button", name="Thêm", exact=True).click()
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, output_path, "members-errors")
    page.get_by_role("navigation", name="Kênh người bán").get_by_role("link", name="Sản phẩm").click()
    page.get_by_role("link", name="Mật ong hoa ban").click()
    page.locator(".pp-variants a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa quy cách")
    check(page, output_path, "variant-edit")


def test_the_portal_home_lists_the_producers_of_someone_acting_for_several_and_tells_a_shopper_it_has_none(
        browser, storefront, _app, output_path):
    with _app.app_context():
        first, second = db.session.scalars(sa.select(Producer).order_by(Producer.id).limit(2)).all()
        names = [first.name, second.name]
        helper = member_of(first, MemberRole.STAFF, email="ban-hang.hai-noi@example.vn")
        db.session.add(ProducerMember(producer=second, user=helper, role=MemberRole.STAFF))
        db.session.commit()
        db.session.remove()
    refused = lambda url, text: url.endswith("/quan-tri") and "403" in text  # noqa: E731
    with phone_page(browser, storefront, allow=refused) as page:
        log_in(page, "/dang-nhap?next=/kenh-nguoi-ban", "ban-hang.hai-noi@example.vn", PASSWORD)
        expect(page).to_have_url(re.compile(r"/kenh-nguoi-ban$"))
        choices = page.locator(".portal-choices a")
        expect(choices).to_have_text(names)
        check(page, output_path, "home-choose")
        choices.nth(1).click()
        expect(page.get_by_role("heading", name="Tổng quan", exact=True)).to_be_visible()
        expect(page.locator(".portal-producer")).to_contain_text(names[1])
        page.locator("header").get_by_role("button", name="Đăng xuất").click()

        log_in(page, "/dang-nhap?next=/kenh-nguoi-ban", "shopper@demo.ocop.vn", DEMO_PASSWORD)
        expect(page).to_have_url(re.compile(r"/kenh-nguoi-ban$"))
        expect(page.get_by_text("Tài khoản của bạn chưa thuộc chủ thể OCOP nào.", exact=False)).to_be_visible()
        check(page, output_path, "home-no-producer")
        page.goto("/quan-tri")  # not an admin: refused, in words
        expect(page.get_by_role("heading", level=1)).to_have_text("Bạn không có quyền mở trang này")
        check(page, output_path, "back-office-refused")
