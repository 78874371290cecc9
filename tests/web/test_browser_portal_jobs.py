"""What the portal shows while a job works, in a real Chromium at 360 px: a photo
"being processed" until media.product_renditions has run, and an import queued
until catalog.apply_import has; each time the page updates itself
(static/refresh.js) once the job is done. The jobs are held on an event here,
so the waiting state can be seen; each page is checked with axe-core and for
sideways scrolling, and photographed."""

import threading

import pytest
from playwright.sync_api import expect

from marketplace.jobs import registry
from tests.factories import DIEN_BIEN
from tests.web.test_browser_portal_products import _csv, check, owner, photo  # noqa: F401


@pytest.fixture
def hold(monkeypatch):
    """hold(name) → an event: the job `name` waits for it before it runs."""
    events = []

    def holding(name: str) -> threading.Event:
        job, release = registry.JOBS[name], threading.Event()

        def held(**kwargs):
            assert release.wait(30), f"the test never released {name}"
            return job(**kwargs)

        monkeypatch.setitem(registry.JOBS, name, held)
        events.append(release)
        return release

    yield holding
    for release in events:  # never leave the live server's worker thread waiting
        release.set()


def test_a_photo_shows_as_being_processed_then_appears_without_a_reload(owner, hold, output_path):
    page = owner
    release = hold("media.product_renditions")
    page.locator(".pp-item a").first.click()
    photos = page.locator(".pp-images img")
    expect(photos.first).to_be_visible()
    before = photos.count()
    page.get_by_label("Thêm ảnh").set_input_files(photo("JPEG", (30, 120, 60)))
    page.get_by_role("button", name="Tải ảnh lên").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã thêm ảnh")
    pending = page.locator(".pp-image-pending")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("Đang xử lý ảnh…")
    expect(photos).to_have_count(before)
    page.locator("#anh").scroll_into_view_if_needed()
    check(page, output_path, "photo-processing")
    # A refused upload is shown at the address it was posted to; the list still updates from the product's page.
    page.get_by_label("Thêm ảnh").set_input_files({"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": b"<html>"})
    page.get_by_role("button", name="Tải ảnh lên").click()
    expect(page.locator("#upload-errors")).to_be_visible()
    expect(pending).to_have_count(1)

    release.set()
    expect(pending).to_have_count(0, timeout=15_000)
    expect(photos).to_have_count(before + 1)
    expect(page.locator("#anh-danh-sach")).not_to_have_attribute("data-refresh", "1")
    check(page, output_path, "photo-processed")


def test_an_import_shows_as_queued_then_done_without_a_reload(owner, hold, output_path):
    page = owner
    release = hold("catalog.apply_import")
    page.get_by_role("link", name="Nhập từ tệp").click()
    rows = [["Chè búp Tủa Chùa", "beverages", DIEN_BIEN, "Gói 200 g", 200, "g", "120.000", 15]]
    page.get_by_label("Tệp danh sách sản phẩm (CSV hoặc XLSX)").set_input_files(_csv(rows))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.get_by_role("button", name="Xác nhận nhập").click()
    imports = page.locator("#lan-nhap-ds")
    expect(imports).to_contain_text("Đang chờ")
    expect(imports).to_contain_text("Chưa có gì được ghi")
    check(page, output_path, "import-queued")

    release.set()
    expect(imports).to_contain_text("Đã nhập xong", timeout=15_000)
    expect(imports).to_contain_text("Đã nhập 1 dòng: 1 sản phẩm mới")
    check(page, output_path, "import-applied")
