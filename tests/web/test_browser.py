"""Shopper journeys in a real Chromium (Debian's), through Playwright, against
the storefront under waitress with the demo loaded. Each page is checked with
axe-core (no serious or critical violation) and, at 360 px, for horizontal
scrolling; screenshots go to the run's output folder (pytest-playwright's
--output, test-results/ by default), never into the repository."""

import re

import pytest
from playwright.sync_api import expect

from tests.web.browser_support import NOT_FOUND, PHONE, assert_accessible, assert_no_horizontal_scroll, check, screenshot


def test_search_without_diacritics_filter_and_open_the_honey(phone):
    page = phone
    page.goto("/")
    page.get_by_label("Tìm đặc sản").fill("mat ong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tim-kiem\?q=mat\+ong"))
    expect(page.get_by_role("link", name=re.compile("Mật ong hoa ban"))).to_be_visible()

    page.locator("summary", has_text="Tỉnh, thành phố").click()  # open the facet (a <details>)
    page.get_by_label(re.compile(r"^Điện Biên")).check()
    page.locator("summary", has_text="Hạng sao OCOP").click()
    page.get_by_label(re.compile(r"^4★")).check()
    page.get_by_role("button", name="Lọc kết quả").click()
    expect(page).to_have_url(re.compile(r"province=\d+.*stars=4|stars=4.*province=\d+"))
    expect(page.get_by_label(re.compile(r"^Điện Biên"))).to_be_checked()  # chosen facets stay open
    expect(page.locator("mark").first).to_be_visible()

    page.get_by_role("link", name=re.compile("Mật ong hoa ban")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mật ong hoa ban")
    expect(page.get_by_text("1352/QĐ-UBND")).to_be_visible()
    expect(page.get_by_text("Đã xác minh")).to_be_visible()
    expect(page.locator(".variants .price").first).to_have_text(re.compile(r"^\d{1,3}(\.\d{3})+ ₫$"))


def test_the_search_box_suggests_products_as_the_shopper_types(phone):
    page = phone
    page.goto("/")
    page.get_by_label("Tìm đặc sản").press_sequentially("mat o", delay=30)
    expect(page.locator("#home-q-suggestions option[value='Mật ong hoa ban']")).to_have_count(1)


def test_switch_to_english_and_see_the_same_product_page_in_english(phone, output_path):
    page = phone
    page.goto("/tim-kiem?q=mat+ong+hoa+ban")
    page.get_by_role("link", name=re.compile("Mật ong hoa ban")).first.click()
    product_url = page.url
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(product_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="OCOP certificate")).to_be_visible()
    expect(page.get_by_text("Verified")).to_be_visible()
    expect(page.get_by_text("Decision number")).to_be_visible()
    assert_accessible(page)
    screenshot(page, output_path, "product-en-360.png")
    page.goto("/")  # remembered in the session
    expect(page.get_by_role("heading", name="New products")).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", name="Sản phẩm mới")).to_be_visible()


def test_each_page_is_accessible_fits_360px_and_is_photographed(phone, output_path):
    page = phone
    pages = {"home": "/", "search": "/tim-kiem?q=mat+ong", "not-found": NOT_FOUND}
    page.goto("/tim-kiem?q=mat+ong+hoa+ban")
    pages["product"] = page.get_by_role("link", name=re.compile("Mật ong hoa ban")).first.get_attribute("href")
    pages["producer"] = "/nha-san-xuat/htx-ong-mat-dien-bien"
    for name, path in pages.items():
        page.goto(path)
        check(page, output_path, name)


def test_the_keyboard_reaches_the_skip_link_and_the_search_box(phone):
    page = phone
    page.goto("/tim-kiem?q=mat+ong")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
