"""The back office's incoming transfers over the test client: the queue, the
decisions on a queued transfer (confirm with the difference, refund, reserve a
late order's stock again, dismiss), the statement import (CSV and XLSX), who
may see them, CSRF, and every way a decision is refused."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from marketplace.banking.models import BankTransaction, TransactionStatus
from marketplace.catalog.models import Variant
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders.lifecycle import SubOrderStatus
from marketplace.orders.models import Order
from marketplace.payments.models import PaymentStatus
from marketplace.payouts.models import EntryKind, JournalEntry
from tests.bank_support import new_bank_reference, notification, send, transactions
from tests.factories import ProductFactory, UserFactory
from tests.money_helpers import place_order
from tests.order_support import stock_of
from tests.web.test_backoffice_pages import csrf_of, entries, html, log_in

QUEUE = "/quan-tri/chuyen-khoan-den"
IMPORT = f"{QUEUE}/nhap-sao-ke"


@pytest.fixture
def admin(app):
    return UserFactory(email="quantri@example.vn", is_admin=True)


@pytest.fixture
def as_admin(client, admin):
    log_in(client, admin)
    return client


@pytest.fixture
def honey(app):
    return ProductFactory(variant__stock_quantity=5)


@pytest.fixture
def order(honey):
    order = place_order(UserFactory(), (honey.variants[0], 2))
    db.session.commit()
    return order


def as_json(order: Order) -> dict:
    return {"id": order.id, "total_vnd": order.total_vnd, "transfer_reference": order.transfer_reference}


def queued(client, order: Order, **fields) -> BankTransaction:
    """Send a notification for `order` that waits in the queue (a wrong amount, say)."""
    response = send(client, notification(as_json(order), **fields))
    assert response.json["status"] == "queued", response.json
    return db.session.get(BankTransaction, response.json["id"])


def decide(client, transaction: BankTransaction, action: str, prefix: str, **fields):
    data = {"csrf_token": csrf_of(client, f"{QUEUE}/{transaction.id}"),
            **{f"{prefix}-{name}": value for name, value in fields.items()}}
    return client.post(f"{QUEUE}/{transaction.id}/{action}", data=data)


def state(order: Order):
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    return order.payment.status, [s.status for s in order.sub_orders]


def sales(order: Order) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry).where(
        JournalEntry.kind == EntryKind.SALE, JournalEntry.reference == order.number))


def expire(order: Order) -> None:
    from marketplace.orders.fulfilment import expire_reservations
    db.session.get(Order, order.id).reserved_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert expire_reservations() == 1


# --- who may come in --------------------------------------------------------------------------

@pytest.mark.parametrize("path", [QUEUE, IMPORT])
def test_anyone_but_an_admin_is_kept_out(client, path):
    assert client.get(path).status_code == 302  # to the login page
    log_in(client, UserFactory())
    assert client.get(path).status_code == 403


def test_a_decision_without_the_csrf_token_is_refused_and_changes_nothing(as_admin, client, order):
    transaction = queued(client, order, amount=order.total_vnd - 1000)

    response = as_admin.post(f"{QUEUE}/{transaction.id}/hoan-tien", data={"hoan-tien-note": "trả lại"})

    assert response.status_code == 400
    assert transactions()[0].status is TransactionStatus.QUEUED


# --- the queue --------------------------------------------------------------------------------

def test_the_queue_lists_each_waiting_transfer_with_its_reason_likely_order_and_suggestion(as_admin, client, order):
    queued(client, order, amount=order.total_vnd - 1000)
    send(client, notification(as_json(order)))  # this one pays the order: not in the queue

    page = html(as_admin.get(QUEUE))

    assert page.count("<tr>") == 2  # the header and one transfer
    assert "Chuyển thiếu" in page and order.number in page and "Gợi ý: Chuyển trả người gửi" in page
    matched = html(as_admin.get(QUEUE, query_string={"trang_thai": "matched"}))
    assert order.number in matched and "Đã xác nhận đơn" in matched


def test_the_back_office_home_links_the_queue_with_its_count(as_admin, client, order):
    queued(client, order, amount=order.total_vnd + 5000)

    page = html(as_admin.get("/quan-tri"))

    assert f'href="{QUEUE}"' in page
    assert "Chuyển khoản đến chờ xử lý" in page


# --- decisions --------------------------------------------------------------------------------

def test_confirming_an_overpayment_pays_the_order_and_records_the_excess_to_return(as_admin, admin, client, order):
    transaction = queued(client, order, amount=order.total_vnd + 5000)

    response = decide(as_admin, transaction, "xac-nhan", "xac-nhan", note="Khách chuyển dư")

    assert response.status_code == 303 and response.headers["Location"] == QUEUE
    assert state(order) == (PaymentStatus.SUCCEEDED, [SubOrderStatus.CONFIRMED])
    assert sales(order) == 1
    transaction = transactions()[0]
    assert (transaction.status, transaction.resolution, transaction.difference_vnd, transaction.to_return_vnd,
            transaction.resolved_by_id) == (TransactionStatus.RESOLVED, "confirm", 5000, 5000, admin.id)
    [entry] = entries("bank_transaction.confirmed")
    assert entry.actor_id == admin.id and entry.details["difference_vnd"] == 5000
    assert "Chuyển thừa" not in html(as_admin.get(QUEUE))


def test_confirming_a_short_payment_records_the_shortfall_the_platform_bears(as_admin, client, order):
    transaction = queued(client, order, amount=order.total_vnd - 1000)

    decide(as_admin, transaction, "xac-nhan", "xac-nhan")

    transaction = transactions()[0]
    assert (transaction.difference_vnd, transaction.to_return_vnd) == (-1000, 0)
    assert state(order)[0] is PaymentStatus.SUCCEEDED


def test_an_unknown_reference_is_confirmed_for_the_order_the_admin_names(as_admin, client, honey, order):
    other = place_order(UserFactory(), honey.variants[0])
    db.session.commit()
    transaction = queued(client, other, description="CHUYEN TIEN MUA HANG", amount=other.total_vnd + 1)

    response = decide(as_admin, transaction, "xac-nhan", "xac-nhan", order=other.number)

    assert response.status_code == 303
    assert state(other)[0] is PaymentStatus.SUCCEEDED and state(order)[0] is PaymentStatus.PENDING
    assert transactions()[0].order_id == other.id


def test_naming_an_order_that_does_not_exist_is_refused_beside_the_field(as_admin, client, order):
    transaction = queued(client, order, description="CHUYEN TIEN", amount=123)

    response = decide(as_admin, transaction, "xac-nhan", "xac-nhan", order="OC000000XXXXXX")

    assert response.status_code == 422
    assert "Không có đơn nào có số hoặc nội dung chuyển khoản này." in html(response)
    assert transactions()[0].status is TransactionStatus.QUEUED


def test_a_second_payment_cannot_be_confirmed_and_is_refunded_instead(as_admin, admin, client, order):
    send(client, notification(as_json(order)))
    second = queued(client, order, reference=new_bank_reference())

    refused = decide(as_admin, second, "xac-nhan", "xac-nhan")
    refunded = decide(as_admin, second, "hoan-tien", "hoan-tien", note="CK trả lại FT26340000001")

    assert refused.status_code == 422 and "Khoản chuyển khoản này đã được xác nhận." in html(refused)
    assert refunded.status_code == 303
    assert sales(order) == 1
    second = transactions()[1]
    assert (second.resolution, second.to_return_vnd, second.note) == ("refund", order.total_vnd,
                                                                      "CK trả lại FT26340000001")
    assert len(entries("bank_transaction.refunded")) == 1


def test_a_late_payment_is_confirmed_once_its_stock_is_reserved_again(as_admin, admin, client, honey, order):
    expire(order)
    assert stock_of(honey.variants[0].id) == 5
    transaction = queued(client, order)
    assert "Giữ lại hàng và xác nhận" in html(as_admin.get(f"{QUEUE}/{transaction.id}"))

    response = decide(as_admin, transaction, "giu-lai-hang", "giu-hang")

    assert response.status_code == 303
    assert state(order) == (PaymentStatus.SUCCEEDED, [SubOrderStatus.CONFIRMED])
    assert stock_of(honey.variants[0].id) == 3
    assert sales(order) == 1
    assert [(e.actor_id, e.details["number"]) for e in entries("bank_transfer.confirmed")] == [(admin.id, order.number)]
    assert len(entries("bank_transaction.re_reserved")) == 1


def test_a_late_payment_whose_goods_sold_out_cannot_be_reserved_again(as_admin, client, honey, order):
    expire(order)
    transaction = queued(client, order)
    db.session.get(Variant, honey.variants[0].id).stock_quantity = 1
    db.session.commit()

    page = html(as_admin.get(f"{QUEUE}/{transaction.id}"))
    forced = decide(as_admin, transaction, "giu-lai-hang", "giu-hang")

    assert "Hàng không còn đủ để giữ lại cho đơn này." in page
    assert forced.status_code == 422
    assert state(order) == (PaymentStatus.CANCELLED, [SubOrderStatus.CANCELLED])
    assert stock_of(honey.variants[0].id) == 1
    assert transactions()[0].status is TransactionStatus.QUEUED


def test_dismissing_needs_a_note_saying_why(as_admin, client, order):
    transaction = queued(client, order, description="LAI TIEN GUI", amount=1234)

    without = decide(as_admin, transaction, "bo-qua", "bo-qua")
    with_note = decide(as_admin, transaction, "bo-qua", "bo-qua", note="Lãi tiền gửi của ngân hàng")

    assert without.status_code == 422 and "Ghi rõ vì sao bỏ qua khoản này." in html(without)
    assert with_note.status_code == 303
    assert (transactions()[0].resolution, transactions()[0].note) == ("dismiss", "Lãi tiền gửi của ngân hàng")
    assert len(entries("bank_transaction.dismissed")) == 1


def test_a_transfer_already_decided_cannot_be_decided_again(as_admin, client, order):
    transaction = queued(client, order, amount=order.total_vnd + 5000)
    decide(as_admin, transaction, "xac-nhan", "xac-nhan")

    again = decide(as_admin, transaction, "hoan-tien", "hoan-tien")

    assert again.status_code == 422
    assert transactions()[0].resolution == "confirm"
    assert "Đã xử lý" in html(again)


# --- the statement import ---------------------------------------------------------------------

PREAMBLE = [["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM"], ["SAO KÊ TÀI KHOẢN", "0071000123456"], []]
HEADER = ["STT", "Ngày giao dịch", "Số tham chiếu", "Số tiền ghi nợ", "Số tiền ghi có", "Số dư", "Nội dung"]


def statement_rows(order: Order) -> list[list]:
    return [
        [1, "05/12/2026 09:15:02", "FT26339100001", "", f"{order.total_vnd:,}".replace(",", "."), "", 
         f"MBVCB.123.{order.transfer_reference}.CT tu 0912345678"],
        [2, "05/12/2026 10:00:00", "FT26339100002", "", "50.000", "", "chuyen tien"],
        [3, "05/12/2026 11:00:00", "FT26339100003", "20.000", "", "", "Phi SMS"],
        [4, "ngày mai", "FT26339100004", "", "10.000", "", "OCOP"],
    ]


def upload(client, data: bytes, filename: str):
    return client.post(IMPORT, data={"csrf_token": csrf_of(client, IMPORT), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def as_csv(rows) -> bytes:
    import csv
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("make, filename", [(as_csv, "sao-ke.csv"), (as_xlsx, "sao-ke.xlsx")])
def test_a_statement_is_matched_row_by_row_and_summarised(as_admin, admin, order, make, filename):
    response = upload(as_admin, make(PREAMBLE + [HEADER] + statement_rows(order)), filename)

    assert response.status_code == 200
    page = html(response)
    assert state(order)[0] is PaymentStatus.SUCCEEDED
    assert [(t.bank_reference, t.status, t.source) for t in transactions()] == [
        ("FT26339100001", "matched", "statement"), ("FT26339100002", "queued", "statement")]
    assert "Dòng 8: The date is not one we can read" not in page  # shown in Vietnamese
    assert "Dòng 8:" in page
    [entry] = entries("bank_statement.imported")
    assert entry.details == {"rows": 4, "matched": 1, "queued": 1, "duplicates": 0, "debits": 1, "errors": 1}
    assert entry.actor_id == admin.id


def test_importing_the_same_statement_again_changes_nothing_and_counts_the_duplicates(as_admin, order):
    data = as_csv([HEADER] + statement_rows(order))
    upload(as_admin, data, "sao-ke.csv")

    again = upload(as_admin, data, "sao-ke.csv")

    assert again.status_code == 200
    assert len(transactions()) == 2
    assert sales(order) == 1
    assert entries("bank_statement.imported")[-1].details["duplicates"] == 2


def test_english_headings_and_a_notified_transfer_in_the_statement(as_admin, client, order):
    send(client, notification(as_json(order), reference="FT26339100001"))  # the bank's notification came first
    rows = [["Transaction Date", "Reference No", "Debit", "Credit", "Description"],
            ["2026-12-05 09:15:02", "FT26339100001", "", order.total_vnd, order.transfer_reference]]

    response = upload(as_admin, as_xlsx(rows), "statement.xlsx")

    assert response.status_code == 200
    assert len(transactions()) == 1
    assert entries("bank_statement.imported")[-1].details["duplicates"] == 1


@pytest.mark.parametrize("data, filename", [(b"", "sao-ke.csv"), (b"PK\x03\x04garbage", "sao-ke.xlsx"),
                                            (b"\xff\xfe\x00bad", "sao-ke.csv"),
                                            ("Ngày,Số tiền\n05/12/2026,1000\n".encode(), "sao-ke.csv")])
def test_a_file_that_is_not_a_statement_is_refused_and_records_nothing(as_admin, data, filename):
    response = upload(as_admin, data, filename)

    assert response.status_code == 422
    assert 'class="error-summary"' in html(response)
    assert transactions() == []
