"""Traceability stamps in a real Chromium at 360 px: the demo's Tài Hoan cooperative prints a
sheet of stamps for the lot of miến dong the Điện Biên centre received (TH-2610); a stamp decoded
from the downloaded PDF opens that lot's trace page, in Vietnamese and in English; a code we never
issued gets the clear not-found page. Every page is checked with axe-core and photographed."""

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.stamp_reading import pages_of
from tests.web.browser_support import answered, checker, log_in, phone_page

check = checker("trace-")
CENTRE = "Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên"


def test_a_producer_prints_a_lots_stamps_and_a_scan_opens_the_lots_trace_page(browser, storefront, output_path):
    with phone_page(browser, storefront, accept_downloads=True) as page:
        log_in(page, "/dang-nhap?next=/kenh-nguoi-ban", "taihoan@demo.ocop.vn")
        page.get_by_role("navigation", name="Kênh người bán").get_by_role("link", name="Tem truy xuất").click()
        expect(page.get_by_role("heading", name="Tem truy xuất nguồn gốc")).to_be_visible()
        check(page, output_path, "stamps")
        page.get_by_role("link", name=re.compile(r"^In tem\s*: Miến dong Tài Hoan, Gói 500 g$")).click()
        expect(page.get_by_role("heading", name="In tem: Miến dong Tài Hoan")).to_be_visible()
        page.get_by_label("Lô TH-2610, hạn dùng 15/10/2027").check()
        page.get_by_label("A4, 24 tem 70 × 37 mm").check()
        check(page, output_path, "sheet")
        with page.expect_download() as download:
            page.get_by_role("button", name="Tải tệp PDF để in").click()
        sheet = pages_of(Path(download.value.path()).read_bytes())

        assert len(sheet) == 1 and len(sheet[0]["codes"]) == 24
        [payload] = set(sheet[0]["codes"])
        assert payload.endswith("/01/08935220600117/10/TH-2610?17=271015")
        address = urlsplit(payload)
        page.goto(f"{address.path}?{address.query}")
        expect(page.get_by_role("heading", name="Miến dong Tài Hoan", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name="Lô TH-2610")).to_be_visible()
        expect(page.locator(".trace-lot")).to_contain_text(CENTRE)
        expect(page.locator(".trace-lot")).to_contain_text("15/10/2027")
        check(page, output_path, "lot")
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", name="Where this lot was received")).to_be_visible()
        check(page, output_path, "lot-en")


def test_the_product_page_of_a_demo_stamp_and_an_unknown_code(browser, storefront, output_path):
    with phone_page(browser, storefront, allow=answered(404)) as page:
        page.goto("/01/08936186900112")  # HTX Mường Ảng's coffee: its certificate awaits verification
        expect(page.get_by_role("heading", name="Chủ thể sản xuất")).to_be_visible()
        expect(page.locator(".certificate")).to_contain_text("đang chờ cơ quan OCOP xác minh")
        check(page, output_path, "product")
        page.goto("/01/08936186900113")  # one digit off: the check digit is wrong
        expect(page.get_by_role("heading", name="Không tìm thấy sản phẩm có mã này")).to_be_visible()
        check(page, output_path, "unknown")
