"""A producer's day, in three Chromium contexts against one live server (waitress,
the demo loaded) that sends its mail through a real SMTP server on loopback.

The demo honey cooperative's owner, on a 360 px phone, creates a product with two
photos and a photographed decision document and publishes it; an admin, told by
mail, verifies the certificate at a desk with the document beside the claimed fields; a shopper
finds the product by searching without diacritics and buys it by cash on delivery;
the owner gets the new-order mail (in Vietnamese; the cooperative's storekeeper, who
reads mail in English, gets it in English), then packs, ships and delivers the order
from the portal's inbox, collecting the cash, and sees the balance move by what the
sale earns and the commission it owes. Every page is checked with axe-core and for
sideways scrolling, and photographed into the run's output folder."""

import os
import re
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.money import format_vnd
from marketplace.orders.models import Order
from tests.factories import DIEN_BIEN
from tests.mail_support import smtp_mailbox
from tests.web.browser_support import PHONE, assert_accessible, assert_no_horizontal_scroll
from tests.web.journey_support import balance, decision_scan, log_in, photo, wait_for_photos

OWNER, STOREKEEPER, ADMIN = "ongmat@demo.ocop.vn", "kho.ongmat@demo.ocop.vn", "admin@demo.ocop.vn"
PRODUCT, DECISION = "Mật ong hoa sơn tra Tủa Chùa", "0815/QĐ-UBND"
DESK = {"width": 1280, "height": 900}
# A form sent back with its errors answers 422: Chromium logs that status, which is no fault.
ANSWERS = re.compile(r"status of 422\b")


@pytest.fixture
def mailbox(_app, storefront, monkeypatch):
    """The live server mails through a real SMTP server on loopback; the storekeeper reads mail in English."""
    with smtp_mailbox() as (url, mailbox):
        monkeypatch.setitem(_app.config, "MAIL_URL", url)
        with _app.app_context():
            db.session.scalar(sa.select(User).where(User.email == STOREKEEPER)).locale = "en"
            db.session.commit()
            db.session.remove()
        yield mailbox


@pytest.fixture
def contexts(browser, storefront):
    """new(viewport) → a page in a context of its own; afterwards, no context may have logged an error."""
    opened, errors = [], []

    def new(viewport):
        context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=storefront)
        opened.append(context)
        page = context.new_page()
        page.on("console", lambda message: message.type == "error" and not ANSWERS.search(message.text)
                and errors.append((page.url, message.text)))
        return page

    yield new
    for context in opened:
        context.close()
    assert not errors, f"console errors: {errors}"


def check(page, output_path, name):
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    os.makedirs(output_path, exist_ok=True)
    page.screenshot(path=os.path.join(output_path, f"producer-day-{name}-{page.viewport_size['width']}.png"),
                    full_page=True)


def test_a_producers_day(contexts, mailbox, _app, output_path):
    producer = contexts(PHONE)
    log_in(producer, OWNER, "/kenh-nguoi-ban")
    expect(producer.get_by_role("heading", name="Tổng quan", exact=True)).to_be_visible()
    before = balance(producer)
    check(producer, output_path, "dashboard")
    create_and_publish(producer, output_path)
    verify_the_certificate(contexts(DESK), mailbox, output_path)
    shopper_email, number, total, commission = buy_cash_on_delivery(contexts(PHONE), _app, output_path)

    # The new-order mail, in each member's language.
    to_owner = mailbox.wait_for_one(OWNER, f"Đơn hàng mới {number}")
    assert f"Bạn có đơn hàng mới {number}: {format_vnd(total)}." in to_owner.get_body(("plain",)).get_content()
    mailbox.wait_for_one(STOREKEEPER, f"New order {number}")

    fulfil(producer, number, total, output_path)
    shipped = mailbox.wait_for_one(shopper_email, f"Đơn hàng {number} đang được giao")
    assert "VTP8150001" in shipped.get_body(("plain",)).get_content()

    # The cash is theirs (paid), less the commission, which the pending balance now owes.
    portal_nav = producer.get_by_role("navigation", name="Kênh người bán")
    portal_nav.get_by_role("link", name="Tổng quan").click()
    expect(producer.locator('[data-balance="paid"]').first).to_have_text(format_vnd(before["paid"] + total))
    assert balance(producer) == {**before, "pending": before["pending"] - commission, "paid": before["paid"] + total}
    check(producer, output_path, "dashboard-after")
    portal_nav.get_by_role("link", name="Tiền").click()
    sale = producer.get_by_role("row", name=re.compile(number)).filter(has_text="Thu tiền khi giao")
    expect(sale).to_have_count(1)
    amounts = sale.get_by_role("cell").last.bounding_box()  # a card on a phone: no amount off to the side
    assert amounts["x"] + amounts["width"] <= PHONE["width"], amounts
    check(producer, output_path, "money")


def create_and_publish(producer, output_path):
    """A new product: its certificate, two photos, the decision document, a variant; published."""
    producer.get_by_role("navigation", name="Kênh người bán").get_by_role("link", name="Sản phẩm").click()
    producer.get_by_role("link", name="Thêm sản phẩm").click()
    check(producer, output_path, "new-product")
    producer.get_by_label("Tên sản phẩm").fill(PRODUCT)
    producer.get_by_label("Nhóm sản phẩm").select_option("food")
    producer.get_by_label("Tỉnh, thành phố xuất xứ").select_option(str(DIEN_BIEN))
    producer.get_by_label("Hạng sao OCOP").select_option("4")
    producer.get_by_label("Số quyết định").fill(DECISION)
    producer.get_by_label("Cấp công nhận").select_option("provincial")
    producer.get_by_label("Ngày quyết định").fill("2025-09-15")
    producer.get_by_role("button", name="Tạo bản nháp").click()
    expect(producer.get_by_role("status").first).to_contain_text("Đã tạo bản nháp")
    for colour, kind in (((214, 160, 40), "JPEG"), ((120, 150, 60), "PNG")):
        producer.get_by_label(re.compile("Thêm ảnh")).set_input_files(photo(kind, colour))
        producer.get_by_role("button", name="Tải ảnh lên").click()
        expect(producer.get_by_role("status").first).to_contain_text(re.compile("Đã thêm ảnh|Đang xử lý ảnh"))
    wait_for_photos(producer, 2)
    producer.get_by_label(re.compile("Quyết định công nhận OCOP")).set_input_files(decision_scan(DECISION, PRODUCT))
    producer.get_by_role("button", name="Tải lên quyết định").click()
    expect(producer.get_by_role("link", name="Xem quyết định đã tải lên")).to_be_visible()
    expect(producer.locator("#quyet-dinh ~ p")).to_contain_text("Chờ Ban OCOP xác minh")
    check(producer, output_path, "product-draft")
    producer.get_by_role("link", name="Thêm quy cách").click()
    check(producer, output_path, "new-variant")
    producer.get_by_label("Tên quy cách").fill("Hũ 350 g")
    producer.get_by_label("Khối lượng, thể tích hoặc số lượng tịnh").fill("350")
    producer.get_by_label("Giá bán (đồng)").fill("285.000")
    producer.get_by_label("Tồn kho bán trực tuyến").fill("20")
    producer.get_by_role("button", name="Lưu quy cách").click()
    expect(producer.get_by_text("285.000 ₫")).to_be_visible()
    producer.get_by_role("button", name="Đăng bán").click()
    expect(producer.get_by_role("status").first).to_contain_text("Đã đăng bán")
    expect(producer.get_by_role("heading", name=re.compile("Trạng thái"))).to_contain_text("Đang bán")
    check(producer, output_path, "published")


def verify_the_certificate(admin, mailbox, output_path):
    """The admin, told by mail, verifies the certificate with the document beside what was claimed."""
    mailbox.wait_for_one(ADMIN, f"Chứng nhận cần kiểm tra: {PRODUCT}")
    log_in(admin, ADMIN, "/quan-tri")
    expect(admin.get_by_role("heading", name="Hàng chờ", level=1)).to_be_visible()
    admin.get_by_role("link", name="Xem tất cả chứng nhận chờ").click()
    expect(admin).to_have_url(re.compile(r"/quan-tri/chung-nhan$"))
    check(admin, output_path, "admin-certificates")
    admin.get_by_role("link", name=PRODUCT).click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text(PRODUCT)
    claimed = admin.locator("section", has=admin.get_by_role("heading", name="Thông tin khai báo"))
    document = admin.locator("section.document")
    expect(claimed).to_contain_text(DECISION)
    expect(claimed).to_contain_text("4 sao")
    scan = document.get_by_role("img", name=f"Văn bản quyết định số {DECISION}")
    expect(scan).to_have_js_property("complete", True)
    assert scan.evaluate("img => img.naturalWidth") > 0, "the decision document did not load"
    beside, left = document.bounding_box(), claimed.bounding_box()
    assert beside["x"] >= left["x"] + left["width"] and beside["y"] < left["y"] + left["height"], \
        "the document is not beside the claimed fields"
    check(admin, output_path, "admin-certificate")
    admin.get_by_role("button", name="Xác nhận chứng nhận").click()
    expect(admin.get_by_role("status")).to_contain_text(f"Đã xác nhận chứng nhận OCOP của {PRODUCT}")
    expect(admin.get_by_role("link", name=PRODUCT)).to_have_count(0)


def buy_cash_on_delivery(shopper, _app, output_path):
    """A new shopper finds the product without diacritics and buys it, cash on delivery.
    Returns (their email, the order's number, the part's total, its commission)."""
    email = f"khach-{uuid.uuid4().hex[:10]}@example.vn"
    response = shopper.context.request.post("/api/v1/auth/register", data={
        "email": email, "password": "mat-khau-du-dai-2026", "full_name": "Vũ Thị Lan"})
    assert response.status == 201, response.text()
    shopper.goto("/")
    shopper.get_by_label("Tìm đặc sản").fill("mat ong son tra")
    shopper.get_by_role("button", name="Tìm", exact=True).click()
    shopper.get_by_role("link", name=re.compile(PRODUCT)).first.click()
    expect(shopper.get_by_role("heading", level=1)).to_have_text(PRODUCT)
    expect(shopper.get_by_text(DECISION)).to_be_visible()
    expect(shopper.get_by_text("Đã xác minh")).to_be_visible()
    expect(shopper.locator(".gallery-photo img")).to_have_count(2)
    check(shopper, output_path, "shopper-product")
    shopper.get_by_role("button", name=re.compile("^Thêm vào giỏ")).first.click()
    expect(shopper.get_by_role("status")).to_contain_text("Đã thêm vào giỏ hàng.")
    shopper.get_by_role("link", name="Tiếp tục thanh toán").click()
    shopper.get_by_label("Họ và tên người nhận").fill("Vũ Thị Lan")
    shopper.get_by_label("Số điện thoại").fill("0987 654 321")
    shopper.get_by_label("Tỉnh, thành phố").select_option(label="Hà Nội")
    ward = shopper.get_by_label("Phường, xã")
    expect(ward.locator("option", has_text="Phường Hoàn Kiếm")).to_have_count(1)
    ward.select_option(label="Phường Hoàn Kiếm")
    shopper.get_by_label("Số nhà, đường, thôn, xóm").fill("8 Lò Sũ")
    shopper.get_by_label("Thanh toán khi nhận hàng (COD)").check()
    shopper.get_by_role("button", name="Đặt hàng").click()
    expect(shopper).to_have_url(re.compile(r"/don-hang/\d+$"))
    with _app.app_context():
        order = db.session.get(Order, int(shopper.url.rsplit("/", 1)[1]))
        (part,) = order.sub_orders
        bought = email, order.number, part.total_vnd, part.commission_vnd
        db.session.remove()
    assert bought[3] > 0
    expect(shopper.get_by_text(bought[1]).first).to_be_visible()
    check(shopper, output_path, "shopper-order")
    return bought


def fulfil(producer, number, total, output_path):
    """From the inbox: pack, ship with the carrier's tracking number, deliver and collect the cash."""
    producer.get_by_role("navigation", name="Kênh người bán").get_by_role("link", name="Đơn hàng").click()
    expect(producer.get_by_role("heading", name="Đơn hàng", exact=True)).to_be_visible()
    check(producer, output_path, "inbox")
    producer.get_by_role("link", name=re.compile(number)).click()
    expect(producer.get_by_role("heading", name=f"Đơn hàng {number}")).to_be_visible()
    expect(producer.get_by_text(PRODUCT)).to_be_visible()
    check(producer, output_path, "order")
    producer.get_by_role("button", name="Đã đóng gói").click()
    expect(producer.get_by_role("status")).to_contain_text("Đã đánh dấu đã đóng gói.")
    producer.get_by_label("Đơn vị vận chuyển").fill("Viettel Post")
    producer.get_by_label("Mã vận đơn").fill("VTP8150001")
    producer.get_by_role("button", name="Đã gửi hàng").click()
    expect(producer.get_by_text("VTP8150001")).to_be_visible()
    check(producer, output_path, "shipped")
    producer.get_by_label(re.compile("Tiền mặt đã thu")).fill(str(total))
    producer.get_by_role("button", name="Đã giao hàng").click()
    expect(producer.get_by_role("status")).to_contain_text("Đã đánh dấu đã giao.")
    check(producer, output_path, "delivered")
