"""The till's pages over the test client: the till page and what it hands its script, a sale's
receipt (the point, the time in Vietnam, lots, producers, cash tendered and change), the end of
day, and handing the cash over with the amount counted (bad input: 422 beside the field, nothing
written). Someone who does not operate the point finds none of them."""

import json
import re
from datetime import datetime, timezone
from html import unescape

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.showrooms import receipts, till
from marketplace.showrooms.models import CashHandover, OverrideReason, SalePayment, StockMovement
from marketplace.showrooms.till import Sale, SaleLine
from tests.factories import ProducerFactory, ProductFactory
from tests.point_factories import DisplayPointFactory, PointOperatorFactory, consign, operator_of, receive
from tests.web.test_account_pages import csrf_of, html, log_in


@pytest.fixture
def point():
    return DisplayPointFactory(name="Điểm OCOP Điện Biên", street_address="Số 8 đường Võ Nguyên Giáp",
                               max_discount_bps=2500)


@pytest.fixture
def operator(point):
    return operator_of(point, email="long@example.vn", full_name="Phạm Đức Long")


@pytest.fixture
def coffee(point):
    product = ProductFactory(name="Cà phê Arabica Mường Ảng", producer=ProducerFactory(name="HTX Cà phê Mường Ảng"),
                             variant__label="Gói 500 g", variant__price_vnd=120_000, shelf_life_days=365)
    consign(point, product.producer)
    receive(point, product.variants[0], 3, "MA-2611", datetime(2027, 8, 31).date())
    receive(point, product.variants[0], 10, "MA-2612", datetime(2027, 12, 31).date())
    return product.variants[0]


@pytest.fixture
def noodles(point):
    product = ProductFactory(name="Miến dong Tài Hoan", producer=ProducerFactory(name="HTX Tài Hoan"),
                             variant__label="Gói 500 g", variant__price_vnd=80_000)
    consign(point, product.producer)
    receive(point, product.variants[0], 40, "TH-2610")
    return product.variants[0]


@pytest.fixture
def logged_in(client, operator):
    assert log_in(client, "long@example.vn").status_code == 303
    return client


def sell(point, operator, *lines, method=SalePayment.CASH, tendered=None, key="sale-1", at=None, note=""):
    sale, _created = till.sell(point.id, operator.id, Sale(tuple(lines), method, note, cash_tendered_vnd=tendered), key)
    if at:
        sale.created_at = at
        db.session.commit()
    return sale


def text_of(page: str) -> str:
    """The page's visible words, tags stripped and spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_till_page_hands_its_script_the_point_its_limit_and_the_api(logged_in, point):
    page = html(logged_in.get(f"/diem-ban/{point.id}/ban-hang"))

    assert f'data-point-id="{point.id}"' in page and 'data-max-discount-bps="2500"' in page
    assert 'data-lead="false"' in page
    assert f'data-scan-url="/api/v1/points/{point.id}/items/scan"' in page
    assert f'data-sales-url="/api/v1/points/{point.id}/sales"' in page
    assert f'data-receipt-url="/diem-ban/{point.id}/hoa-don/0"' in page
    messages = json.loads(unescape(re.search(r"data-messages='([^']+)'", page).group(1)))
    assert messages["overLimit"] == "Giảm quá 25% cần trưởng điểm duyệt."
    assert "Màn hình bán hàng cần JavaScript" in page  # in <noscript>
    assert "Tối đa giảm 25% (không thấp hơn {floor})" in page
    for script in ("till-sale.js", "till.js", "till-pay.js"):
        assert f'src="/static/{script}" defer' in page
    assert "<script>" not in page


def test_the_till_speaks_english_to_an_operator_who_chose_it(logged_in, point):
    logged_in.post("/ngon-ngu", data={"locale": "en", "next": "/", "csrf_token": csrf_of(logged_in, "/")})

    page = html(logged_in.get(f"/diem-ban/{point.id}/ban-hang"))

    messages = json.loads(unescape(re.search(r"data-messages='([^']+)'", page).group(1)))
    assert messages["overLimit"] == "A discount above 25% needs the lead operator's approval."
    assert messages["pay"] == "Pay {amount}" and "Scan a barcode or type an item" in page


def test_the_till_page_knows_a_lead_operator(client, point):
    PointOperatorFactory(point=point, user__email="thanh@example.vn", is_lead=True)
    assert log_in(client, "thanh@example.vn").status_code == 303

    page = html(client.get(f"/diem-ban/{point.id}/ban-hang"))

    assert 'data-lead="true"' in page and "bạn tự duyệt được giảm giá vượt mức" in page


def test_a_receipt_shows_the_point_the_vietnam_time_lots_producers_and_the_change(logged_in, point, operator,
                                                                                  coffee, noodles):
    sale = sell(point, operator, SaleLine(coffee.id, 4), SaleLine(noodles.id, 1, 70_000, OverrideReason.NEAR_EXPIRY),
                tendered=600_000, at=datetime(2026, 3, 1, 20, 30, tzinfo=timezone.utc))

    answer = logged_in.get(f"/diem-ban/{point.id}/hoa-don/{sale.id}")

    assert answer.status_code == 200
    page = text_of(html(answer))
    assert "Điểm OCOP Điện Biên" in page and "Số 8 đường Võ Nguyên Giáp" in page
    assert f"Số: POS-{point.id}-{sale.id}" in page
    assert "02/03/2026 03:30 (giờ Việt Nam, UTC+7)" in page  # 20:30 UTC on the 1st
    assert 'datetime="2026-03-02T03:30:00+07:00"' in html(answer)
    # four coffees: the three of the first-expiring lot, then one of the next
    assert "Lô MA-2611, hạn dùng 31/08/2027 3 × 120.000 ₫ 360.000 ₫" in page
    assert "Lô MA-2612, hạn dùng 31/12/2027 1 × 120.000 ₫ 120.000 ₫" in page
    assert "1 × 70.000 ₫ 70.000 ₫ Giá niêm yết 80.000 ₫. Lý do đổi giá: Sắp hết hạn" in page
    assert "Sản xuất: HTX Cà phê Mường Ảng" in page
    assert "Chủ thể sản xuất: HTX Cà phê Mường Ảng; HTX Tài Hoan" in page
    assert "Tổng cộng 550.000 ₫" in page and "Thanh toán Tiền mặt" in page
    assert "Khách đưa 600.000 ₫" in page and "Tiền thừa 50.000 ₫" in page
    assert "Thu ngân: Phạm Đức Long" in page
    assert f'href="/diem-ban/{point.id}/ban-hang"' in html(answer)  # Bán tiếp
    assert 'src="/static/receipt.js" defer' in html(answer)


def test_a_receipt_is_read_in_one_query_however_many_lines_and_lots(app, point, operator, coffee, noodles):
    sale = sell(point, operator, SaleLine(coffee.id, 5), SaleLine(noodles.id, 2))  # coffee runs into a second lot
    point_id, sale_id = point.id, sale.id
    db.session.expunge_all()  # nothing already loaded
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        receipt = receipts.sale_receipt(point_id, sale_id)
        seen = (receipt.point.province.name, receipt.point.ward.name, receipt.cashier_name, len(receipt.lines))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)

    assert seen[2:] == ("Phạm Đức Long", 3)
    assert len(statements) == 1, statements


def test_a_bank_transfer_receipt_shows_its_reference_and_no_change(logged_in, point, operator, coffee):
    sale = sell(point, operator, SaleLine(coffee.id, 1), method=SalePayment.BANK_TRANSFER,
                note=f"OCOP{point.id} 1A2B3C4D")

    page = text_of(html(logged_in.get(f"/diem-ban/{point.id}/hoa-don/{sale.id}")))

    assert "Thanh toán Chuyển khoản" in page and f"Nội dung chuyển khoản OCOP{point.id} 1A2B3C4D" in page
    assert "Khách đưa" not in page and "Tiền thừa" not in page


def test_another_points_sale_and_a_movement_that_is_no_sale_have_no_receipt_here(logged_in, point, operator, coffee):
    other = DisplayPointFactory()
    theirs = operator_of(other)
    consign(other, coffee.product.producer)
    receive(other, coffee, 2, "X1", datetime(2027, 8, 31).date())
    their_sale = sell(other, theirs, SaleLine(coffee.id, 1), key="theirs")
    delivery = db.session.scalar(sa.select(StockMovement.id).where(StockMovement.point_id == point.id,
                                                                   StockMovement.kind == "receipt"))

    assert logged_in.get(f"/diem-ban/{point.id}/hoa-don/{their_sale.id}").status_code == 404
    assert logged_in.get(f"/diem-ban/{point.id}/hoa-don/{delivery}").status_code == 404
    assert logged_in.get(f"/diem-ban/{other.id}/hoa-don/{their_sale.id}").status_code == 404  # not their operator


def test_the_end_of_day_shows_the_takings_by_payment_method_and_the_cash_to_hand_over(logged_in, point, operator,
                                                                                     coffee):
    cash = sell(point, operator, SaleLine(coffee.id, 2), key="s1")
    sell(point, operator, SaleLine(coffee.id, 1), method=SalePayment.CARD, key="s2")
    sell(point, operator, SaleLine(coffee.id, 1), method=SalePayment.BANK_TRANSFER, key="s3")

    answer = logged_in.get(f"/diem-ban/{point.id}/cuoi-ngay")

    assert answer.status_code == 200
    page = text_of(html(answer))
    assert "Số lượt bán 3" in page and "Số sản phẩm 4" in page and "Doanh thu 480.000 ₫" in page
    assert "Tiền mặt 240.000 ₫" in page and "Thẻ 120.000 ₫" in page and "Chuyển khoản 120.000 ₫" in page
    assert "Tiền mặt cần bàn giao 240.000 ₫" in page
    assert f'href="/diem-ban/{point.id}/hoa-don/{cash.id}"' in html(answer)


def hand_over(client, point, amount, reference=""):
    return client.post(f"/diem-ban/{point.id}/cuoi-ngay/ban-giao", data={
        "csrf_token": csrf_of(client, f"/diem-ban/{point.id}/cuoi-ngay"), "amount": amount, "reference": reference})


def handovers() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CashHandover))


def test_the_counted_cash_is_handed_over_and_the_difference_shown(logged_in, point, operator, coffee):
    sell(point, operator, SaleLine(coffee.id, 3))

    answer = hand_over(logged_in, point, "350.000", "BB-0412")

    assert answer.status_code == 303 and answer.location.endswith(f"/diem-ban/{point.id}/cuoi-ngay")
    page = text_of(html(logged_in.get(answer.location)))
    assert "Đã bàn giao 350.000 ₫. Cần bàn giao 360.000 ₫, chênh lệch -10.000 ₫." in page
    assert "Tiền mặt cần bàn giao 10.000 ₫" in page and "BB-0412 350.000 ₫" in page
    assert db.session.scalar(sa.select(CashHandover.amount_vnd)) == 350_000


@pytest.mark.parametrize("typed, message", [
    ("", "Nhập số tiền đếm được, ví dụ 1.250.000."),
    ("ba trăm nghìn", "Nhập số tiền bằng số đồng, ví dụ 1.250.000."),
    ("0", "Số tiền phải lớn hơn 0 đồng."),
    ("360.001", "Nhiều hơn số tiền mặt điểm bán đang giữ (360.000 ₫). Đếm lại tiền."),
])
def test_a_counted_amount_that_cannot_be_handed_over_is_refused_beside_the_field(logged_in, point, operator, coffee,
                                                                                  typed, message):
    sell(point, operator, SaleLine(coffee.id, 3))

    answer = hand_over(logged_in, point, typed)

    assert answer.status_code == 422
    page = html(answer)
    assert re.search(r'<p class="field-error" id="amount-error-1">' + re.escape(message) + "</p>", page)
    assert 'aria-invalid="true"' in page and "Vui lòng kiểm tra lại" in page
    assert f'value="{typed}"' in page or not typed  # what was typed stays in the field
    assert handovers() == 0


def test_a_handover_without_its_csrf_token_writes_nothing(logged_in, point, operator, coffee):
    sell(point, operator, SaleLine(coffee.id, 1))

    answer = logged_in.post(f"/diem-ban/{point.id}/cuoi-ngay/ban-giao", data={"amount": "120.000"})

    assert answer.status_code in (400, 422) and handovers() == 0


@pytest.mark.parametrize("path", ["/ban-hang", "/cuoi-ngay"])
def test_another_points_till_pages_are_not_found(logged_in, path):
    other = DisplayPointFactory(name="Điểm của người khác")

    answer = logged_in.get(f"/diem-ban/{other.id}{path}")

    assert answer.status_code == 404 and "Điểm của người khác" not in html(answer)
