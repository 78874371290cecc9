"""In Chromium at 360 px: the search page's price range and "buy in person" control,
its no-results help, the producer's storefront and the product gallery (each page
checked with axe-core and for sideways scrolling, with a screenshot to look at)."""

import re

from playwright.sync_api import expect

from tests.web.browser_support import assert_accessible, check, screenshot


def test_filter_by_price_and_where_to_buy_in_person(phone, output_path):
    page = phone
    page.goto("/tim-kiem")
    page.locator("summary", has_text="Giá").click()
    page.get_by_label("Từ (₫)").fill("50.000")
    page.get_by_label("Đến (₫)").fill("abc")
    page.get_by_role("button", name="Lọc kết quả").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Đến (₫)")).to_have_value("abc")
    assert_accessible(page)
    screenshot(page, output_path, "search-price-error.png")

    page.get_by_label("Đến (₫)").fill("400000")
    page.get_by_label("Mua trực tiếp tại điểm bán ở").select_option(index=1)
    page.get_by_role("button", name="Lọc kết quả").click()
    expect(page).to_have_url(re.compile(r"price_min=50000.*price_max=400000.*available_in_province=\d+"))
    expect(page.locator(".cards .card").first).to_be_visible()
    check(page, output_path, "search-price-and-point")


def test_no_results_offers_a_way_out(phone, output_path):
    page = phone
    page.goto("/tim-kiem?q=mat+ong&group=handicrafts")
    link = page.get_by_role("link", name="Bỏ lọc “Nhóm sản phẩm”")
    expect(link).to_be_visible()
    check(page, output_path, "search-no-results")
    link.click()
    expect(page.get_by_role("link", name=re.compile("Mật ong hoa ban"))).to_be_visible()


def test_a_producers_storefront_shows_certificates_and_where_to_buy(phone, output_path):
    page = phone
    page.goto("/nha-san-xuat/htx-tai-hoan")
    expect(page.get_by_role("heading", name="Chứng nhận")).to_be_visible()
    expect(page.locator(".points li").first).to_contain_text("Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên")
    check(page, output_path, "producer")


def test_the_product_gallery_shows_drawn_photos_and_its_thumbnails_work(phone, output_path):
    page = phone
    page.goto("/tim-kiem?q=mat+ong+hoa+ban")
    card = page.locator("img.card-image").first
    expect(card).to_have_attribute("alt", "Mật ong hoa ban")
    assert card.evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_role("link", name=re.compile("Mật ong hoa ban")).first.click()
    first = page.locator(".gallery-photo img").first
    expect(first).to_be_visible()
    assert first.evaluate("img => img.complete && img.naturalWidth > 0"), "the first photo loads at once"
    page.get_by_role("link", name="Xem ảnh 2 trong", exact=False).click()
    expect(page).to_have_url(re.compile(r"#anh-2$"))
    second = page.locator("#anh-2 img")
    expect(second).to_be_in_viewport()
    page.wait_for_function("() => document.querySelector('#anh-2 img').naturalWidth > 0")
    check(page, output_path, "product-gallery")
