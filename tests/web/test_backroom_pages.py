"""The back room pages over the test client: a delivery received line by line from
scanned barcodes, refused beside its lines with nothing written, then its printed
receiving note; the stock list searched without diacritics, its low-stock filter and
thresholds; near-expiry lots; and the movement history's filters."""

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.showrooms import operations, services
from marketplace.showrooms.models import AdjustmentReason, Lot, PointStatus, PointStock, StockMovement
from tests.factories import ProductFactory
from tests.point_factories import DisplayPointFactory, consign, lot_balances, on_hand, operator_of, receive
from tests.web.test_account_pages import csrf_of, html, log_in

HONEY_GTIN, SQUASH_GTIN, UNKNOWN_GTIN = "8936041200111", "8936058700116", "8930000000019"


def in_days(days: int):
    return today_vn() + timedelta(days=days)


@pytest.fixture
def point(client):
    point = DisplayPointFactory(name="Điểm OCOP Điện Biên")
    operator_of(point, email="long@example.vn", full_name="Lò Văn Long")
    assert log_in(client, "long@example.vn").status_code == 303
    return point


def _consigned(point, name, gtin, shelf_life_days=730, label="Chai 500 ml"):
    product = ProductFactory(name=name, shelf_life_days=shelf_life_days, variant__gtin=gtin, variant__label=label)
    consign(point, product.producer)
    return product.variants[0]


@pytest.fixture
def honey(point):
    return _consigned(point, "Mật ong hoa ban", HONEY_GTIN)


@pytest.fixture
def squash(point):
    """Another consigning producer's variant."""
    return _consigned(point, "Bí xanh Tìa Dình", SQUASH_GTIN, shelf_life_days=90, label="Túi 3 kg")


def receiving(point) -> str:
    return f"/diem-ban/{point.id}/nhap-hang"


def post_delivery(client, point, lines=(), *, scan=None, producer=None, note_number="PGH-0125", **extra):
    """POST the receiving form as a browser would: `lines` are (variant, quantity, lot code, expiry) or
    dicts of raw fields; `scan` presses "Thêm" with that code, otherwise "Nhập kho"."""
    data = {"csrf_token": csrf_of(client, receiving(point)), "producer_id": producer.id if producer else "",
            "delivery_note": note_number, "note": "", **extra}
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            variant, quantity, lot_code, expires_on = line
            line = {"variant_id": variant.id, "quantity": quantity, "lot_code": lot_code,
                    "expires_on": expires_on.isoformat() if expires_on else ""}
        data.update({f"lines-{i}-{name}": value for name, value in line.items()})
    if scan is not None:
        data.update(scan=scan, add_scanned="Thêm")
    else:
        data["receive"] = "Nhập kho"
    return client.post(receiving(point), data=data)


def field_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def selected_producer(page: str) -> str | None:
    select = re.search(r'<select[^>]*name="producer_id".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select)
    return chosen and (chosen.group(1) or chosen.group(2))


def receipts_and_lots(point) -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)
                              .where(StockMovement.point_id == point.id)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Lot).where(Lot.point_id == point.id)))


# --- receiving ---------------------------------------------------------------------

def test_the_receiving_page_lists_the_consigning_producers_and_puts_the_scan_button_first(client, point, honey):
    page = html(client.get(receiving(point)))
    assert honey.product.producer.name in page and 'name="delivery_note"' in page
    buttons = re.findall(r'<(?:input|button)[^>]*type="submit"[^>]*>', page.split('class="receive-form"')[1])
    assert 'name="add_scanned"' in buttons[0]  # Enter in any field, the scanner's too, presses "Thêm"


def test_a_scan_adds_a_line_names_the_producer_and_a_second_scan_adds_a_unit_to_it(client, point, honey, squash):
    first = post_delivery(client, point, scan=HONEY_GTIN)
    page = html(first)
    assert first.status_code == 200
    assert field_value(page, "lines-0-variant_id") == str(honey.id)
    assert field_value(page, "lines-0-quantity") == "1"
    assert "Mật ong hoa ban · Chai 500 ml" in page and HONEY_GTIN in page
    assert selected_producer(page) == str(honey.product.producer_id)  # the first scan chose the producer
    assert field_value(page, "scan") == "" and "autofocus" in re.search(r'<input[^>]*name="scan"[^>]*>', page).group(0)

    again = html(post_delivery(client, point, [(honey, 1, "MO-2601", in_days(300))], scan=HONEY_GTIN,
                               producer=honey.product.producer))
    assert field_value(again, "lines-0-quantity") == "2"
    assert field_value(again, "lines-0-lot_code") == "MO-2601"  # the same line, its lot kept
    assert field_value(again, "lines-0-expires_on") == in_days(300).isoformat()
    assert field_value(again, "lines-1-variant_id") is None
    assert "Đã thêm Mật ong hoa ban · Chai 500 ml: dòng 1, số lượng 2." in again
    assert receipts_and_lots(point) == (0, 0)  # scanning writes nothing


def test_a_code_of_another_producer_or_an_unknown_code_is_told_beside_the_scan_field(client, point, honey, squash):
    producer = honey.product.producer
    foreign = post_delivery(client, point, [(honey, 1, "MO-2601", None)], scan=SQUASH_GTIN, producer=producer)
    page = html(foreign)
    assert foreign.status_code == 422
    message = re.search(r'<p class="field-error" id="scan-error">([^<]+)</p>', page).group(1)
    assert SQUASH_GTIN in message and squash.product.producer.name in message
    assert field_value(page, "lines-1-variant_id") is None and field_value(page, "lines-0-lot_code") == "MO-2601"
    assert 'aria-describedby="scan-hint scan-error"' in page and field_value(page, "scan") == ""

    unknown = post_delivery(client, point, scan=UNKNOWN_GTIN, producer=producer)
    assert unknown.status_code == 422
    assert f"Không có sản phẩm nào mang mã vạch {UNKNOWN_GTIN}" in html(unknown)
    assert field_value(html(unknown), "lines-0-variant_id") is None


def test_a_line_can_be_taken_off_before_receiving(client, point, honey, squash):
    lines = [(honey, 2, "MO-1", None), (squash, 3, "BX-1", in_days(30))]
    page = html(post_delivery(client, point, lines, producer=honey.product.producer, bo_dong="0"))
    assert field_value(page, "lines-0-variant_id") == str(squash.id)
    assert field_value(page, "lines-0-lot_code") == "BX-1" and field_value(page, "lines-1-variant_id") is None


def test_a_delivery_without_its_number_or_lines_is_refused_beside_its_fields(client, point, honey):
    answer = post_delivery(client, point, producer=honey.product.producer, note_number="")
    page = html(answer)
    assert answer.status_code == 422
    assert "Nhập số phiếu giao hàng của chủ thể." in page and "Quét mã vạch để thêm ít nhất một sản phẩm." in page
    missing_lot = html(post_delivery(client, point, [(honey, 0, "", None)], producer=honey.product.producer))
    assert "Nhập mã lô in trên bao bì." in missing_lot and "Từ 1 đến 100000." in missing_lot
    assert 'id="lines-0-lot_code-error-1"' in missing_lot
    assert receipts_and_lots(point) == (0, 0)


@pytest.mark.parametrize("expires_on, message", [
    (None, "Sản phẩm dễ hỏng cần có hạn sử dụng."),
    (in_days(-1), "Lô hàng này đã hết hạn."),
], ids=["perishable without expiry", "expired lot"])
def test_a_refused_line_comes_back_beside_it_and_nothing_is_written(client, point, honey, expires_on, message):
    lines = [(honey, 5, "MO-1", in_days(200)), (honey, 3, "MO-2", expires_on)]
    answer = post_delivery(client, point, lines, producer=honey.product.producer)
    page = html(answer)
    assert answer.status_code == 422
    assert re.search(rf'id="dong-1-error">{re.escape(message)}</p>', page)
    assert 'id="dong-0-error"' not in page
    assert field_value(page, "lines-0-lot_code") == "MO-1"  # what was typed is all still there
    assert receipts_and_lots(point) == (0, 0)


def test_a_lot_code_already_here_with_another_expiry_is_refused_and_nothing_is_written(client, point, honey):
    receive(point, honey, 4, "MO-1", in_days(100))
    lines = [(honey, 5, "MO-2", in_days(200)), (honey, 3, "MO-1", in_days(150))]
    page = html(post_delivery(client, point, lines, producer=honey.product.producer))
    assert "Mã lô này đã có ở đây với hạn sử dụng khác." in re.search(r'id="dong-1-error">[^<]+', page).group(0)
    assert receipts_and_lots(point) == (1, 1) and lot_balances(point.id, honey.id) == {"MO-1": 4}


def test_another_producers_line_is_refused_beside_it(client, point, honey, squash):
    lines = [(honey, 5, "MO-1", in_days(200)), (squash, 3, "BX-1", in_days(30))]
    page = html(post_delivery(client, point, lines, producer=honey.product.producer))
    assert "Phân loại này thuộc về chủ thể khác." in re.search(r'id="dong-1-error">[^<]+', page).group(0)
    assert receipts_and_lots(point) == (0, 0)


def test_a_delivery_at_a_closed_point_is_refused_and_nothing_is_written(client, point, honey):
    services.update_point(point.id, {"status": PointStatus.TEMPORARILY_CLOSED})
    answer = post_delivery(client, point, [(honey, 5, "MO-1", in_days(200))], producer=honey.product.producer)
    assert answer.status_code == 422 and "Điểm bán đang đóng cửa: không nhập được hàng." in html(answer)
    assert receipts_and_lots(point) == (0, 0)


def test_a_delivery_without_its_csrf_token_is_refused(client, point, honey):
    answer = client.post(receiving(point), data={
        "producer_id": honey.product.producer_id, "delivery_note": "PGH-1", "receive": "Nhập kho",
        "lines-0-variant_id": honey.id, "lines-0-quantity": "5", "lines-0-lot_code": "MO-1",
        "lines-0-expires_on": in_days(200).isoformat()})
    assert answer.status_code == 400  # every HTML post is checked before any page sees it (web/security.py)
    assert receipts_and_lots(point) == (0, 0)


def test_a_received_delivery_goes_to_its_printed_receiving_note(client, point, honey):
    lines = [(honey, 5, "MO-2601", in_days(200)), (honey, 3, "MO-2602", in_days(260))]
    answer = post_delivery(client, point, lines, producer=honey.product.producer, note_number="PGH-0777",
                           note="Thùng móp một góc")
    assert answer.status_code == 303
    movement = db.session.scalars(sa.select(StockMovement).where(StockMovement.point_id == point.id)).one()
    assert answer.location.endswith(f"/diem-ban/{point.id}/nhap-hang/{movement.id}")
    assert on_hand(point.id, honey.id) == 8 and lot_balances(point.id, honey.id) == {"MO-2601": 5, "MO-2602": 3}

    note = html(client.get(answer.location))
    assert "Đã nhập kho phiếu giao hàng PGH-0777." in note
    for text in ("Phiếu nhập kho", f"PN-{movement.id:06d}", "PGH-0777", "Điểm OCOP Điện Biên",
                 honey.product.producer.name, "Lò Văn Long", "Mật ong hoa ban", "Chai 500 ml", HONEY_GTIN,
                 "MO-2601", in_days(200).strftime("%d/%m/%Y"), "Thùng móp một góc", "Người giao hàng",
                 "Người nhận hàng"):
        assert text in note, text
    assert re.search(r'Tổng số lượng</th><td class="num">8</td>', note)
    local = movement.created_at.replace(tzinfo=timezone.utc).astimezone(timezone(timedelta(hours=7)))
    assert local.strftime("%d/%m/%Y %H:%M") in note


def test_the_receiving_note_of_another_point_or_of_no_delivery_is_not_found(client, point, honey):
    elsewhere = DisplayPointFactory()
    consign(elsewhere, honey.product.producer)
    theirs = receive(elsewhere, honey, 2, "MO-9", in_days(90))
    assert client.get(f"{receiving(point)}/{theirs.id}").status_code == 404
    mine = receive(point, honey, 2, "MO-1", in_days(90))
    count = operations.adjust(point.id, None, AdjustmentReason.DAMAGED, [
        {"variant_id": honey.id, "lot_code": "MO-1", "change": -1}])
    assert client.get(f"{receiving(point)}/{mine.id}").status_code == 200
    assert client.get(f"{receiving(point)}/{count.id}").status_code == 404


def test_someone_who_does_not_operate_the_point_finds_no_back_room(client, honey):
    elsewhere = DisplayPointFactory()
    for path in ("/nhap-hang", "/ton-kho", "/ton-kho/sap-het-han", "/lich-su"):
        assert client.get(f"/diem-ban/{elsewhere.id}{path}").status_code == 404, path


# --- stock ---------------------------------------------------------------------------

def stock(point) -> str:
    return f"/diem-ban/{point.id}/ton-kho"


def set_threshold(point, variant, threshold):
    services.set_low_stock_threshold(point.id, variant.id, threshold)


def test_the_stock_search_ignores_diacritics(client, point, honey, squash):
    receive(point, honey, 12, "MO-1", in_days(300))
    receive(point, squash, 4, "BX-1", in_days(40))
    page = html(client.get(stock(point), query_string={"q": "mat ong"}))
    assert "Mật ong hoa ban" in page and "Bí xanh" not in page and "1 sản phẩm" in page
    assert 'value="mat ong"' in page  # the search stays in its box
    by_gtin = html(client.get(stock(point), query_string={"q": SQUASH_GTIN}))
    assert "Bí xanh Tìa Dình" in by_gtin and "Mật ong" not in by_gtin


def test_low_stock_is_marked_in_words_and_can_be_shown_alone(client, point, honey, squash):
    receive(point, honey, 12, "MO-1", in_days(300))
    receive(point, squash, 4, "BX-1", in_days(40))
    set_threshold(point, squash, 5)
    everything = html(client.get(stock(point)))
    squash_card = re.search(rf'<li class="bk-card is-low" id="dong-{squash.id}">.*?</li>', everything, re.S).group(0)
    assert "Sắp hết" in squash_card
    assert f'<li class="bk-card" id="dong-{honey.id}">' in everything
    low = html(client.get(stock(point), query_string={"sap_het": "1"}))
    assert "Bí xanh Tìa Dình" in low and "Mật ong hoa ban" not in low and " checked" in low


def test_a_threshold_is_changed_and_the_same_filtered_list_comes_back(client, point, honey, squash):
    receive(point, honey, 12, "MO-1", in_days(300))
    answer = client.post(f"{stock(point)}/{honey.id}/nguong", data={
        "csrf_token": csrf_of(client, stock(point)), "threshold": "15", "q": "mat ong", "sap_het": "1"})
    assert answer.status_code == 303
    assert answer.location == f"{stock(point)}?q=mat+ong&sap_het=1#dong-{honey.id}"
    assert db.session.get(PointStock, (point.id, honey.id)).low_stock_threshold == 15
    page = html(client.get(answer.location))
    assert "Đã đặt ngưỡng sắp hết của Mật ong hoa ban · Chai 500 ml là 15." in page and "Sắp hết" in page


@pytest.mark.parametrize("value, message", [("-1", "Từ 0 đến 100000."), ("nhiều", "Nhập một số nguyên."),
                                            ("", "Nhập ngưỡng sắp hết.")])
def test_a_bad_threshold_is_refused_beside_its_row(client, point, honey, squash, value, message):
    receive(point, honey, 12, "MO-1", in_days(300))
    receive(point, squash, 4, "BX-1", in_days(40))
    answer = client.post(f"{stock(point)}/{honey.id}/nguong", data={
        "csrf_token": csrf_of(client, stock(point)), "threshold": value})
    page = html(answer)
    assert answer.status_code == 422
    assert f'<p class="field-error" id="nguong-{honey.id}-error">{message}</p>' in page
    assert f'id="nguong-{squash.id}-error"' not in page and "Bí xanh Tìa Dình" in page
    assert db.session.get(PointStock, (point.id, honey.id)).low_stock_threshold == 0


def test_the_threshold_of_a_variant_never_held_here_is_not_found(client, point, honey):
    answer = client.post(f"{stock(point)}/{honey.id}/nguong", data={
        "csrf_token": csrf_of(client, stock(point)), "threshold": "3"})
    assert answer.status_code == 404


# --- near expiry -----------------------------------------------------------------------

def expire(point, variant, lot_code, days_ago):
    db.session.execute(sa.update(Lot).where(Lot.point_id == point.id, Lot.variant_id == variant.id,
                                            Lot.lot_code == lot_code).values(expires_on=in_days(-days_ago)))
    db.session.commit()


def test_near_expiry_lots_come_within_the_days_chosen_the_expired_first(client, point, honey, squash):
    receive(point, honey, 6, "MO-SOON", in_days(5))
    receive(point, honey, 7, "MO-LATER", in_days(20))
    receive(point, honey, 8, "MO-FAR", in_days(200))
    receive(point, squash, 2, "BX-OLD", in_days(10))
    expire(point, squash, "BX-OLD", days_ago=3)

    week = html(client.get(f"{stock(point)}/sap-het-han", query_string={"ngay": "7"}))
    assert "BX-OLD" in week and "MO-SOON" in week and "MO-LATER" not in week
    assert week.index("BX-OLD") < week.index("MO-SOON")
    expired = re.search(r'<li class="bk-card is-expired">.*?</li>', week, re.S).group(0)
    assert "Đã hết hạn" in expired and "quá hạn 3 ngày" in expired and "BX-OLD" in expired
    assert "Còn 5 ngày" in week and in_days(5).strftime("%d/%m/%Y") in week

    default = html(client.get(f"{stock(point)}/sap-het-han"))
    assert "MO-LATER" in default and "MO-FAR" not in default
    assert re.search(r'ngay=30" aria-current="page"', default)


def test_a_days_choice_not_offered_falls_back_to_thirty_and_says_so(client, point, honey):
    receive(point, honey, 7, "MO-LATER", in_days(20))
    for value in ("abc", "1000", "-5"):
        answer = client.get(f"{stock(point)}/sap-het-han", query_string={"ngay": value})
        assert answer.status_code == 422
        assert "đang hiện 30 ngày tới" in html(answer) and "MO-LATER" in html(answer)


# --- movement history --------------------------------------------------------------------

def history(client, point, **filters):
    return client.get(f"/diem-ban/{point.id}/lich-su", query_string=filters)


def backdate(movement, days):
    db.session.execute(sa.update(StockMovement).where(StockMovement.id == movement.id).values(
        created_at=datetime.now(timezone.utc) - timedelta(days=days)))
    db.session.commit()


def test_the_history_shows_each_movement_with_its_lines_and_a_link_to_a_receiving_note(client, point, honey):
    delivery = operations.receive(point.id, None, honey.product.producer_id, "PGH-0042", [
        {"variant_id": honey.id, "quantity": 5, "lot_code": "MO-1", "expires_on": in_days(90)}])
    operations.adjust(point.id, None, AdjustmentReason.DAMAGED, [
        {"variant_id": honey.id, "lot_code": "MO-1", "change": -2}])
    page = html(history(client, point))
    assert "Số lần nhập xuất: 2" in page
    titles = [" ".join(re.sub(r"<[^>]+>", " ", title).split())
              for title in re.findall(r'<h2 class="bk-card-title">(.*?)</h2>', page, re.S)]
    assert titles == ["Điều chỉnh · Hư hỏng", "Nhập hàng · PGH-0042"]  # newest first
    assert "+5" in page and "-2" in page and "Lô MO-1" in page and "PGH-0042" in page
    assert f'href="/diem-ban/{point.id}/nhap-hang/{delivery.id}"' in page
    assert honey.product.producer.name in page


def test_the_history_filters_by_kind_product_and_vietnam_dates(client, point, honey, squash):
    old = receive(point, honey, 5, "MO-1", in_days(90))
    backdate(old, 10)
    receive(point, squash, 4, "BX-1", in_days(40))
    operations.adjust(point.id, None, AdjustmentReason.LOST, [
        {"variant_id": squash.id, "lot_code": "BX-1", "change": -1}])

    receipts = html(history(client, point, loai="receipt"))
    assert "Số lần nhập xuất: 2" in receipts and "Điều chỉnh" not in receipts.split("<h1>")[1].split("</form>")[1]
    assert '<option selected value="receipt">' in receipts
    of_squash = html(history(client, point, san_pham=str(squash.id)))
    assert "Số lần nhập xuất: 2" in of_squash and "MO-1" not in of_squash
    recent = html(history(client, point, tu_ngay=in_days(-3).isoformat()))
    assert "Số lần nhập xuất: 2" in recent and "MO-1" not in recent
    until = html(history(client, point, den_ngay=in_days(-5).isoformat()))
    assert "Số lần nhập xuất: 1" in until and "Lô MO-1" in until
    assert f'value="{in_days(-5).isoformat()}"' in until  # the filter stays in the form


@pytest.mark.parametrize("filters, message", [
    ({"tu_ngay": "31/02/2026"}, "Nhập một ngày hợp lệ (ngày/tháng/năm)."),
    ({"tu_ngay": in_days(0).isoformat(), "den_ngay": in_days(-1).isoformat()}, "Ngày kết thúc phải sau ngày bắt đầu."),
    ({"loai": "theft"}, "Chọn một loại trong danh sách."),
    ({"san_pham": "999999"}, "Chọn một sản phẩm trong danh sách."),
])
def test_bad_history_filters_are_told_and_the_whole_history_shown(client, point, honey, filters, message):
    receive(point, honey, 5, "MO-1", in_days(90))
    answer = history(client, point, **filters)
    assert answer.status_code == 422
    assert message in html(answer) and "Số lần nhập xuất: 1" in html(answer)


def test_the_back_room_speaks_english_too(client, point, honey):
    receive(point, honey, 2, "MO-1", in_days(3))
    english = {"Accept-Language": "en"}
    assert "Delivery note number" in html(client.get(receiving(point), headers=english))
    assert "Low-stock threshold" in html(client.get(stock(point), headers=english))
    assert "Days left: 3" in html(client.get(f"{stock(point)}/sap-het-han", headers=english))
    assert "Movements: 1" in html(client.get(f"/diem-ban/{point.id}/lich-su", headers=english))
