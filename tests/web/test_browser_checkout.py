"""Buying in a real Chromium: find the honey and a rice from another producer,
put them in the cart, check out by cash on delivery and by bank transfer, once
with the keyboard alone; and the cart and checkout pages at 360 px (axe-core,
no sideways scrolling, screenshots in the run's output folder)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.web.browser_support import answered, check, phone_page

PASSWORD = "mat-khau-du-dai-2026"
ORDER_URL = re.compile(r"/don-hang/\d+$")


def shopper_page(browser, storefront, allow=answered(422, 409), **context_options):
    """A page at 360 px, logged in as a new shopper (registered through the API,
    which logs in with the session cookie the pages share), with an empty cart;
    and a check, after the test, that the browser logged no error."""
    # A form sent back with its errors (422), or the price-change page (409), are answers, not faults.
    with phone_page(browser, storefront, allow=allow, **context_options) as page:
        response = page.request.post("/api/v1/auth/register", data={
            "email": f"khach-{uuid.uuid4().hex[:10]}@example.vn", "password": PASSWORD, "full_name": "Trần Thu Hà"})
        assert response.status == 201, response.text()
        yield page


@pytest.fixture
def shopper(browser, storefront):
    yield from shopper_page(browser, storefront)


@pytest.fixture
def shopper_without_javascript(browser, storefront):
    yield from shopper_page(browser, storefront, java_script_enabled=False)


def search(page, words: str):
    page.get_by_label("Tìm đặc sản").fill(words)
    page.get_by_role("button", name="Tìm", exact=True).click()


def add_honey_and_rice(page):
    """Search without diacritics, filter by Điện Biên and 4★, open the honey, add two jars; then a rice."""
    page.goto("/")
    search(page, "mat ong")
    page.locator("summary", has_text="Tỉnh, thành phố").click()
    page.get_by_label(re.compile(r"^Điện Biên")).check()
    page.locator("summary", has_text="Hạng sao OCOP").click()
    page.get_by_label(re.compile(r"^4★")).check()
    page.get_by_role("button", name="Lọc kết quả").click()
    page.get_by_role("link", name=re.compile("Mật ong hoa ban")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mật ong hoa ban")
    page.get_by_label(re.compile("^Số lượng")).first.fill("2")
    page.get_by_role("button", name=re.compile("^Thêm vào giỏ")).first.click()
    expect(page).to_have_url(re.compile(r"/gio-hang$"))
    expect(page.get_by_role("status")).to_contain_text("Đã thêm vào giỏ hàng.")

    search(page, "gao seng cu")
    page.get_by_role("link", name=re.compile("Gạo Séng cù")).first.click()
    page.get_by_role("button", name=re.compile("^Thêm vào giỏ")).first.click()
    expect(page.locator(".cart-part")).to_have_count(2)  # two producers


def fill_new_address(page):
    page.get_by_label("Họ và tên người nhận").fill("Trần Thu Hà")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Tỉnh, thành phố").select_option(label="Hà Nội")
    ward = page.get_by_label("Phường, xã")
    expect(ward.locator("option", has_text="Phường Hoàn Kiếm")).to_have_count(1)  # filled by checkout.js
    ward.select_option(label="Phường Hoàn Kiếm")
    page.get_by_label("Số nhà, đường, thôn, xóm").fill("12 Hàng Bạc")


def test_buy_honey_and_rice_by_cash_on_delivery_and_see_two_parts(shopper):
    page = shopper
    add_honey_and_rice(page)
    page.get_by_role("link", name="Tiếp tục thanh toán").click()
    expect(page).to_have_url(re.compile(r"/thanh-toan$"))
    fill_new_address(page)
    # checkout.js shows the shipping to Hà Nội at once: another region than both producers'
    expect(page.locator("[data-fees]")).to_have_text(["45.000 ₫", "45.000 ₫"])
    expect(page.locator("[data-shipping-total]")).to_have_text("90.000 ₫")
    page.get_by_label("Thanh toán khi nhận hàng (COD)").check()
    page.get_by_role("button", name="Đặt hàng").click()

    expect(page).to_have_url(ORDER_URL)
    expect(page.locator(".part")).to_have_count(2)
    expect(page.get_by_text("Bạn trả tiền mặt cho người giao hàng")).to_be_visible()
    page.goto("/don-hang")  # my orders: the one order, in two parts
    expect(page.locator(".order-card")).to_have_count(1)
    expect(page.locator(".order-card")).to_contain_text("2 phần")
    page.goto("/gio-hang")
    expect(page.get_by_text("Giỏ hàng của bạn đang trống.")).to_be_visible()


def test_buy_by_bank_transfer_shows_the_account_amount_and_reference(shopper):
    page = shopper
    add_honey_and_rice(page)
    total = page.locator(".totals.grand dd.price").inner_text()
    page.get_by_role("link", name="Tiếp tục thanh toán").click()
    fill_new_address(page)
    page.get_by_label("Chuyển khoản ngân hàng").check()
    page.get_by_role("button", name="Đặt hàng").click()

    expect(page).to_have_url(ORDER_URL)
    details = page.locator(".bank-details")
    expect(details).to_contain_text("0011004455667")
    expect(details).to_contain_text("CONG TY OCOP MARKETPLACE")
    expect(details.locator(".reference")).to_have_text(re.compile(r"^OCOP[A-Z0-9]{8}$"))
    amount = details.locator(".amount").inner_text()
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+ ₫", amount)
    # the cart's items, and the shipping to Hà Nội from each of the two producers
    assert as_vnd(amount) == as_vnd(total) + 2 * 45_000


def as_vnd(text: str) -> int:
    return int(text.replace(".", "").removesuffix(" ₫"))


def tab_to(page, locator, presses: int = 80):
    """Press Tab until `locator` has the focus (and shows it)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
            return
    pytest.fail(f"Tab never reached {locator}")


def test_a_keyboard_only_checkout(shopper):
    page = shopper
    page.goto("/tim-kiem?q=mat+ong+hoa+ban")
    tab_to(page, page.get_by_role("link", name=re.compile("Mật ong hoa ban")).first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mật ong hoa ban")
    tab_to(page, page.get_by_role("button", name=re.compile("^Thêm vào giỏ")).first)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/gio-hang$"))
    tab_to(page, page.get_by_role("link", name="Tiếp tục thanh toán"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/thanh-toan$"))

    for label, typed in (("Họ và tên người nhận", "Trần Thu Hà"), ("Số điện thoại", "0912345678")):
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(typed)
    tab_to(page, page.get_by_label("Tỉnh, thành phố"))
    page.keyboard.type("Ha Noi", delay=50)  # a closed select picks by typing, diacritics or not
    expect(page.get_by_label("Tỉnh, thành phố")).to_have_value("1")
    ward = page.get_by_label("Phường, xã")
    commune = ward.locator("option", has_text="Xã An Khánh")
    expect(commune).to_have_count(1)
    tab_to(page, ward)
    # Typed without diacritics: in Vietnamese "u" and "ư" are different letters
    # (tone marks only are ignored), so a commune whose name needs none.
    page.keyboard.type("Xa An Khanh", delay=50)
    expect(ward).to_have_value(commune.get_attribute("value"))
    tab_to(page, page.get_by_label("Số nhà, đường, thôn, xóm"))
    page.keyboard.type("12 Hàng Bạc")
    tab_to(page, page.get_by_label("Thanh toán khi nhận hàng (COD)"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Thanh toán khi nhận hàng (COD)")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Đặt hàng"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(ORDER_URL)


def test_cart_and_checkout_at_360px_are_accessible_and_photographed(shopper, output_path):
    page = shopper
    page.goto("/gio-hang")
    check(page, output_path, "cart-empty")
    add_honey_and_rice(page)
    check(page, output_path, "cart")
    page.get_by_role("link", name="Gạo Séng cù").click()
    check(page, output_path, "product-add-to-cart")
    page.get_by_role("link", name="Giỏ hàng").click()
    page.get_by_role("link", name="Tiếp tục thanh toán").click()
    check(page, output_path, "checkout")
    page.get_by_label("Số điện thoại").fill("12345")
    page.get_by_role("button", name="Đặt hàng").click()  # nothing else filled in: errors
    expect(page.locator(".error-summary")).to_be_focused()  # read out first, its links lead to the fields
    check(page, output_path, "checkout-errors")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    check(page, output_path, "checkout-en")


def test_checkout_without_javascript_chooses_the_province_then_the_ward(shopper_without_javascript):
    page = shopper_without_javascript
    add_honey_and_rice(page)
    page.get_by_role("link", name="Tiếp tục thanh toán").click()
    page.get_by_label("Họ và tên người nhận").fill("Trần Thu Hà")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Tỉnh, thành phố").select_option(label="Hà Nội")
    expect(page.get_by_label("Phường, xã").locator("option")).to_have_count(1)  # nothing to choose yet
    page.get_by_role("button", name="Chọn tỉnh").click()
    expect(page.get_by_label("Họ và tên người nhận")).to_have_value("Trần Thu Hà")  # kept
    expect(page.locator("[data-shipping-total]")).to_have_text("90.000 ₫")
    page.get_by_label("Phường, xã").select_option(label="Phường Hoàn Kiếm")
    page.get_by_label("Số nhà, đường, thôn, xóm").fill("12 Hàng Bạc")
    page.get_by_label("Thanh toán khi nhận hàng (COD)").check()
    page.get_by_role("button", name="Đặt hàng").click()
    expect(page).to_have_url(ORDER_URL)
    expect(page.locator(".part")).to_have_count(2)


@pytest.fixture
def shopper_offline(browser, storefront):
    """A shopper whose failed requests (made to fail by the test) Chromium logs as errors."""
    yield from shopper_page(browser, storefront, allow=lambda _url, text: "net::ERR_FAILED" in text)


def test_when_the_wards_cannot_be_fetched_the_no_javascript_step_comes_back(shopper_offline):
    page = shopper_offline
    add_honey_and_rice(page)
    page.get_by_role("link", name="Tiếp tục thanh toán").click()
    step = page.get_by_role("button", name="Chọn tỉnh", exact=True)
    expect(step).to_be_hidden()  # wards.js fills the wards itself
    page.route(re.compile(r"/api/v1/regions/provinces/\d+/wards$"), lambda route: route.abort())
    page.get_by_label("Tỉnh, thành phố").select_option(label="Hà Nội")
    expect(step).to_be_visible()
    expect(page.get_by_text("Chọn tỉnh rồi bấm “Chọn tỉnh”")).to_be_visible()
    expect(page.get_by_label("Phường, xã")).to_be_enabled()
    page.unroute(re.compile(r"/api/v1/regions/provinces/\d+/wards$"))
    step.click()  # the server lists the wards instead
    expect(page.get_by_label("Phường, xã").locator("option", has_text="Phường Hoàn Kiếm")).to_have_count(1)


@pytest.fixture
def change_price(_app):
    """change_price(product name, price, new price): as a producer would, while the shopper checks out."""
    from marketplace.catalog.models import Product
    from marketplace.extensions import db

    def change(name: str, was_vnd: int, now_vnd: int):
        with _app.app_context():
            product = db.session.query(Product).filter_by(name=name).one()
            next(v for v in product.variants if v.price_vnd == was_vnd).price_vnd = now_vnd
            db.session.commit()
    return change


def test_a_price_change_shows_what_changed_and_orders_at_the_new_price(shopper, change_price, output_path):
    page = shopper
    add_honey_and_rice(page)
    page.get_by_role("link", name="Tiếp tục thanh toán").click()
    fill_new_address(page)
    page.get_by_label("Thanh toán khi nhận hàng (COD)").check()
    change_price("Gạo Séng cù", 75_000, 82_000)
    try:
        page.get_by_role("button", name="Đặt hàng").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Giá đã thay đổi")
        row = page.get_by_role("row", name=re.compile("Gạo Séng cù"))
        expect(row).to_contain_text("75.000 ₫")
        expect(row).to_contain_text("82.000 ₫")
        check(page, output_path, "price-changed")
        page.get_by_role("button", name="Đặt hàng với giá mới").click()
        expect(page).to_have_url(ORDER_URL)
        expect(page.get_by_text("82.000 ₫").first).to_be_visible()
    finally:
        change_price("Gạo Séng cù", 82_000, 75_000)  # the module's other journeys see the demo's price


def test_a_logged_out_shopper_logs_in_and_is_back_on_the_product_to_add_it(browser, storefront):
    """With the demo's shopper account (marketplace/demo/data.py)."""
    from marketplace.demo.data import ACCOUNTS, DEMO_PASSWORD

    with phone_page(browser, storefront) as page:
        try:
            page.goto("/tim-kiem?q=mat+ong+hoa+ban")
            page.get_by_role("link", name=re.compile("Mật ong hoa ban")).first.click()
            product_url = page.url
            page.get_by_role("button", name=re.compile("^Thêm vào giỏ")).first.click()
            expect(page).to_have_url(re.compile(r"/dang-nhap\?next="))
            page.get_by_label("Email").fill(ACCOUNTS["shopper"]["email"])
            page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            expect(page).to_have_url(product_url)  # to press it again, logged in now
            page.get_by_role("button", name=re.compile("^Thêm vào giỏ")).first.click()
            expect(page).to_have_url(re.compile(r"/gio-hang$"))
            expect(page.locator(".cart-line")).to_have_count(1)
        finally:
            page.goto("/gio-hang")  # leave the demo shopper's cart empty for whoever comes next
            while page.get_by_role("button", name=re.compile("^Bỏ khỏi giỏ")).count():
                page.get_by_role("button", name=re.compile("^Bỏ khỏi giỏ")).first.click()
