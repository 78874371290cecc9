"""The till in a real Chromium with the demo: the demo operator scans (typing a GTIN and Enter,
as a keyboard-wedge scanner does), searches without diacritics, taps a recent item, changes
quantities and prices, takes cash and prints the receipt; a double tap, a lost answer, a reload
after one and a dropped network each sell once; a discount above the limit goes through with
the lead operator's approval; the end of day hands over the cash counted. Sales are counted in
the database. Every page is checked with axe-core and at 360 px, and photographed."""

import re
import time
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.accounts.models import User
from marketplace.demo.data import DEMO_PASSWORD
from marketplace.extensions import db
from marketplace.showrooms.models import DisplayPoint, MovementKind, StockMovement
from tests.vietqr_reading import crc_is_right, decode_image, transfer as vietqr_fields
from tests.web.browser_support import answered, checker, log_in, phone_page, screenshot

check = checker("till-")
POINT = "Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên"
OPERATOR, LEAD = "operator@demo.ocop.vn", "truongdiem@demo.ocop.vn"
COFFEE, NOODLES = "8936186900112", "8935220600117"  # 120.000 and 80.000 ₫, on the demo centre's shelf
SALES = "**/api/v1/points/*/sales"


@pytest.fixture(scope="module")
def point_id(_app, storefront):
    with _app.app_context():
        found = db.session.scalar(sa.select(DisplayPoint.id).where(DisplayPoint.name == POINT))
        db.session.remove()
    return found


@pytest.fixture
def sales(_app, point_id):
    """sales() → the point's sales in the database: (count, the newest one's id)."""
    def count():
        with _app.app_context():
            where = (StockMovement.point_id == point_id, StockMovement.kind == MovementKind.SALE)
            found = (db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement).where(*where)),
                     db.session.scalar(sa.select(sa.func.max(StockMovement.id)).where(*where)))
            db.session.remove()
        return found
    return count


def open_till(page, point_id, email=OPERATOR):
    log_in(page, "/dang-nhap", email)
    page.goto(f"/diem-ban/{point_id}/ban-hang")
    expect(page.get_by_label("Quét mã vạch hoặc gõ tên hàng")).to_be_focused()


def scan(page, gtin):
    """As a keyboard-wedge scanner: the digits, then Enter, into whatever has focus."""
    page.keyboard.type(gtin)
    page.keyboard.press("Enter")


def line(page, name):
    return page.locator(".till-line", has_text=name)


def test_a_sale_from_scan_to_receipt(browser, storefront, point_id, sales, output_path):
    with phone_page(browser, storefront, allow=answered(404)) as page:  # the unknown barcode's lookup
        open_till(page, point_id)
        # a sale earlier today, so the coffee is among the recent items
        earlier = page.request.post(f"/api/v1/points/{point_id}/sales", headers={"Idempotency-Key": str(uuid.uuid4())},
                                    data={"payment_method": "card", "lines": [{"variant_id": _variant(page, point_id, COFFEE),
                                                                               "quantity": 1}]})
        assert earlier.status == 201, earlier.text()
        page.reload()
        expect(page.get_by_role("heading", name="Bán gần đây")).to_be_visible()
        count_before, _ = sales()

        page.get_by_label("Quét mã vạch hoặc gõ tên hàng").fill("mien dong")  # no diacritics
        expect(page.get_by_role("heading", name="Kết quả tìm kiếm")).to_be_visible()
        page.get_by_role("button", name=re.compile("Miến dong Tài Hoan · Gói 500 g")).click()
        noodles = line(page, "Miến dong Tài Hoan")
        expect(noodles).to_contain_text("Lô TH-2610, hạn dùng 15/10/2027")
        noodles.get_by_role("button", name="Xoá").click()
        expect(noodles).to_have_count(0)

        page.get_by_role("button", name=re.compile("Cà phê Arabica Mường Ảng · Bột rang xay")).click()  # a recent item
        coffee = line(page, "Cà phê Arabica Mường Ảng")
        expect(coffee).to_contain_text("Bột rang xay, gói 250 g")
        expect(coffee).to_contain_text("Lô MA-2611, hạn dùng 31/08/2027")
        expect(coffee).to_contain_text("Còn 23 trên quầy")
        page.get_by_role("heading", name="Thanh toán").click()  # focus leaves the field: the scanner's digits still land
        scan(page, COFFEE)
        expect(coffee.get_by_role("spinbutton", name="Số lượng")).to_have_value("2")
        scan(page, "8930000000007")
        expect(page.get_by_role("alert").filter(has_text="Không tìm thấy mã 8930000000007")).to_be_visible()
        coffee.get_by_role("spinbutton", name="Số lượng").fill("3")
        expect(coffee).to_contain_text("3 × 120.000 ₫ = 360.000 ₫")
        page.keyboard.press("Enter")  # done with the quantity: back to the scan field
        expect(page.get_by_label("Quét mã vạch hoặc gõ tên hàng")).to_be_focused()

        scan(page, NOODLES)
        expect(noodles).to_contain_text("1 × 80.000 ₫")
        noodles.get_by_role("button", name="Đổi giá").click()
        expect(noodles).to_contain_text("Tối đa giảm 30% (không thấp hơn 56.000 ₫)")
        noodles.get_by_label("Giá mới (đồng)").fill("65.000")
        noodles.get_by_role("button", name="Áp dụng giá").click()
        expect(noodles.get_by_text("Chọn lý do đổi giá.")).to_be_visible()  # a changed price needs its reason
        noodles.get_by_label("Lý do", exact=True).select_option("promotion")
        noodles.get_by_role("button", name="Áp dụng giá").click()
        expect(noodles).to_contain_text("Giá niêm yết 80.000 ₫. Lý do: Khuyến mãi")
        expect(page.locator("#till-approval")).to_be_hidden()  # within the limit: nobody has to approve

        page.get_by_label("Khách đưa (đồng)").fill("500.000")
        expect(page.locator("#till-change")).to_have_text("75.000 ₫")
        check(page, output_path, "lines")
        page.set_viewport_size({"width": 1024, "height": 768})
        screenshot(page, output_path, "till-lines-tablet-1024.png")
        page.set_viewport_size({"width": 360, "height": 740})

        page.get_by_role("button", name="Thanh toán 425.000 ₫").click()
        page.wait_for_url(re.compile(r"/hoa-don/\d+$"))
        receipt = page.locator(".receipt")
        for text in ("Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên", "(giờ Việt Nam, UTC+7)",
                     "Lô MA-2611, hạn dùng 31/08/2027", "3 × 120.000 ₫", "Lô TH-2610, hạn dùng 15/10/2027",
                     "1 × 65.000 ₫", "Giá niêm yết 80.000 ₫. Lý do đổi giá: Khuyến mãi",
                     "Sản xuất: Hợp tác xã Cà phê Arabica Mường Ảng", "Sản xuất: Hợp tác xã Tài Hoan"):
            expect(receipt).to_contain_text(text)
        for term, value in (("Tổng cộng", "425.000 ₫"), ("Thanh toán", "Tiền mặt"), ("Khách đưa", "500.000 ₫"),
                            ("Tiền thừa", "75.000 ₫")):
            expect(receipt.locator("dl div", has_text=term).locator("dd")).to_have_text(value)
        expect(page.get_by_role("button", name="In hoá đơn")).to_be_visible()
        assert sales()[0] == count_before + 1
        check(page, output_path, "receipt")
        page.emulate_media(media="print")
        screenshot(page, output_path, "till-receipt-print.png")
        page.emulate_media(media="screen")

        page.get_by_role("link", name="Bán tiếp").click()
        expect(page.get_by_text("Chưa có hàng trong giao dịch.")).to_be_visible()  # the sale is no longer kept
        check(page, output_path, "empty")


def _variant(page, point_id, gtin) -> int:
    answer = page.request.get(f"/api/v1/points/{point_id}/items/scan?gtin={gtin}")
    assert answer.status == 200, answer.text()
    return answer.json()["variant_id"]


def failed_requests(url, text):
    """For phone_page: a request the test made fail (aborted, or the network down) is expected."""
    return "net::ERR_" in text


def pay(page, amount):
    page.get_by_role("button", name=f"Thanh toán {amount}").click()


def test_a_double_tap_sells_once_and_even_a_second_request_is_the_same_sale(browser, storefront, point_id, sales):
    with phone_page(browser, storefront) as page:
        open_till(page, point_id)
        before, _ = sales()
        sent = []
        page.on("request", lambda request: request.method == "POST" and "/sales" in request.url and sent.append(request))
        scan(page, COFFEE)
        # a quantity typed, then a scan before leaving the field: the digits still make a barcode
        line(page, "Cà phê Arabica Mường Ảng").get_by_role("spinbutton", name="Số lượng").fill("2")
        page.wait_for_timeout(1000)  # the operator's pause before the scanner's burst (what tells them apart)
        scan(page, NOODLES)
        expect(line(page, "Miến dong Tài Hoan")).to_contain_text("1 × 80.000 ₫")
        expect(line(page, "Cà phê Arabica Mường Ảng").get_by_role("spinbutton", name="Số lượng")).to_have_value("2")
        expect(line(page, "Cà phê Arabica Mường Ảng")).to_contain_text("Máy quét đã gõ vào ô số lượng này")
        # how the keystrokes ([value, ms]) are split: at the longest pause; a burst right after focus keeps what was there
        assert page.evaluate("""() => [
          OcopTillSale.scannedInto([["1", 0], ["2", 900], ["28", 2900], ["289", 2910], ["2893", 2920], ["28935", 2930],
                                    ["289352", 2940], ["2893522", 2950]]),
          OcopTillSale.scannedInto([["1", 0], ["18", 5], ["189", 10], ["1893", 15], ["18935", 20], ["189352", 25],
                                    ["1893522", 30]]),
          OcopTillSale.scannedInto([["1", 0], ["12", 900], ["123", 1900]])]""") == [
            {"typed": "2", "code": "893522"}, {"typed": "1", "code": "893522"}, None]
        page.get_by_label("Thẻ", exact=True).check()

        page.get_by_role("button", name="Thanh toán 320.000 ₫").dblclick()

        page.wait_for_url(re.compile(r"/hoa-don/\d+$"))
        count, newest = sales()
        assert (len(sent), count) == (1, before + 1)  # the second tap found the button off
        assert page.url.endswith(f"/hoa-don/{newest}")
        # Had a second request gone out, its key would have made it the same sale.
        again = page.request.post(sent[0].url, data=sent[0].post_data, headers={
            "Content-Type": "application/json", "Idempotency-Key": sent[0].headers["idempotency-key"]})
        assert (again.status, again.json()["id"]) == (200, newest)
        assert sales() == (before + 1, newest)


def test_a_lost_answer_is_sent_again_with_the_same_key_and_sells_once(browser, storefront, point_id, sales,
                                                                       output_path):
    with phone_page(browser, storefront, allow=failed_requests) as page:
        open_till(page, point_id)
        before, _ = sales()
        scan(page, COFFEE)
        keys = []

        def lose_the_answer(route):
            keys.append(route.request.headers["idempotency-key"])
            route.fetch()  # the sale reaches the server, which makes it...
            route.abort()  # ...and its answer never comes back

        page.route(SALES, lose_the_answer)
        pay(page, "120.000 ₫")

        expect(page.get_by_role("alert").filter(has_text="Chưa gửi được giao dịch")).to_contain_text(
            "Đã giữ lại giao dịch, bấm Gửi lại")
        coffee = line(page, "Cà phê Arabica Mường Ảng")
        expect(coffee.get_by_role("button", name="Xoá")).to_be_disabled()  # kept as it was sent
        made = sales()
        assert made[0] == before + 1
        check(page, output_path, "unsent")
        page.unroute(SALES)
        page.on("request", lambda request: "/sales" in request.url and keys.append(request.headers["idempotency-key"]))

        page.get_by_role("button", name="Gửi lại").click()

        page.wait_for_url(f"**/hoa-don/{made[1]}")  # the same sale's receipt
        assert sales() == made
        assert len(keys) == 2 and keys[0] == keys[1]


def test_a_retry_after_a_timeout_sells_once(browser, storefront, point_id, sales):
    with phone_page(browser, storefront, allow=failed_requests) as page:
        open_till(page, point_id)
        page.evaluate("OcopTillSale.timeoutMs = 1500")  # instead of 10 s
        before, _ = sales()
        scan(page, COFFEE)

        def answer_too_late(route):
            answer = route.fetch()  # the sale is made...
            time.sleep(3)  # ...and its answer comes after the till stopped waiting
            try:
                route.fulfill(response=answer)
            except Exception:  # the browser gave up on the request
                pass

        page.route(SALES, answer_too_late)
        pay(page, "120.000 ₫")

        expect(page.get_by_role("alert").filter(has_text="Chưa gửi")).to_contain_text("máy chủ trả lời quá lâu")
        made = sales()
        assert made[0] == before + 1
        page.unroute(SALES)
        page.get_by_role("button", name="Gửi lại").click()
        page.wait_for_url(f"**/hoa-don/{made[1]}")
        assert sales() == made


def test_a_reload_after_a_lost_answer_offers_the_sale_again_and_sells_once(browser, storefront, point_id, sales):
    with phone_page(browser, storefront, allow=failed_requests) as page:
        open_till(page, point_id)
        before, _ = sales()
        scan(page, NOODLES)
        scan(page, NOODLES)
        unanswered = []

        def first_never_answered(route):
            if unanswered:
                route.continue_()
                return
            route.fetch()  # the sale is made; the page is reloaded before its answer comes
            unanswered.append(route)

        page.route(SALES, first_never_answered)
        pay(page, "160.000 ₫")
        expect(page.get_by_role("button", name="Đang gửi giao dịch…")).to_be_disabled()
        _when(lambda: sales()[0] == before + 1, page)
        made = sales()

        page.reload()

        expect(page.get_by_role("alert").filter(has_text="Có một")).to_contain_text("Có một giao dịch chưa được xác nhận từ lần trước")
        expect(line(page, "Miến dong Tài Hoan").get_by_role("spinbutton", name="Số lượng")).to_have_value("2")
        page.get_by_role("button", name="Gửi lại").click()
        page.wait_for_url(f"**/hoa-don/{made[1]}")
        assert sales() == made


def _when(condition, page, tries=100):
    """Wait (polling, without asserting any time) until condition() holds."""
    for _ in range(tries):
        if condition():
            return None
        page.wait_for_timeout(100)
    raise AssertionError("the condition never held")


def test_a_dropped_network_is_said_plainly_and_the_sale_goes_once_back_online(browser, storefront, point_id, sales):
    with phone_page(browser, storefront, allow=failed_requests) as page:
        open_till(page, point_id)
        before, _ = sales()
        scan(page, COFFEE)
        page.get_by_label("Chuyển khoản", exact=True).check()
        reference = page.locator("#till-transfer-reference").inner_text()
        assert re.fullmatch(rf"OCOP{point_id} [0-9A-F]{{8}}", reference)
        qr = page.locator("#till-transfer-qr")
        expect(qr).to_be_visible()
        page.wait_for_function("document.getElementById('till-transfer-qr').naturalWidth > 0")
        payloads = decode_image(qr.screenshot())  # the customer's banking app reads this
        assert len(payloads) == 1 and crc_is_right(payloads[0])
        fields = vietqr_fields(payloads[0])
        assert (fields["amount"], fields["purpose"], fields["service"]) == ("120000", reference, "QRIBFTTA")

        page.context.set_offline(True)
        expect(page.get_by_text("Mất kết nối mạng. Giao dịch đang bán vẫn được giữ trên máy này.")).to_be_visible()
        pay(page, "120.000 ₫")

        expect(page.get_by_role("alert").filter(has_text="Chưa gửi")).to_contain_text(
            "Chưa gửi được giao dịch: mất kết nối mạng")
        assert sales()[0] == before
        page.context.set_offline(False)
        expect(page.get_by_role("status").filter(has_text="Đã có mạng trở lại")).to_contain_text("Bấm Gửi lại")
        page.get_by_role("button", name="Gửi lại").click()

        page.wait_for_url(re.compile(r"/hoa-don/\d+$"))
        transfer = page.locator(".receipt dl div", has_text="Nội dung chuyển khoản")
        expect(transfer.locator("dd")).to_have_text(reference)
        assert sales()[0] == before + 1


def test_a_discount_above_the_limit_goes_through_with_the_lead_operators_approval(browser, storefront, point_id,
                                                                                  _app, output_path):
    with phone_page(browser, storefront, allow=answered(422)) as page:
        open_till(page, point_id)
        scan(page, NOODLES)
        noodles = line(page, "Miến dong Tài Hoan")
        noodles.get_by_role("button", name="Đổi giá").click()
        noodles.get_by_label("Giá mới (đồng)").fill("50000")
        noodles.get_by_label("Lý do", exact=True).select_option("near_expiry")
        noodles.get_by_role("button", name="Áp dụng giá").click()
        expect(noodles).to_contain_text("Giảm quá 30% cần trưởng điểm duyệt.")
        approval = page.get_by_role("group", name="Trưởng điểm duyệt giảm giá")
        expect(approval).to_be_visible()

        pay(page, "50.000 ₫")
        expect(approval).to_contain_text("Nhập email và mật khẩu của trưởng điểm để duyệt giảm giá.")
        approval.get_by_label("Email của trưởng điểm").fill(LEAD)
        approval.get_by_label("Mật khẩu của trưởng điểm").fill("not the password")
        pay(page, "50.000 ₫")
        expect(approval).to_contain_text("Email hoặc mật khẩu của người duyệt không đúng.")
        check(page, output_path, "approval")
        approval.get_by_label("Mật khẩu của trưởng điểm").fill(DEMO_PASSWORD)
        pay(page, "50.000 ₫")

        page.wait_for_url(re.compile(r"/hoa-don/\d+$"))
        expect(page.locator(".receipt")).to_contain_text("Giá niêm yết 80.000 ₫. Lý do đổi giá: Sắp hết hạn")
        sale_id = int(page.url.rsplit("/", 1)[1])
        with _app.app_context():
            approver = db.session.scalar(sa.select(User.email).join(StockMovement, StockMovement.approved_by_user_id
                                                                    == User.id).where(StockMovement.id == sale_id))
            db.session.remove()
        assert approver == LEAD


def test_the_end_of_day_hands_over_the_counted_cash(browser, storefront, point_id, sales, output_path):
    with phone_page(browser, storefront, allow=answered(422)) as page:
        log_in(page, "/dang-nhap", OPERATOR)
        page.goto(f"/diem-ban/{point_id}/ban-hang")
        scan(page, COFFEE)
        pay(page, "120.000 ₫")
        page.wait_for_url(re.compile(r"/hoa-don/\d+$"))
        page.get_by_role("navigation", name="Điểm bán").get_by_role("link", name="Cuối ngày").click()
        expect(page.get_by_role("heading", name=re.compile("^Cuối ngày"))).to_be_visible()
        expected = page.locator("#cash-expected").inner_text()
        check(page, output_path, "day")

        page.get_by_label("Số tiền mặt đếm được (đồng)").fill("một triệu")
        page.get_by_role("button", name="Bàn giao tiền mặt").click()
        expect(page.locator(".field-error")).to_have_text("Nhập số tiền bằng số đồng, ví dụ 1.250.000.")
        check(page, output_path, "day-refused")

        page.get_by_label("Số tiền mặt đếm được (đồng)").fill(expected.replace(" ₫", ""))
        page.get_by_label("Số biên bản hoặc ghi chú (không bắt buộc)").fill("BB-0001")
        page.get_by_role("button", name="Bàn giao tiền mặt").click()

        expect(page.get_by_role("status")).to_contain_text(f"Đã bàn giao {expected}. Cần bàn giao {expected}, "
                                                           "chênh lệch 0 ₫.")
        expect(page.get_by_text("Không còn tiền mặt cần bàn giao.")).to_be_visible()
        check(page, output_path, "day-handed-over")
