"""The shopper's account in a real Chromium at 360 px: register, log out,
forget the password, follow the mailed link, log in again; saved addresses
with and without JavaScript. Every page is checked with axe-core and for
sideways scrolling, and photographed into the run's output folder."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.mail.models import OutboundMail
from tests.web.browser_support import answered, check, phone_page

EMAIL = "mai.lo@example.vn"
FIRST_PASSWORD = "mật khẩu đầu tiên"
NEW_PASSWORD = "mật khẩu thứ hai dài"


@pytest.fixture
def phone(browser, storefront):
    # A form sent back with errors answers 422, a spent reset link 410: Chromium logs those statuses.
    with phone_page(browser, storefront, allow=answered(422, 410)) as page:
        yield page


@pytest.fixture
def phone_without_javascript(browser, storefront):
    with phone_page(browser, storefront, allow=answered(422, 410), java_script_enabled=False) as page:
        yield page


def mailed_reset_path(app, to: str) -> str:
    with app.app_context():
        body = db.session.scalars(sa.select(OutboundMail.body_text).where(
            OutboundMail.to_address == to, OutboundMail.kind == "password_reset").order_by(OutboundMail.id.desc())).first()
        db.session.remove()
    return re.search(r"https?://[^/\s]+(/dat-lai-mat-khau/[\w-]+)", body).group(1)


def register(page, email, password, name="Lò Thị Mai"):
    page.goto("/dang-ky")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Số điện thoại (không bắt buộc)").fill("0912 345 678")
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_label("Nhập lại mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng ký").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan$"))


def test_register_log_out_forget_the_password_reset_it_and_log_in(phone, _app, output_path):
    page = phone
    page.goto("/dang-ky")
    check(page, output_path, "register")
    page.get_by_role("button", name="Đăng ký").click()  # nothing filled in: the errors, summarised and beside
    expect(page.get_by_role("heading", name="Vui lòng kiểm tra lại")).to_be_visible()
    check(page, output_path, "register-errors")

    register(page, EMAIL, FIRST_PASSWORD)
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    expect(page.get_by_label("Họ và tên")).to_have_value("Lò Thị Mai")
    check(page, output_path, "account")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()
    page.get_by_role("link", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap(\?|$)"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Mật khẩu").fill("not my password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Email hoặc mật khẩu không đúng.")
    expect(page.get_by_label("Email")).to_have_value(EMAIL)
    check(page, output_path, "login-wrong-password")

    page.get_by_role("link", name="Quên mật khẩu?").click()
    expect(page).to_have_url(re.compile(r"/quen-mat-khau$"))
    check(page, output_path)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Gửi liên kết").click()
    expect(page.get_by_role("heading", name="Kiểm tra hộp thư")).to_be_visible()
    check(page, output_path)

    link = mailed_reset_path(_app, EMAIL)
    page.goto(link)
    check(page, output_path, "reset-password")
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap$"))
    expect(page.get_by_role("status")).to_contain_text("Đã đặt mật khẩu mới")
    check(page, output_path, "login")

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("link", name="Tài khoản")).to_be_visible()

    page.goto(link)  # the link works once
    expect(page.get_by_role("heading", name="Liên kết không còn dùng được")).to_be_visible()
    check(page, output_path)


def test_a_page_that_needs_a_login_brings_the_shopper_back_after_it(phone, output_path):
    page = phone
    page.goto("/tai-khoan/mat-khau")
    expect(page).to_have_url(re.compile(r"/dang-nhap\?next=/tai-khoan/mat-khau$"))
    page.get_by_role("link", name="Đăng ký").click()
    expect(page).to_have_url(re.compile(r"/dang-ky\?next="))
    page.get_by_label("Họ và tên").fill("Quàng Văn Dũng")
    page.get_by_label("Email").fill("dung@example.vn")
    page.get_by_label("Mật khẩu", exact=True).fill(FIRST_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()

    expect(page).to_have_url(re.compile(r"/tai-khoan/mat-khau$"))
    expect(page.get_by_role("heading", name="Đổi mật khẩu")).to_be_visible()
    check(page, output_path, "change-password")


def test_saved_addresses_with_javascript_the_wards_follow_the_province(phone, output_path):
    page = phone
    register(page, "hoa@example.vn", FIRST_PASSWORD, name="Nguyễn Thị Hoa")
    page.get_by_role("link", name="Địa chỉ giao hàng").click()
    check(page, output_path)
    page.get_by_role("link", name="Thêm địa chỉ").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/dia-chi/them$"))
    expect(page.get_by_label("Tỉnh, thành phố")).to_be_visible()
    # wards.js has run (so the province select is listened to) once it has removed the no-JS button
    expect(page.get_by_role("button", name="Chọn phường, xã của tỉnh này")).to_have_count(0)

    page.get_by_label("Họ tên người nhận").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số điện thoại người nhận").fill("0987 654 321")
    page.get_by_label("Tỉnh, thành phố").select_option(label="Điện Biên")
    ward = page.get_by_label("Phường, xã")
    expect(ward.locator("option", has_text="Phường Mường Thanh")).to_have_count(1)
    ward.select_option(label="Phường Mường Thanh")
    page.get_by_label("Số nhà, tên đường, thôn, xóm").fill("Số 5, tổ 3")
    page.get_by_label("Tên gợi nhớ (không bắt buộc)").fill("Nhà")
    check(page, output_path, "address-form")
    page.get_by_role("button", name="Lưu địa chỉ").click()

    expect(page.get_by_role("status")).to_have_text("Đã lưu địa chỉ mới.")
    expect(page.locator(".address-card")).to_contain_text("Phường Mường Thanh, Điện Biên")
    expect(page.locator(".address-card")).to_contain_text("Mặc định")
    check(page, output_path, "addresses")


def test_saved_addresses_without_javascript_choose_the_province_then_the_ward(phone_without_javascript, output_path):
    page = phone_without_javascript
    register(page, "tuan@example.vn", FIRST_PASSWORD, name="Lê Văn Tuấn")
    page.goto("/tai-khoan/dia-chi/them")
    page.get_by_label("Họ tên người nhận").fill("Lê Văn Tuấn")
    page.get_by_label("Số điện thoại người nhận").fill("0912 000 111")
    page.get_by_label("Tỉnh, thành phố").select_option(label="Điện Biên")
    page.get_by_role("button", name="Chọn phường, xã của tỉnh này").click()

    expect(page.get_by_label("Phường, xã").locator("option", has_text="Phường Mường Thanh")).to_have_count(1)
    expect(page.get_by_label("Họ tên người nhận")).to_have_value("Lê Văn Tuấn")  # kept while choosing
    page.get_by_label("Phường, xã").select_option(label="Phường Mường Thanh")
    page.get_by_label("Số nhà, tên đường, thôn, xóm").fill("Bản Him Lam")
    page.get_by_role("button", name="Lưu địa chỉ").click()

    expect(page.locator(".address-card")).to_contain_text("Bản Him Lam")
    page.get_by_role("button", name=re.compile("^Xoá địa chỉ")).click()
    expect(page.get_by_text("Bạn chưa lưu địa chỉ nào")).to_be_visible()


def test_logging_in_with_the_keyboard_alone_with_focus_always_visible(phone):
    page = phone
    register(page, "khanh@example.vn", FIRST_PASSWORD, name="Hà Minh Khánh")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()
    page.goto("/dang-nhap")

    for _ in range(12):  # through the skip link and the header, to the first field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    for expected, keys in (("email", "khanh@example.vn"), ("password", FIRST_PASSWORD), ("remember", " ")):
        assert page.evaluate("document.activeElement.id") == expected
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.type(keys) if keys != " " else page.keyboard.press("Space")
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Đăng nhập"
    page.keyboard.press("Enter")

    expect(page.get_by_role("link", name="Tài khoản")).to_be_visible()
    assert any(cookie["name"] == "remember_token" for cookie in page.context.cookies())
