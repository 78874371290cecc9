"""The producer portal's product pages in a real Chromium at 360 px: the demo owner
creates a product with two photos and its certificate's decision document, adds a
variant, publishes it; and imports a CSV with one bad row, refused with its line
number, then fixed and accepted (a job applies it; the page shows when it is done). Each page is checked with axe-core and for sideways
scrolling, and photographed into the run's output folder."""

import csv
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from marketplace.demo.data import DEMO_PASSWORD
from tests.factories import DIEN_BIEN
from tests.web.browser_support import PHONE, checker

OWNER = "ongmat@demo.ocop.vn"


@pytest.fixture
def owner(browser, storefront):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=storefront)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append((page.url, message.text)))
    page.goto("/dang-nhap?next=/kenh-nguoi-ban")
    page.get_by_label("Email").fill(OWNER)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(re.compile(r"/kenh-nguoi-ban/\d+$"))
    page.get_by_role("navigation", name="Kênh người bán").get_by_role("link", name="Sản phẩm").click()
    expect(page.get_by_role("heading", name="Sản phẩm", exact=True)).to_be_visible()
    yield page
    context.close()
    errors = [(url, text) for url, text in errors if not re.search(r"status of (422|409)\b", text)]
    assert not errors, f"console errors: {errors}"


check = checker("portal-products-")


def photo(kind: str, colour) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(out, kind)
    return {"name": f"anh.{kind.lower()}", "mimeType": f"image/{kind.lower()}", "buffer": out.getvalue()}


def test_the_owner_creates_a_product_with_two_photos_and_a_decision_and_publishes_it(owner, output_path):
    page = owner
    check(page, output_path, "list")
    page.get_by_role("link", name="Thêm sản phẩm").click()
    page.get_by_label("Tên sản phẩm").fill("Mật ong hoa cà phê")
    page.get_by_label("Nhóm sản phẩm").select_option("food")
    page.get_by_label("Tỉnh, thành phố xuất xứ").select_option(str(DIEN_BIEN))
    page.get_by_label("Hạng sao OCOP").select_option("4")
    page.get_by_role("button", name="Tạo bản nháp").click()  # the decision is missing: refused
    expect(page.locator("#error-summary")).to_be_visible()
    check(page, output_path, "create-errors")
    page.get_by_label("Số quyết định").fill("1234/QĐ-UBND")
    page.get_by_label("Cấp công nhận").select_option("provincial")
    page.get_by_label("Ngày quyết định").fill("2025-06-01")
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã tạo bản nháp")

    page.get_by_label(re.compile("Thêm ảnh")).set_input_files(
        {"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": b"<html>not a photo</html>"})
    page.get_by_role("button", name="Tải ảnh lên").click()
    expect(page.locator("#upload-errors")).to_contain_text("không phải ảnh")
    check(page, output_path, "fake-photo")
    for colour, kind in (((200, 120, 0), "JPEG"), ((0, 90, 160), "PNG")):
        page.get_by_label(re.compile("Thêm ảnh")).set_input_files(photo(kind, colour))
        page.get_by_role("button", name="Tải ảnh lên").click()
        expect(page.get_by_role("status").first).to_contain_text("Đã thêm ảnh")
    expect(page.locator(".pp-images li")).to_have_count(2)
    first = page.locator(".pp-images img").first.get_attribute("src")
    page.get_by_role("button", name="Lên ảnh 2").click()
    expect(page.locator(".pp-images img").nth(1)).to_have_attribute("src", first)

    page.get_by_label(re.compile("Quyết định công nhận OCOP")).set_input_files(
        {"name": "quyet-dinh.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    page.get_by_role("button", name="Tải lên quyết định").click()
    expect(page.get_by_role("link", name="Xem quyết định đã tải lên")).to_be_visible()

    page.get_by_role("button", name="Đăng bán").click()  # no variant yet: refused, and said why
    expect(page.get_by_role("status").first).to_contain_text("chưa thể đăng bán")
    page.get_by_role("link", name="Thêm quy cách").click()
    page.get_by_label("Tên quy cách").fill("Hũ 500 g")
    page.get_by_label("Khối lượng, thể tích hoặc số lượng tịnh").fill("500")
    page.get_by_label("Giá bán (đồng)").fill("320.000")
    page.get_by_label("Mã vạch GTIN (không bắt buộc)").fill("8934567890121")  # a wrong check digit
    page.get_by_role("button", name="Lưu quy cách").click()
    expect(page.locator("#gtin-error-1")).to_be_visible()
    expect(page.get_by_label("Giá bán (đồng)")).to_have_value("320.000")
    check(page, output_path, "variant-errors")
    page.get_by_label("Mã vạch GTIN (không bắt buộc)").fill("8934567890120")
    page.get_by_label("Tồn kho bán trực tuyến").fill("12")
    page.get_by_role("button", name="Lưu quy cách").click()
    expect(page.get_by_text("320.000 ₫")).to_be_visible()

    page.get_by_role("button", name="Đăng bán").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã đăng bán")
    expect(page.get_by_role("heading", name=re.compile("Trạng thái"))).to_contain_text("Đang bán")
    check(page, output_path, "published")


def _csv(rows) -> dict:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ten_san_pham", "nhom", "tinh_xuat_xu", "quy_cach", "khoi_luong_tinh", "don_vi", "gia_vnd",
                     "ton_kho"])
    writer.writerows(rows)
    return {"name": "san-pham.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}


def test_a_csv_import_with_one_bad_row_is_refused_by_line_then_fixed_and_accepted(owner, output_path):
    page = owner
    page.get_by_role("link", name="Nhập từ tệp").click()
    check(page, output_path, "import")
    rows = [["Trà shan tuyết Mường Phăng", "beverages", DIEN_BIEN, "Gói 100 g", 100, "g", "150.000", 10],
            ["Miến dong Điện Biên", "food", DIEN_BIEN, "Gói 500 g", 500, "kg", "60000", 40]]  # line 3: a bad unit
    page.get_by_label(re.compile("Tệp danh sách sản phẩm")).set_input_files(_csv(rows))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    error = page.locator("#error-summary")
    expect(error).to_contain_text("1 lỗi")
    expect(error.get_by_role("row").nth(1)).to_contain_text("3")
    expect(error.get_by_role("row").nth(1)).to_contain_text("don_vi")
    check(page, output_path, "import-refused")
    rows[1][5] = "g"
    page.get_by_label(re.compile("Tệp danh sách sản phẩm")).set_input_files(_csv(rows))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_role("status").first).to_contain_text("Tệp hợp lệ: 2 dòng")
    check(page, output_path, "import-checked")
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã nhận lệnh nhập")
    # A job applies it; the page shows its outcome once done (static/refresh.js), without a reload.
    expect(page.locator("#lan-nhap-ds")).to_contain_text("Đã nhập 2 dòng", timeout=15_000)
    check(page, output_path, "import-done")
    page.get_by_role("link", name="Tất cả sản phẩm").click()
    expect(page.get_by_role("link", name="Miến dong Điện Biên")).to_be_visible()
    check(page, output_path, "list-after-import")
