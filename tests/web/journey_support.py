"""Steps the browser journeys share: logging in as a demo account, photos and a
photographed decision to upload, waiting for the photos, reading the balance."""

import io
import time

from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import expect

from marketplace.demo.data import DEMO_PASSWORD


def log_in(page, email, path):
    page.goto(f"/dang-nhap?next={path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập", exact=True).click()


def photo(kind: str, colour) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(out, kind)
    return {"name": f"anh.{kind.lower()}", "mimeType": f"image/{kind.lower()}", "buffer": out.getvalue()}


def decision_scan(number: str, product: str) -> dict:
    """A phone's photo of the decision: a page with its heading, number and product."""
    page = Image.new("RGB", (1240, 1754), (250, 250, 245))
    draw = ImageDraw.Draw(page)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    except OSError:
        font = ImageFont.load_default(40)
    for y, line in ((120, "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN"), (260, f"Số: {number}"), (400, "QUYẾT ĐỊNH"),
                    (480, "Công nhận sản phẩm OCOP 4 sao"), (560, product)):
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
            expect(page.locator(".pp-images").get_by_text("Đang xử lý ảnh")).to_have_count(0, timeout=2000)
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
