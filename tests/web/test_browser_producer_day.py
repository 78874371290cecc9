"""A producer's day, in three Chromium contexts against one live server (waitress,
the demo loaded) that sends its mail through a real SMTP server on loopback.

The demo honey cooperative's owner, on a 360 px phone, creates a product with two
photos and a photographed decision document and publishes it; an admin, at a desk,
verifies the certificate with the document beside the claimed fields; a shopper
finds the product by searching without diacritics and buys it by cash on delivery;
the owner gets the new-order mail (in Vietnamese; the cooperative's storekeeper, who
reads mail in English, gets it in English), then packs, ships and delivers the order
from the portal's inbox, collecting the cash, and sees the balance move by what the
sale earns and the commission it owes. Every page is checked with axe-core and for
sideways scrolling, and photographed into the run's output folder."""

import io
import os
import re
import time
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import expect

from marketplace.accounts.models import User
from marketplace.demo.data import DEMO_PASSWORD
from marketplace.extensions import db
from marketplace.money import format_vnd
from marketplace.orders.models import Order
from tests.factories import DIEN_BIEN
from tests.mail_support import smtp_mailbox
from tests.web.browser_support import PHONE, assert_accessible, assert_no_horizontal_scroll

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


def log_in(page, email, path):
    page.goto(f"/dang-nhap?next={path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập", exact=True).click()


def photo(kind: str, colour) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(out, kind)
    return {"name": f"anh.{kind.lower()}", "mimeType": f"image/{kind.lower()}", "buffer": out.getvalue()}


def decision_scan() -> dict:
    """A phone's photo of the decision: a page with its heading and number."""
    page = Image.new("RGB", (1240, 1754), (250, 250, 245))
    draw = ImageDraw.Draw(page)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    except OSError:
        font = ImageFont.load_default(40)
    for y, line in ((120, "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN"), (260, f"Số: {DECISION}"), (400, "QUYẾT ĐỊNH"),
                    (480, "Công nhận sản phẩm OCOP 4 sao"), (560, PRODUCT)):
        draw.text((100, y), line, fill=(20, 20, 20), font=font)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=85)
    return {"name": "quyet-dinh.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def wait_for_photos(page, count: int, timeout: float = 20.0):
    """The photos, once stored and shown. They may be resized after the upload has answered
    (a background job): until then the page says so, and a reload shows them when done."""
    photos = page.locator(".pp-images img")
    deadline = time.monotonic() + timeout
    while True:
        try:
            expect(photos).to_have_count(count, timeout=2000)
            for index in range(count):
                expect(photos.nth(index)).to_have_js_property("complete", True, timeout=2000)
                assert photos.nth(index).evaluate("img => img.naturalWidth") > 0, "a photo did not load"
            return photos
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def amount(text: str) -> int:
    """ "-12.500 ₫" → -12500"""
    return int(text.replace(".", "").replace("₫", "").replace("\u2212", "-").strip())


def balance(page) -> dict:
    return {which: amount(page.locator(f'[data-balance="{which}"]').first.inner_text())
            for which in ("pending", "available", "paid")}


def test_a_producers_day(contexts, mailbox, _app, output_path):
    producer = contexts(PHONE)
    log_in(producer, OWNER, "/kenh-nguoi-ban")
    expect(producer).to_have_url(re.compile(r"/kenh-nguoi-ban/\d+$"))
    producer_id = int(producer.url.rsplit("/", 1)[1])
    expect(producer.get_by_role("heading", name="Tổng quan", exact=True)).to_be_visible()
    before = balance(producer)
    check(producer, output_path, "dashboard")

    # A new product: its certificate, two photos, the decision document, a variant; published.
    portal_nav = producer.get_by_role("navigation", name="Kênh người bán")
    portal_nav.get_by_role("link", name="Sản phẩm").click()
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
        expect(producer.get_by_role("status").first).to_contain_text("Đã thêm ảnh")
    wait_for_photos(producer, 2)
    producer.get_by_label(re.compile("Quyết định công nhận OCOP")).set_input_files(decision_scan())
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

    # The admin verifies the certificate, the document beside what was claimed.
    admin = contexts(DESK)
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
    expect(claimed).to_contain_text("4")
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
    mailbox.wait_for_one(ADMIN, f"Chứng nhận cần kiểm tra: {PRODUCT}")

    # A shopper finds it without diacritics and buys it, cash on delivery.
    shopper = contexts(PHONE)
    shopper_email = f"khach-{uuid.uuid4().hex[:10]}@example.vn"
    response = shopper.context.request.post("/api/v1/auth/register", data={
        "email": shopper_email, "password": "mat-khau-du-dai-2026",
        "full_name": "Vũ Thị Lan"})
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
    order_id = int(shopper.url.rsplit("/", 1)[1])
    with _app.app_context():
        order = db.session.get(Order, order_id)
        (part,) = order.sub_orders
        number, total, commission = order.number, part.total_vnd, part.commission_vnd
        db.session.remove()
    assert commission > 0
    expect(shopper.get_by_text(number).first).to_be_visible()
    check(shopper, output_path, "shopper-order")

    # The new-order mail, in each member's language.
    to_owner = mailbox.wait_for_one(OWNER, f"Đơn hàng mới {number}")
    assert f"Bạn có đơn hàng mới {number}: {format_vnd(total)}." in to_owner.get_body(("plain",)).get_content()
    mailbox.wait_for_one(STOREKEEPER, f"New order {number}")

    # From the inbox: pack, ship with the carrier's tracking number, deliver and collect the cash.
    portal_nav.get_by_role("link", name="Đơn hàng").click()
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
    shipped = mailbox.wait_for_one(shopper_email, f"Đơn hàng {number} đang được giao")
    assert "VTP8150001" in shipped.get_body(("plain",)).get_content()

    # The cash is theirs (paid), less the commission, which the pending balance now owes.
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
