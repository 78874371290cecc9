"""The back room's transfer, count and write-off pages over the test client: sending by scan,
receiving with a discrepancy, a guided count previewed then confirmed, write-offs; every
refusal beside its field with a 422 and nothing written."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.showrooms import operations, transfers
from marketplace.showrooms.models import (AdjustmentReason, Lot, MovementKind, StockMovement, StockTransfer,
                                          TransferStatus)
from marketplace.showrooms.movements import OutLine
from tests.factories import ProductFactory
from tests.point_factories import (DisplayPointFactory, PointOperatorFactory, consign, consigned_variant,
                                   ledger_mismatches, lot_balances, on_hand, operator_of, receive)
from tests.web.test_account_pages import csrf_of, html, log_in

GTIN = "8936041200111"


@pytest.fixture
def shop(client):
    """An operator of a centre (10 units of honey in lot L01) and of an airport kiosk that carries
    the same producer, and of a third point; a fourth point they do not operate."""
    centre, airport = DisplayPointFactory(name="Trung tâm OCOP Điện Biên"), DisplayPointFactory(name="Quầy sân bay")
    third, elsewhere = DisplayPointFactory(name="Điểm thứ ba"), DisplayPointFactory(name="Điểm Lai Châu")
    user = operator_of(centre, email="long@example.vn")
    PointOperatorFactory(point=airport, user=user)
    PointOperatorFactory(point=third, user=user)
    honey = consigned_variant(centre)
    honey.gtin = GTIN
    consign(airport, honey.product.producer)
    db.session.commit()
    receive(centre, honey, 10, "L01", date(2027, 8, 31))
    assert log_in(client, "long@example.vn").status_code == 303
    return SimpleNamespace(centre=centre, airport=airport, third=third, elsewhere=elsewhere, honey=honey, user=user)


def at(point, path=""):
    return f"/diem-ban/{point.id}{path}"


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_of(client, path), **data})


def line(variant, quantity, lot_code="", index=0):
    return {f"lines-{index}-variant_id": variant.id, f"lines-{index}-lot_code": lot_code,
            f"lines-{index}-quantity": quantity}


def value_of(page, name):
    return re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{re.escape(name)}"',
                     page).group(1)


def transfers_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(StockTransfer))


def adjustments() -> list[StockMovement]:
    db.session.expire_all()
    return db.session.scalars(sa.select(StockMovement).where(StockMovement.kind == MovementKind.ADJUSTMENT)).all()


def lot_id(point, variant, code) -> int:
    return db.session.scalar(sa.select(Lot.id).where(Lot.point_id == point.id, Lot.variant_id == variant.id,
                                                     Lot.lot_code == code))


# --- sending -------------------------------------------------------------------------------

def test_a_scan_adds_a_line_and_a_second_scan_makes_it_two_then_it_is_sent(client, shop):
    path = at(shop.centre, "/chuyen-kho/gui")
    first = post(client, path, {"scan": GTIN, "action": "add"})
    assert first.status_code == 200
    assert shop.honey.product.name in html(first) and value_of(html(first), "lines-0-quantity") == "1"
    second = post(client, path, {"scan": GTIN, "action": "add", **line(shop.honey, 1)})
    assert value_of(html(second), "lines-0-quantity") == "2" and "lines-1-quantity" not in html(second)
    sent = post(client, path, {"to_point_id": shop.airport.id, "action": "send", "note": "Cho quầy sân bay",
                               **line(shop.honey, 2)})
    assert sent.status_code == 303
    transfer = db.session.scalars(sa.select(StockTransfer)).one()
    assert sent.location.endswith(at(shop.centre, f"/chuyen-kho/{transfer.id}"))
    assert [(l.lot_code, l.quantity_sent) for l in transfer.lines] == [("L01", 2)]
    assert on_hand(shop.centre.id, shop.honey.id) == 8 and ledger_mismatches() == []
    page = html(client.get(sent.location))
    assert f"TR-{transfer.id}" in page and "Đang chuyển" in page and "Quầy sân bay" in page and "31/08/2027" in page


def test_the_destinations_are_the_other_open_points_whoever_operates_them(client, shop):
    page = html(client.get(at(shop.centre, "/chuyen-kho/gui")))
    options = re.findall(r'<option value="(\d+)"', page)
    assert str(shop.centre.id) not in options
    assert {str(shop.airport.id), str(shop.elsewhere.id)} <= set(options)


def test_an_unknown_barcode_is_refused_beside_the_scan_box(client, shop):
    answer = post(client, at(shop.centre, "/chuyen-kho/gui"), {"scan": "8930000000000", "action": "add"})
    assert answer.status_code == 422 and "Không có sản phẩm nào mang mã vạch 8930000000000" in html(answer)


def test_sending_more_than_is_held_is_refused_beside_the_line_and_nothing_is_written(client, shop):
    answer = post(client, at(shop.centre, "/chuyen-kho/gui"),
                  {"to_point_id": shop.airport.id, "action": "send", **line(shop.honey, 11)})
    assert answer.status_code == 422
    page = html(answer)
    assert "Không đủ hàng: chỉ còn 10 chưa hết hạn, cần 11." in page and 'href="#lines-0-quantity"' in page
    assert transfers_count() == 0 and on_hand(shop.centre.id, shop.honey.id) == 10


def test_a_forged_transfer_to_this_same_point_is_refused(client, shop):
    answer = post(client, at(shop.centre, "/chuyen-kho/gui"),
                  {"to_point_id": shop.centre.id, "action": "send", **line(shop.honey, 1)})
    assert answer.status_code == 422 and "Chọn một điểm bán khác điểm này." in html(answer)
    assert transfers_count() == 0 and on_hand(shop.centre.id, shop.honey.id) == 10


def test_a_product_the_destination_does_not_carry_is_sent_only_once_the_operator_says_so(client, shop):
    path, data = at(shop.centre, "/chuyen-kho/gui"), {"to_point_id": shop.third.id, "action": "send",
                                                      **line(shop.honey, 1)}
    refused = post(client, path, data)
    assert refused.status_code == 422 and "chưa nhận ký gửi sản phẩm của chủ thể này" in html(refused)
    assert 'name="send_anyway"' in html(refused) and transfers_count() == 0
    assert post(client, path, {**data, "send_anyway": "y"}).status_code == 303
    assert transfers_count() == 1


def test_a_transfer_is_seen_by_both_points_and_not_found_from_a_third(client, shop):
    transfer = transfers.transfer_out(shop.centre.id, None, shop.airport.id, [OutLine(shop.honey.id, 1)])
    assert client.get(at(shop.centre, f"/chuyen-kho/{transfer.id}")).status_code == 200
    assert client.get(at(shop.airport, f"/chuyen-kho/{transfer.id}")).status_code == 200
    assert client.get(at(shop.third, f"/chuyen-kho/{transfer.id}")).status_code == 404
    assert client.get(at(shop.third, f"/chuyen-kho/{transfer.id}/nhan")).status_code == 404
    # the sender sees it but does not receive it
    assert client.get(at(shop.centre, f"/chuyen-kho/{transfer.id}/nhan")).status_code == 404
    assert client.get(at(shop.elsewhere, f"/chuyen-kho/{transfer.id}")).status_code == 404  # not an operator there


# --- receiving -----------------------------------------------------------------------------

def test_receiving_one_short_shows_the_discrepancy_first_asks_why_and_records_it(client, shop):
    transfer = transfers.transfer_out(shop.centre.id, None, shop.airport.id, [OutLine(shop.honey.id, 3)])
    line_id, path = transfer.lines[0].id, at(shop.airport, f"/chuyen-kho/{transfer.id}/nhan")
    listed = html(client.get(at(shop.airport, "/chuyen-kho")))
    assert f'href="{path}"' in listed
    assert value_of(html(client.get(path)), "lines-0-quantity") == "3"
    received = {"lines-0-line_id": line_id, "lines-0-quantity": 2}
    shown = post(client, path, {**received, "action": "confirm"})  # confirmed before seeing the difference
    assert shown.status_code == 200 and "Chênh lệch: thiếu 1" in html(shown)
    assert db.session.get(StockTransfer, transfer.id).status is TransferStatus.IN_TRANSIT
    previewed = value_of(html(shown), "previewed")
    assert previewed == f"{line_id}:2"
    no_note = post(client, path, {**received, "previewed": previewed, "action": "confirm"})
    assert no_note.status_code == 422 and "Có chênh lệch: ghi rõ lý do" in html(no_note)
    done = post(client, path, {**received, "previewed": previewed, "action": "confirm", "note": "Vỡ 1 hũ"})
    assert done.status_code == 303 and done.location.endswith(at(shop.airport, f"/chuyen-kho/{transfer.id}"))
    db.session.expire_all()
    assert db.session.get(StockTransfer, transfer.id).lines[0].quantity_received == 2
    assert on_hand(shop.airport.id, shop.honey.id) == 2 and ledger_mismatches() == []
    page = html(client.get(done.location))
    assert "thiếu 1" in page and "Vỡ 1 hũ" in page and "missing" not in page  # the receiver's note, as written


def test_receiving_as_sent_needs_no_preview(client, shop):
    transfer = transfers.transfer_out(shop.centre.id, None, shop.airport.id, [OutLine(shop.honey.id, 3)])
    done = post(client, at(shop.airport, f"/chuyen-kho/{transfer.id}/nhan"),
                {"lines-0-line_id": transfer.lines[0].id, "lines-0-quantity": 3, "action": "confirm"})
    assert done.status_code == 303 and on_hand(shop.airport.id, shop.honey.id) == 3


def test_receiving_more_than_was_sent_is_refused_beside_the_line(client, shop):
    transfer = transfers.transfer_out(shop.centre.id, None, shop.airport.id, [OutLine(shop.honey.id, 3)])
    answer = post(client, at(shop.airport, f"/chuyen-kho/{transfer.id}/nhan"),
                  {"lines-0-line_id": transfer.lines[0].id, "lines-0-quantity": 4, "action": "confirm",
                   "previewed": f"{transfer.lines[0].id}:4", "note": "?"})
    assert answer.status_code == 422 and "Nhiều hơn số đã gửi." in html(answer)
    assert on_hand(shop.airport.id, shop.honey.id) == 0


def test_a_transfer_received_already_says_so_clearly(client, shop):
    transfer = transfers.transfer_out(shop.centre.id, None, shop.airport.id, [OutLine(shop.honey.id, 3)])
    path = at(shop.airport, f"/chuyen-kho/{transfer.id}/nhan")
    token = csrf_of(client, path)
    transfers.receive_transfer(shop.airport.id, shop.user.id, transfer.id, {})
    again = client.post(path, data={"csrf_token": token, "lines-0-line_id": transfer.lines[0].id,
                                    "lines-0-quantity": 3, "action": "confirm"})
    assert again.status_code == 409 and "Chuyến hàng này đã được nhận rồi." in html(again)
    assert on_hand(shop.airport.id, shop.honey.id) == 3


# --- counting ------------------------------------------------------------------------------

def count_state(page) -> dict:
    """The count as the page carries it on: every hidden and number input but the token."""
    fields = re.findall(
        r'<input type="(?:hidden|number)"[^>]*?name="((?:v|n-\d+|into-\d+|seen-\d+))"[^>]*?value="([^"]*)"', page)
    fields += re.findall(r'<input type="radio"[^>]*?name="(into-\d+)" value="(\d+)" checked', page)
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_scans_add_up_the_preview_shows_the_differences_and_writes_nothing_then_confirm_writes_them(client, shop):
    path, lot = at(shop.centre, "/kiem-kho"), lot_id(shop.centre, shop.honey, "L01")
    page = html(client.get(path))
    assert "Sản phẩm chưa quét không bị thay đổi" in page  # the scope rule, on the page
    for _ in range(3):
        page = html(post(client, path, {**count_state(page), "scan": GTIN, "action": "add"}))
    assert count_state(page)[f"n-{lot}"] == ["3"]
    preview = post(client, path, {**count_state(page), "action": "preview"})
    assert preview.status_code == 200
    shown = html(preview)
    assert "−7" in shown and "1.750.000" in shown.replace("\xa0", " ")  # 7 × 250.000 ₫ at the listing price
    assert adjustments() == [] and on_hand(shop.centre.id, shop.honey.id) == 10
    done = post(client, path, {**count_state(shown), "action": "confirm", "note": "Kiểm cuối tháng"})
    assert done.status_code == 303
    [movement] = adjustments()
    assert movement.reason is AdjustmentReason.COUNT_CORRECTION and movement.note == "Kiểm cuối tháng"
    assert [(l.lot.lot_code, l.quantity) for l in movement.lines] == [("L01", -7)]
    assert on_hand(shop.centre.id, shop.honey.id) == 3 and ledger_mismatches() == []


def test_a_lot_of_a_scanned_product_not_seen_is_counted_as_none_left(client, shop):
    receive(shop.centre, shop.honey, 5, "L02", date(2028, 1, 31))
    path, first, later = at(shop.centre, "/kiem-kho"), lot_id(shop.centre, shop.honey, "L01"), \
        lot_id(shop.centre, shop.honey, "L02")
    page = html(post(client, path, {"scan": GTIN, "action": "add"}))
    state = count_state(page)
    assert state[f"n-{first}"] == ["1"] and state[f"n-{later}"] == ["0"]  # the first-expiring lot by default
    page = html(post(client, path, {**state, f"into-{shop.honey.id}": later, "scan": GTIN, "action": "add"}))
    assert count_state(page)[f"n-{later}"] == ["1"]
    page = html(post(client, path, {**count_state(page), f"n-{later}": "0", "action": "preview"}))
    assert "L02" in page and "−5" in page and "−9" in page
    assert post(client, path, {**count_state(page), "action": "confirm"}).status_code == 303
    assert lot_balances(shop.centre.id, shop.honey.id) == {"L01": 1, "L02": 0}


def test_products_never_scanned_are_left_as_they_are(client, shop):
    other = ProductFactory(producer=shop.honey.product.producer, shelf_life_days=None).variants[0]
    receive(shop.centre, other, 4, "K01")
    path = at(shop.centre, "/kiem-kho")
    page = html(post(client, path, {"scan": GTIN, "action": "add"}))
    page = html(post(client, path, {**count_state(page), "action": "preview"}))
    assert post(client, path, {**count_state(page), "action": "confirm"}).status_code == 303
    assert on_hand(shop.centre.id, other.id) == 4 and on_hand(shop.centre.id, shop.honey.id) == 1


def test_a_count_that_is_not_a_number_is_refused_beside_its_lot(client, shop):
    path, lot = at(shop.centre, "/kiem-kho"), lot_id(shop.centre, shop.honey, "L01")
    answer = post(client, path, {"v": shop.honey.id, f"n-{lot}": "nhiều", "action": "preview"})
    assert answer.status_code == 422 and f'href="#n-{lot}"' in html(answer) and 'value="nhiều"' in html(answer)
    assert adjustments() == []


def test_a_sale_between_the_preview_and_the_confirmation_shows_the_differences_again(client, shop):
    path = at(shop.centre, "/kiem-kho")
    page = html(post(client, path, {"scan": GTIN, "action": "add"}))
    page = html(post(client, path, {**count_state(page), "action": "preview"}))
    operations.adjust(shop.centre.id, shop.user.id, AdjustmentReason.DAMAGED,
                      [{"variant_id": shop.honey.id, "lot_code": "L01", "change": -1}])
    again = post(client, path, {**count_state(page), "action": "confirm"})
    assert again.status_code == 409 and "Tồn kho đã thay đổi" in html(again) and "−8" in html(again)
    assert len(adjustments()) == 1 and on_hand(shop.centre.id, shop.honey.id) == 9


# --- write-offs ----------------------------------------------------------------------------

@pytest.mark.parametrize("reason", list(AdjustmentReason)[:3])
def test_a_write_off_takes_units_off_the_lot_with_its_reason(client, shop, reason):
    lot = lot_id(shop.centre, shop.honey, "L01")
    page = html(client.get(at(shop.centre, "/xuat-huy")))
    assert f'value="{lot}"' in page and "còn 10" in page
    done = post(client, at(shop.centre, "/xuat-huy"), {"lot_id": lot, "quantity": 2, "reason": reason.value,
                                                       "note": "Rơi vỡ khi xếp kệ", "action": "write_off"})
    assert done.status_code == 303
    [movement] = adjustments()
    assert movement.reason is reason and [l.quantity for l in movement.lines] == [-2]
    assert lot_balances(shop.centre.id, shop.honey.id) == {"L01": 8}
    assert "Đã xuất huỷ 2 ×" in html(client.get(done.location))


def test_a_scan_narrows_the_write_off_to_that_products_lots(client, shop):
    page = html(post(client, at(shop.centre, "/xuat-huy"), {"scan": GTIN, "action": "add"}))
    assert re.search(rf'checked[^>]*value="{lot_id(shop.centre, shop.honey, "L01")}"', page)


def test_writing_off_more_than_the_lot_holds_is_refused_and_writes_nothing(client, shop):
    answer = post(client, at(shop.centre, "/xuat-huy"), {"lot_id": lot_id(shop.centre, shop.honey, "L01"),
                                                         "quantity": 11, "reason": "damaged", "action": "write_off"})
    assert answer.status_code == 422 and "Lô này chỉ còn 10." in html(answer)
    assert adjustments() == [] and on_hand(shop.centre.id, shop.honey.id) == 10


def test_a_write_off_needs_a_reason_and_a_loss_needs_a_note(client, shop):
    lot = lot_id(shop.centre, shop.honey, "L01")
    no_reason = post(client, at(shop.centre, "/xuat-huy"), {"lot_id": lot, "quantity": 1, "action": "write_off"})
    assert no_reason.status_code == 422 and "Chọn lý do xuất huỷ." in html(no_reason)
    lost = post(client, at(shop.centre, "/xuat-huy"), {"lot_id": lot, "quantity": 1, "reason": "lost",
                                                      "action": "write_off"})
    assert lost.status_code == 422 and "Hàng thất lạc: ghi rõ phát hiện khi nào, ở đâu." in html(lost)
    assert adjustments() == []


def test_another_points_lot_cannot_be_written_off_from_here(client, shop):
    answer = post(client, at(shop.airport, "/xuat-huy"), {"lot_id": lot_id(shop.centre, shop.honey, "L01"),
                                                          "quantity": 1, "reason": "damaged", "action": "write_off"})
    assert answer.status_code == 422 and "Chọn một lô trong danh sách." in html(answer)
    assert adjustments() == []
