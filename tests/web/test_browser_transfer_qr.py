"""A shopper checks out by bank transfer with the demo, in a real Chromium at
360 px, and sees the VietQR on the confirmation page and in my orders. The QR is
read back from a crop of the page's screenshot by zxing-cpp, so what the browser
drew (our SVG) is what a banking app would read: the platform's BIN and account,
the amount and the reference the page shows as text. Also printed, at 6 cm."""

import re

import pytest
from playwright.sync_api import expect

from config import TestConfig
from tests.vietqr_reading import decode_image, transfer
from tests.web.browser_support import check
from tests.web.test_browser_checkout import ORDER_URL, add_honey_and_rice, as_vnd, fill_new_address, shopper_page


@pytest.fixture
def shopper(browser, storefront):
    yield from shopper_page(browser, storefront)


def read_qr(page, image) -> dict:
    """The transfer in the QR as the browser drew it: a crop of the page's screenshot, decoded."""
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR did not load"
    box = image.bounding_box()
    assert box["width"] >= 200, f"too small to scan: {box['width']} px"
    shot = page.screenshot(full_page=True)
    scroll = page.evaluate("[window.scrollX, window.scrollY]")
    left, top = box["x"] + scroll[0], box["y"] + scroll[1]
    [text] = decode_image(shot, (int(left) - 8, int(top) - 8, int(left + box["width"]) + 8,
                                 int(top + box["height"]) + 8))
    return transfer(text)


def shown_transfer(page, scope) -> dict:
    details = scope.locator(".bank-details")
    return {"account": details.locator("code").first.inner_text(),
            "amount": str(as_vnd(details.locator(".amount").inner_text())),
            "purpose": details.locator(".reference").inner_text()}


def test_a_bank_transfer_checkout_shows_a_vietqr_that_reads_back_as_the_transfer(shopper, output_path):
    page = shopper
    add_honey_and_rice(page)
    page.get_by_role("link", name="Tiếp tục thanh toán").click()
    fill_new_address(page)
    page.get_by_label("Chuyển khoản ngân hàng").check()
    page.get_by_role("button", name="Đặt hàng").click()
    expect(page).to_have_url(ORDER_URL)

    box = page.locator(".payment-box")
    image = box.get_by_role("img", name=re.compile(r"^Mã VietQR: chuyển [\d.]+ ₫ tới tài khoản 0011004455667"))
    expected = {**shown_transfer(page, box), "bin": TestConfig.PLATFORM_BANK["bank_bin"]}
    read = read_qr(page, image)
    assert {name: read[name] for name in expected} == expected
    assert expected["purpose"] in image.get_attribute("alt")
    check(page, output_path, "transfer-qr-confirmation")

    number = page.get_by_role("heading", level=1).inner_text().removeprefix("Đơn hàng ")
    page.goto("/don-hang")
    listed = page.locator(".awaiting-transfer")
    expect(listed).to_have_count(1)
    expect(listed.get_by_role("heading")).to_have_text(f"Chuyển khoản cho đơn {number}")
    read = read_qr(page, listed.get_by_role("img"))
    assert {name: read[name] for name in expected} == expected
    check(page, output_path, "transfer-qr-my-orders")

    with page.expect_download() as saving:
        listed.get_by_role("link", name=re.compile("^Lưu ảnh mã QR")).click()
    assert saving.value.suggested_filename == f"vietqr-{number}.png"
    assert transfer(decode_image(open(saving.value.path(), "rb").read())[0])["purpose"] == expected["purpose"]

    page.emulate_media(media="print")
    assert listed.get_by_role("img").bounding_box()["width"] >= 200  # 6 cm
    expect(listed.get_by_role("link", name=re.compile("^Lưu ảnh mã QR"))).to_be_hidden()
    page.screenshot(path=f"{output_path}/transfer-qr-my-orders-print.png", full_page=True)
