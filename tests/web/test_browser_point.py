"""The demo operator in a real Chromium at 360 px: finds the points they operate from the
header and opens one. Every page is checked with axe-core and for sideways scrolling, and
photographed."""

from playwright.sync_api import expect

from tests.web.browser_support import checker, log_in, phone_page

check = checker("point-")


def test_the_operator_opens_their_points_and_a_points_home(browser, storefront, output_path):
    with phone_page(browser, storefront) as page:
        log_in(page, "/dang-nhap", "operator@demo.ocop.vn")
        page.get_by_role("navigation", name="Tài khoản").get_by_role("link", name="Điểm bán").click()
        expect(page.get_by_role("heading", name="Điểm bán của bạn")).to_be_visible()
        check(page, output_path, "mine")
        page.get_by_role("link", name="Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên").click()
        expect(page.get_by_role("heading", name="Hôm nay")).to_be_visible()
        expect(page.get_by_text("Tiền mặt cần bàn giao")).to_be_visible()
        check(page, output_path, "home")
