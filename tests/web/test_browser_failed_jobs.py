"""The back office's failed jobs in a real Chromium at 360 px: the demo admin
finds two jobs that failed after their retries (a notification mail, a product
import) through the navigation, runs one again and sees it leave the list.
Checked with axe-core and for sideways scrolling, and photographed."""

import os
import re

import pytest
from playwright.sync_api import expect

from marketplace.demo import data as demo
from marketplace.extensions import db
from marketplace.jobs.models import FailedJobRecord
from tests.web.browser_support import PHONE, assert_accessible, assert_no_horizontal_scroll

ADMIN = "admin@demo.ocop.vn"


@pytest.fixture(scope="module")
def failed(_app, storefront):
    with _app.app_context():
        db.session.add_all([
            FailedJobRecord(name="notifications.send", attempts=5, error=(
                "failed in-process: SMTPServerDisconnected: Connection unexpectedly closed by smtp.example.vn"),
                kwargs={"kind": "order_placed", "user_id": 12, "key": "order_placed:41:12", "link": "/don-hang/41"}),
            FailedJobRecord(name="orders.expire_reservations", kwargs={}, attempts=5,
                            error="failed in-process: OperationalError: could not connect to server"),
        ])
        db.session.commit()
        db.session.remove()


def check(page, output_path, name):
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    os.makedirs(output_path, exist_ok=True)
    page.screenshot(path=os.path.join(output_path, f"admin-{name}-360.png"), full_page=True)


def test_the_admin_finds_the_failed_jobs_and_runs_one_again(browser, storefront, failed, output_path):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=storefront)
    page = context.new_page()
    page.goto("/dang-nhap?next=/quan-tri")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Mật khẩu").fill(demo.DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/quan-tri$"))
    page.get_by_role("navigation", name="Quản trị").get_by_role("link", name="Công việc lỗi").click()
    expect(page.get_by_role("heading", name="Công việc lỗi", level=1)).to_be_visible()
    rows = page.locator("table.failed-jobs tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("orders.expire_reservations")
    expect(rows.nth(1)).to_contain_text("order_placed:41:12")
    check(page, output_path, "failed-jobs")

    page.get_by_role("button", name=re.compile("Chạy lại orders.expire_reservations")).click()
    expect(page.get_by_role("status").first).to_contain_text("Đã cho chạy lại công việc orders.expire_reservations")
    expect(rows).to_have_count(1)
    check(page, output_path, "failed-jobs-run-again")
    context.close()
