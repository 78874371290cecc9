"""The admin back office over the test client: the queues (producers,
certificates, bank transfers), orders and refunds, payouts, the audit log;
who may see them, CSRF, and every way an action is refused."""

import csv
import io
import re

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments.models import PaymentStatus
from marketplace.payouts.models import Payout, PayoutStatus
from marketplace.producers.models import Producer, ProducerStatus
from tests.factories import PASSWORD, ProducerFactory, ProductFactory, UserFactory, member_of
from tests.money_helpers import deliver, give_bank_account, place_order, place_paid_order, release_all_delivered

ADMIN_PAGES = ["/quan-tri", "/quan-tri/chung-nhan", "/quan-tri/chuyen-khoan", "/quan-tri/don-hang", "/quan-tri/chi-tra",
               "/quan-tri/nhat-ky"]


def html(response) -> str:
    return response.get_data(as_text=True)


def csrf_of(client, path) -> str:
    page = html(client.get(path))
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def post(client, path, data=None, form_path=None):
    return client.post(path, data={"csrf_token": csrf_of(client, form_path or path), **(data or {})})


def log_in(client, user):
    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.json


def entries(action=None):
    db.session.expire_all()
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return db.session.scalars(stmt).all()


@pytest.fixture
def admin(app):
    return UserFactory(email="quantri@example.vn", is_admin=True)


@pytest.fixture
def as_admin(client, admin):
    log_in(client, admin)
    return client


@pytest.fixture
def shopper(app):
    return UserFactory(email="mua@example.vn", phone="+84912345678")


@pytest.fixture
def pending():
    return ProducerFactory(name="HTX Chè Shan Tuyết", status=ProducerStatus.PENDING, approved_at=None)


# --- who may come in -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dang-nhap?next=")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_shopper_is_refused_every_admin_page(client, shopper, path):
    log_in(client, shopper)

    response = client.get(path)

    assert response.status_code == 403
    page = html(response)
    assert "<h1>Bạn không có quyền mở trang này</h1>" in page
    assert "phiên đã hết hạn" not in page  # a refusal of who they are, not of a stale form


def test_a_shopper_cannot_approve_a_producer(client, shopper, pending, admin):
    log_in(client, shopper)
    token = csrf_of(client, "/tai-khoan")

    response = client.post(f"/quan-tri/chu-the/{pending.id}/duyet", data={"csrf_token": token})

    assert response.status_code == 403
    assert db.session.get(Producer, pending.id).status is ProducerStatus.PENDING
    assert entries() == []


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_every_admin_page_shows_the_admin_nav(as_admin, path):
    page = html(as_admin.get(path))

    assert 'class="admin-nav"' in page
    for label in ("Hàng chờ", "Đơn hàng", "Chi trả", "Cài đặt", "Báo cáo", "Nhật ký"):
        assert label in page


# --- producers ---------------------------------------------------------------------------------

def test_the_queue_lists_producers_awaiting_approval(as_admin, pending):
    ProducerFactory(name="HTX Đã Duyệt")

    page = html(as_admin.get("/quan-tri"))

    assert "HTX Chè Shan Tuyết" in page and "HTX Đã Duyệt" not in page
    assert f"/quan-tri/chu-the/{pending.id}" in page


def test_approving_a_producer_records_who_did_it(as_admin, admin, pending):
    response = post(as_admin, f"/quan-tri/chu-the/{pending.id}/duyet", form_path=f"/quan-tri/chu-the/{pending.id}")

    assert response.status_code == 303 and response.headers["Location"] == "/quan-tri"
    assert db.session.get(Producer, pending.id).status is ProducerStatus.APPROVED
    [entry] = entries("producer.approved")
    assert (entry.actor_id, entry.actor_email, entry.target_type, entry.target_id) == (
        admin.id, "quantri@example.vn", "producer", str(pending.id))
    assert "Đã duyệt HTX Chè Shan Tuyết" in html(as_admin.get("/quan-tri"))


def test_approving_without_the_csrf_token_changes_nothing(as_admin, pending):
    response = as_admin.post(f"/quan-tri/chu-the/{pending.id}/duyet", data={})

    assert response.status_code == 400  # every HTML POST is checked (web/security.py), before the view
    assert db.session.get(Producer, pending.id).status is ProducerStatus.PENDING
    assert entries() == []


def test_rejecting_needs_a_reason_and_keeps_the_form(as_admin, pending):
    response = post(as_admin, f"/quan-tri/chu-the/{pending.id}/tu-choi", {"reason": "  "},
                    form_path=f"/quan-tri/chu-the/{pending.id}")

    assert response.status_code == 422
    assert "Nhập lý do." in html(response) and 'id="error-summary"' in html(response)
    assert db.session.get(Producer, pending.id).status is ProducerStatus.PENDING


def test_rejecting_with_a_reason_turns_the_application_down(as_admin, pending):
    response = post(as_admin, f"/quan-tri/chu-the/{pending.id}/tu-choi", {"reason": "Thiếu giấy phép kinh doanh"},
                    form_path=f"/quan-tri/chu-the/{pending.id}")

    assert response.status_code == 303
    producer = db.session.get(Producer, pending.id)
    assert (producer.status, producer.status_reason) == (ProducerStatus.SUSPENDED, "Thiếu giấy phép kinh doanh")
    [entry] = entries("producer.rejected")
    assert entry.details["reason"] == "Thiếu giấy phép kinh doanh"


def test_approving_an_approved_producer_is_refused_clearly(as_admin):
    producer = ProducerFactory()
    response = post(as_admin, f"/quan-tri/chu-the/{producer.id}/duyet", form_path=f"/quan-tri/chu-the/{producer.id}")

    assert response.status_code == 409
    assert "already approved" in html(response) or "đã được duyệt" in html(response)
    assert entries() == []


def test_an_unknown_producer_is_a_404_page(as_admin):
    assert as_admin.get("/quan-tri/chu-the/999999").status_code == 404


# --- certificates --------------------------------------------------------------------------------

@pytest.fixture
def unverified():
    older = ProductFactory(name="Trà hoa vàng", ocop_verified_at=None, ocop_decision_number="88/QĐ-UBND")
    newer = ProductFactory(name="Mật ong bạc hà", ocop_verified_at=None, ocop_decision_number="99/QĐ-UBND")
    return older, newer


def test_the_certificate_queue_lists_the_oldest_first_with_the_claimed_fields(as_admin, unverified):
    ProductFactory(name="Đã xác nhận")

    page = html(as_admin.get("/quan-tri/chung-nhan"))

    assert page.index("Trà hoa vàng") < page.index("Mật ong bạc hà")
    assert "Đã xác nhận" not in page
    assert "88/QĐ-UBND" in page and "Chưa có văn bản quyết định" in page


def test_the_admin_reviews_a_certificate_beside_its_uploaded_decision_document(as_admin, unverified):
    from marketplace import storage
    product = unverified[0]
    product.ocop_document_key = f"giay-to/{product.id}/quyet-dinh.pdf"
    storage.put(product.ocop_document_key, b"%PDF-1.4\n%%EOF\n", "application/pdf")
    db.session.commit()
    link = f"/kenh-nguoi-ban/{product.producer_id}/san-pham/{product.id}/quyet-dinh"

    review = html(as_admin.get(f"/quan-tri/chung-nhan/{product.id}"))
    document = as_admin.get(link)

    assert f'href="{link}"' in review and "Mở văn bản (PDF)" in review
    assert document.status_code == 200 and document.data.startswith(b"%PDF-")
    assert f'href="{link}"' in html(as_admin.get("/quan-tri/chung-nhan"))


def test_verifying_a_certificate_records_it(as_admin, admin, unverified):
    product = unverified[0]
    response = post(as_admin, f"/quan-tri/chung-nhan/{product.id}/xac-nhan",
                    form_path=f"/quan-tri/chung-nhan/{product.id}")

    assert response.status_code == 303
    db.session.refresh(product)
    assert product.ocop_verified_at is not None and product.ocop_verified_by_id == admin.id
    [entry] = entries("certificate.verified")
    assert entry.target_id == str(product.id) and entry.details["decision_number"] == "88/QĐ-UBND"


def test_a_product_without_a_certificate_cannot_be_verified(as_admin):
    product = ProductFactory(ocop_stars=None, ocop_decision_number=None, ocop_issuing_level=None,
                             ocop_issued_on=None, ocop_valid_until=None, ocop_verified_at=None)
    token = csrf_of(as_admin, "/quan-tri/chung-nhan")

    response = as_admin.post(f"/quan-tri/chung-nhan/{product.id}/xac-nhan", data={"csrf_token": token})

    assert response.status_code == 409
    assert entries() == []


# --- bank transfers ------------------------------------------------------------------------------

@pytest.fixture
def transfer_order(shopper):
    return place_order(shopper, ProductFactory().variants[0])


def test_the_transfer_queue_finds_an_order_by_its_reference(as_admin, shopper, transfer_order):
    other = place_order(shopper, ProductFactory().variants[0])

    page = html(as_admin.get("/quan-tri/chuyen-khoan", query_string={"q": transfer_order.transfer_reference}))

    assert transfer_order.transfer_reference in page and other.transfer_reference not in page
    assert f"/quan-tri/don-hang/{transfer_order.id}/xac-nhan-chuyen-khoan" in page


def test_confirming_a_transfer_with_the_right_amount_pays_the_order(as_admin, admin, transfer_order):
    path = f"/quan-tri/don-hang/{transfer_order.id}/xac-nhan-chuyen-khoan"
    response = post(as_admin, path, {"amount_vnd": str(transfer_order.total_vnd), "bank_reference": "FT2633801234"})

    assert response.status_code == 303 and response.headers["Location"] == "/quan-tri/chuyen-khoan"
    db.session.expire_all()
    assert db.session.get(Order, transfer_order.id).payment.status is PaymentStatus.SUCCEEDED
    [entry] = entries("bank_transfer.confirmed")
    assert entry.actor_id == admin.id and entry.details["bank_reference"] == "FT2633801234"
    assert transfer_order.transfer_reference not in html(as_admin.get("/quan-tri/chuyen-khoan"))


def test_a_wrong_amount_is_refused_beside_the_field_and_kept(as_admin, transfer_order):
    path = f"/quan-tri/don-hang/{transfer_order.id}/xac-nhan-chuyen-khoan"
    response = post(as_admin, path, {"amount_vnd": "1000", "bank_reference": "FT2633801234"})

    page = html(response)
    assert response.status_code == 422
    assert 'value="1000"' in page and 'value="FT2633801234"' in page
    assert f"{transfer_order.total_vnd}" in page  # the service's message names the total
    assert 'aria-invalid="true"' in page
    db.session.expire_all()
    assert db.session.get(Order, transfer_order.id).payment.status is PaymentStatus.PENDING
    assert entries() == []


def test_an_amount_that_is_not_a_number_is_refused(as_admin, transfer_order):
    path = f"/quan-tri/don-hang/{transfer_order.id}/xac-nhan-chuyen-khoan"
    response = post(as_admin, path, {"amount_vnd": "ba trăm nghìn", "bank_reference": ""})

    assert response.status_code == 422
    assert "Nhập số tiền bằng chữ số" in html(response) and "Nhập mã giao dịch" in html(response)


def test_confirming_twice_is_refused(as_admin, transfer_order):
    path = f"/quan-tri/don-hang/{transfer_order.id}/xac-nhan-chuyen-khoan"
    post(as_admin, path, {"amount_vnd": str(transfer_order.total_vnd), "bank_reference": "FT1"})

    response = post(as_admin, path, {"amount_vnd": str(transfer_order.total_vnd), "bank_reference": "FT2"})

    assert response.status_code == 422
    assert "already confirmed" in html(response) or "đã được xác nhận" in html(response)
    assert len(entries("bank_transfer.confirmed")) == 1


# --- orders and refunds -----------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["number", "reference", "email", "phone"])
def test_orders_are_found_by_number_reference_email_and_phone(as_admin, shopper, transfer_order, query):
    someone_else = place_order(UserFactory(email="khac@example.vn"), ProductFactory().variants[0])
    transfer_order.phone, someone_else.phone = "+84912345678", "+84987654321"  # as checkout's schema stores it
    db.session.commit()
    q = {"number": transfer_order.number, "reference": transfer_order.transfer_reference,
         "email": "mua@example.vn", "phone": "0912 345 678"}[query]

    page = html(as_admin.get("/quan-tri/don-hang", query_string={"q": q}))

    assert transfer_order.number in page and someone_else.number not in page


def test_the_order_detail_shows_parts_payment_and_history(as_admin, transfer_order):
    page = html(as_admin.get(f"/quan-tri/don-hang/{transfer_order.id}"))

    assert transfer_order.number in page and transfer_order.transfer_reference in page
    assert transfer_order.sub_orders[0].producer.name in page
    assert "Lịch sử" in page and "Chờ thanh toán" in page


@pytest.fixture
def paid_order(shopper):
    return place_paid_order(shopper, ProductFactory().variants[0])


def test_a_refund_is_made_and_audited(as_admin, admin, paid_order):
    part = paid_order.sub_orders[0]
    path = f"/quan-tri/don-hang/{paid_order.id}/phan/{part.id}/hoan-tien"

    response = post(as_admin, path, {"amount_vnd": "50000", "reason": "Hũ bị nứt"})

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, paid_order.id).sub_orders[0].refunded_vnd == 50_000
    [entry] = entries("refund.created")
    assert entry.details["amount_vnd"] == 50_000 and entry.details["reason"] == "Hũ bị nứt"
    assert "50.000" in html(as_admin.get(f"/quan-tri/don-hang/{paid_order.id}"))


def test_a_refund_larger_than_the_part_is_refused_and_kept(as_admin, paid_order):
    part = paid_order.sub_orders[0]
    path = f"/quan-tri/don-hang/{paid_order.id}/phan/{part.id}/hoan-tien"

    response = post(as_admin, path, {"amount_vnd": str(part.total_vnd + 1), "reason": "Hũ bị nứt"})

    assert response.status_code == 422
    assert f'value="{part.total_vnd + 1}"' in html(response) and "Hũ bị nứt" in html(response)
    assert entries("refund.created") == []


def test_an_unpaid_order_cannot_be_refunded(as_admin, transfer_order):
    part = transfer_order.sub_orders[0]
    response = post(as_admin, f"/quan-tri/don-hang/{transfer_order.id}/phan/{part.id}/hoan-tien",
                    {"amount_vnd": "1000", "reason": "Thử"})

    assert response.status_code == 422
    assert entries() == []


# --- payouts -------------------------------------------------------------------------------------

@pytest.fixture
def earning_producer(shopper):
    product = ProductFactory(name="Mật ong rừng", variant__stock_quantity=50)
    give_bank_account(product.producer)
    deliver(place_paid_order(shopper, product.variants[0]).sub_orders[0])
    release_all_delivered()
    return product.producer


def _run(as_admin):
    response = post(as_admin, "/quan-tri/chi-tra/chay", form_path="/quan-tri/chi-tra")
    assert response.status_code == 303
    return response.headers["Location"]


def test_running_payouts_pays_and_offers_the_bank_file(as_admin, admin, earning_producer):
    run_page = _run(as_admin)

    page = html(as_admin.get(run_page))
    [payout] = db.session.scalars(sa.select(Payout)).all()
    assert earning_producer.name.upper() in page and "Tải tệp cho ngân hàng" in page
    bank_file = as_admin.get(f"/quan-tri/chi-tra/dot/{payout.run_id}/tep-ngan-hang.csv")
    assert bank_file.status_code == 200 and bank_file.mimetype == "text/csv"
    [row] = list(csv.DictReader(io.StringIO(bank_file.get_data(as_text=True))))
    assert int(row["amount_vnd"]) == payout.amount_vnd
    [entry] = entries("payout_run.started")
    assert entry.actor_id == admin.id and entry.target_id == str(payout.run_id)


def test_a_payout_is_marked_paid(as_admin, earning_producer):
    _run(as_admin)
    payout = db.session.scalars(sa.select(Payout)).one()

    response = post(as_admin, f"/quan-tri/chi-tra/{payout.id}/da-tra", {"bank_reference": "VCB-778899"},
                    form_path=f"/quan-tri/chi-tra/{payout.id}")

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Payout, payout.id).status is PayoutStatus.PAID
    assert entries("payout.marked_paid")[0].details["bank_reference"] == "VCB-778899"


def test_a_payout_marked_failed_needs_a_reason(as_admin, earning_producer):
    _run(as_admin)
    payout = db.session.scalars(sa.select(Payout)).one()
    path = f"/quan-tri/chi-tra/{payout.id}"

    refused = post(as_admin, f"{path}/that-bai", {"reason": ""}, form_path=path)
    failed = post(as_admin, f"{path}/that-bai", {"reason": "Sai số tài khoản"}, form_path=path)

    assert refused.status_code == 422 and "Nhập lý do." in html(refused)
    assert failed.status_code == 303
    db.session.expire_all()
    assert db.session.get(Payout, payout.id).status is PayoutStatus.FAILED
    assert len(entries("payout.marked_failed")) == 1


def test_a_settled_payout_cannot_be_settled_again(as_admin, earning_producer):
    _run(as_admin)
    payout = db.session.scalars(sa.select(Payout)).one()
    path = f"/quan-tri/chi-tra/{payout.id}"
    post(as_admin, f"{path}/da-tra", {"bank_reference": "VCB-1"}, form_path=path)
    token = csrf_of(as_admin, "/quan-tri/chi-tra")

    response = as_admin.post(f"{path}/that-bai", data={"csrf_token": token, "reason": "Nhầm"})

    assert response.status_code == 409
    assert len(entries("payout.marked_failed")) == 0


def test_reconciling_a_bank_payout_is_refused(as_admin, earning_producer):
    _run(as_admin)
    payout = db.session.scalars(sa.select(Payout)).one()
    token = csrf_of(as_admin, "/quan-tri/chi-tra")

    response = as_admin.post(f"/quan-tri/chi-tra/{payout.id}/doi-soat", data={"csrf_token": token})

    assert response.status_code == 409
    assert entries("payout.reconciled") == []


# --- the audit log ---------------------------------------------------------------------------------

def test_the_audit_log_is_filtered_by_actor_action_target_and_date(as_admin, admin, pending, transfer_order):
    post(as_admin, f"/quan-tri/chu-the/{pending.id}/duyet", form_path=f"/quan-tri/chu-the/{pending.id}")
    post(as_admin, f"/quan-tri/don-hang/{transfer_order.id}/xac-nhan-chuyen-khoan",
         {"amount_vnd": str(transfer_order.total_vnd), "bank_reference": "FT99"})

    def shown(**query):
        page = html(as_admin.get("/quan-tri/nhat-ky", query_string=query))
        return sorted((a for a in ("producer.approved", "bank_transfer.confirmed") if f"<code>{a}</code>" in page),
                      key=lambda a: page.index(f"<code>{a}</code>"))

    assert shown() == ["bank_transfer.confirmed", "producer.approved"]  # newest first
    assert shown(action="producer.approved") == ["producer.approved"]
    assert shown(target_type="order", target_id=str(transfer_order.id)) == ["bank_transfer.confirmed"]
    assert shown(actor="quantri@") == ["bank_transfer.confirmed", "producer.approved"]
    assert shown(actor="someone-else@") == []
    assert shown(since="2000-01-01", until="2000-01-02") == []


def test_a_bad_date_range_is_refused_beside_the_field(as_admin):
    response = as_admin.get("/quan-tri/nhat-ky", query_string={"since": "2026-12-10", "until": "2026-12-01"})

    assert response.status_code == 422
    assert "Ngày kết thúc phải sau ngày bắt đầu." in html(response)
    assert 'value="2026-12-10"' in html(response)


def test_the_audit_log_shows_times_in_vietnam(as_admin, admin):
    from datetime import datetime, timezone
    from marketplace import audit
    with db.session.begin_nested():
        pass
    entry = audit.record("producer.approved", "producer", 1, admin.id)
    entry.at = datetime(2026, 12, 1, 17, 30, tzinfo=timezone.utc)
    db.session.commit()

    assert "02/12/2026 00:30" in html(as_admin.get("/quan-tri/nhat-ky"))


def test_the_audit_log_api_lists_entries_for_admins_only(client, bearer, admin, shopper):
    from marketplace import audit
    audit.record("producer.approved", "producer", 7, admin.id, name="HTX")
    db.session.commit()

    assert client.get("/api/v1/admin/audit-log", headers=bearer(shopper)).status_code == 403
    body = client.get("/api/v1/admin/audit-log", query_string={"action": "producer."}, headers=bearer(admin)).json
    assert body["total"] == 1
    assert body["items"][0]["actor_email"] == "quantri@example.vn" and body["items"][0]["at"].endswith("+07:00")


def test_the_back_office_speaks_english_when_asked(as_admin, pending):
    page = html(as_admin.get("/quan-tri", headers={"Accept-Language": "en"}))

    assert "Producers awaiting approval" in page and "Audit log" in page and "Hàng chờ" not in page
