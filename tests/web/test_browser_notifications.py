"""The notification choices in Chromium at 360 px: the demo producer switches one off and mails in English."""

import re

from playwright.sync_api import expect

from marketplace.demo.data import DEMO_PASSWORD
from tests.web.browser_support import check
from tests.web.test_browser_account import phone  # noqa: F401


def test_the_demo_producer_chooses_fewer_mails_in_english(phone, output_path):  # noqa: F811
    page = phone
    page.goto("/tai-khoan/thong-bao")
    expect(page).to_have_url(re.compile(r"/dang-nhap\?next=/tai-khoan/thong-bao$"))
    page.get_by_label("Email").fill("ongmat@demo.ocop.vn")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Thông báo")).to_be_visible()
    check(page, output_path, "notifications")
    new_orders = page.get_by_label("Đơn hàng mới", exact=True)
    expect(new_orders).to_be_checked()
    new_orders.uncheck()
    page.get_by_label("English").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu lựa chọn thông báo.")
    expect(page.get_by_label("Đơn hàng mới", exact=True)).not_to_be_checked()
    expect(page.get_by_label("English")).to_be_checked()
    check(page, output_path, "notifications-saved")
