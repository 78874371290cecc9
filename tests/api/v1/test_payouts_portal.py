import csv
import io
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.payouts import runs, settlement
from marketplace.payouts.earnings import release_due
from marketplace.payouts.models import JournalEntry
from marketplace.producers.models import MemberRole
from tests.factories import ProducerFactory, ProductFactory, member_of
from tests.money_helpers import (deliver, give_bank_account, place_order, place_paid_order, refund,
                                 release_all_delivered)

PORTAL = "/api/v1/portal/producers"
BANK_ACCOUNT = {"bank_bin": "970436", "bank_name": "Vietcombank", "account_number": "0011004455667",
                "holder_name": "HTX ONG MAT MUONG PHANG"}
# One jar at 250.000 ₫ shipped to Hà Nội: 295.000 ₫, of which 25.000 ₫ commission (10% of the items).
ONE_JAR_TOTAL, ONE_JAR_COMMISSION = 295_000, 25_000


@pytest.fixture
def producer():
    return ProducerFactory()


@pytest.fixture
def owner(producer):
    return member_of(producer, MemberRole.OWNER)


@pytest.fixture
def staff(producer):
    return member_of(producer, MemberRole.STAFF)


@pytest.fixture
def jar(producer):
    return ProductFactory(producer=producer, variant__stock_quantity=100).variants[0]


def url(producer, path):
    return f"{PORTAL}/{producer.id}/{path}"


def balance(client, headers, producer):
    response = client.get(url(producer, "balance"), headers=headers)
    assert response.status_code == 200
    return response.json


def statement(client, headers, producer, **query):
    """Every row of the statement, page after page."""
    rows, page = [], 1
    while True:
        response = client.get(url(producer, "statement"), query_string={**query, "page": page, "per_page": 5},
                              headers=headers)
        assert response.status_code == 200, response.json
        rows += response.json["items"]
        if page >= response.json["pages"]:
            return rows
        page += 1


def moved(row) -> int:
    return row["pending_vnd"] + row["available_vnd"] + row["in_transit_vnd"] + row["paid_vnd"]


def backdate(order, when: datetime) -> None:
    """Pretend the ledger entries of `order` were written at `when`."""
    db.session.execute(sa.update(JournalEntry).where(JournalEntry.sub_order_id.in_([s.id for s in order.sub_orders]))
                       .values(created_at=when))
    db.session.commit()


# --- balance -------------------------------------------------------------------------

def test_a_new_producer_has_nothing_pending_available_in_transit_or_paid(client, bearer, producer, owner):
    assert balance(client, bearer(owner), producer) == {
        "pending_vnd": 0, "available_vnd": 0, "in_transit_vnd": 0, "paid_vnd": 0, "available_display": "0 ₫"}


def test_the_balance_follows_an_order_from_pending_to_available_to_in_transit_to_paid(
        client, bearer, producer, staff, jar, shopper):
    give_bank_account(producer)
    headers = bearer(staff)
    [part] = place_paid_order(shopper, (jar, 2)).sub_orders
    earned = 2 * 250_000 + 45_000 - 2 * ONE_JAR_COMMISSION
    stages = [balance(client, headers, producer)]
    deliver(part)
    release_all_delivered()
    release_due()
    stages.append(balance(client, headers, producer))
    [payout] = runs.run_payouts().payouts
    stages.append(balance(client, headers, producer))
    settlement.mark_paid(payout.id, "VCB2503110001")
    stages.append(balance(client, headers, producer))

    assert [(s["pending_vnd"], s["available_vnd"], s["in_transit_vnd"], s["paid_vnd"]) for s in stages] == [
        (earned, 0, 0, 0), (0, earned, 0, 0), (0, 0, earned, 0), (0, 0, 0, earned)]
    assert stages[1]["available_display"] == "495.000 ₫"


def test_cash_kept_on_delivery_counts_as_paid_and_the_commission_is_owed(client, bearer, producer, owner, jar,
                                                                          shopper):
    [part] = place_order(shopper, jar, method="cod").sub_orders

    deliver(part)

    assert balance(client, bearer(owner), producer) == {
        "pending_vnd": -ONE_JAR_COMMISSION, "available_vnd": 0, "in_transit_vnd": 0, "paid_vnd": ONE_JAR_TOTAL,
        "available_display": "0 ₫"}


# --- statement -----------------------------------------------------------------------------

def test_the_statement_shows_each_movement_with_its_order_number(client, bearer, producer, owner, jar, shopper):
    order = place_order(shopper, jar, method="cod")
    [part] = order.sub_orders
    deliver(part)

    rows = statement(client, bearer(owner), producer)

    assert [(r["kind"], r["reference"], r["sub_order_id"], r["pending_vnd"], r["paid_vnd"]) for r in rows] == [
        ("cod_sale", order.number, part.id, ONE_JAR_TOTAL - ONE_JAR_COMMISSION, 0),
        ("cod_settlement", order.number, part.id, -ONE_JAR_TOTAL, ONE_JAR_TOTAL),
    ]
    assert {(r["available_vnd"], r["in_transit_vnd"]) for r in rows} == {(0, 0)}


def test_the_statement_is_filtered_by_dates_in_vietnam_time(client, bearer, producer, owner, jar, shopper):
    late_evening = place_paid_order(shopper, jar)    # 23:30 on 10 March in Hà Nội
    after_midnight = place_paid_order(shopper, jar)  # 00:30 on 11 March in Hà Nội
    backdate(late_evening, datetime(2025, 3, 10, 16, 30, tzinfo=timezone.utc))
    backdate(after_midnight, datetime(2025, 3, 10, 17, 30, tzinfo=timezone.utc))
    headers = bearer(owner)

    on_the_10th = statement(client, headers, producer, since="2025-03-10", until="2025-03-10")
    from_the_11th = statement(client, headers, producer, since="2025-03-11")
    everything = statement(client, headers, producer)

    assert [(r["reference"], r["date"]) for r in on_the_10th] == [(late_evening.number, "2025-03-10")]
    assert [(r["reference"], r["date"]) for r in from_the_11th] == [(after_midnight.number, "2025-03-11")]
    assert [r["reference"] for r in everything] == [late_evening.number, after_midnight.number]


def test_the_statement_as_csv_has_the_same_rows_and_filters(client, bearer, producer, owner, jar, shopper):
    kept = place_paid_order(shopper, jar)
    place_paid_order(shopper, jar)
    backdate(kept, datetime(2025, 3, 10, 3, 0, tzinfo=timezone.utc))
    headers = bearer(owner)

    response = client.get(url(producer, "statement.csv"), query_string={"until": "2025-03-31"}, headers=headers)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="statement-{producer.id}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    [expected] = statement(client, headers, producer, until="2025-03-31")
    assert rows == [{key: "" if value is None else str(value) for key, value in expected.items()}]
    assert rows[0]["reference"] == kept.number
    assert list(rows[0]) == ["date", "entry_id", "kind", "reference", "sub_order_id", "memo", "pending_vnd",
                             "available_vnd", "in_transit_vnd", "paid_vnd", "vat_withheld_vnd", "pit_withheld_vnd"]


@pytest.mark.parametrize(("path", "query"), [
    ("statement", {"since": "10/03/2025"}), ("statement", {"until": "2025-02-30"}),
    ("statement", {"per_page": 101}), ("statement.csv", {"since": "yesterday"}),
])
def test_a_bad_statement_query_is_422(client, bearer, producer, owner, path, query):
    response = client.get(url(producer, path), query_string=query, headers=bearer(owner))

    assert response.status_code == 422
    assert response.json["code"] == "validation_error"


def rounded_commission(line_total: int) -> int:
    return int((Decimal(line_total) / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def earned_from(part: dict) -> int:
    """What the producer keeps of a paid part as the portal shows it: its total less
    10% of each line, less refunds net of the commission they take back."""
    paid = part["payment_method"] == "bank_transfer" or part["cash_collected_vnd"] is not None
    if not paid:
        return 0
    total, refunded = part["total_vnd"], part["refunded_vnd"]
    commission = sum(rounded_commission(line["line_total_vnd"]) for line in part["lines"])
    return total - commission - refunded + commission * refunded // total


def test_a_producers_statement_reconciles_to_the_dong_with_the_orders_they_fulfilled(
        client, bearer, producer, owner, shopper):
    give_bank_account(producer)
    honey = ProductFactory(producer=producer, variant__price_vnd=123_455, variant__stock_quantity=100).variants[0]
    noodles = ProductFactory(producer=producer, variant__price_vnd=10_005, variant__stock_quantity=100).variants[0]
    [paid_out] = place_paid_order(shopper, (honey, 3), noodles).sub_orders
    deliver(paid_out)
    [cash] = place_order(shopper, (noodles, 7), method="cod").sub_orders
    deliver(cash)
    refund(cash, 45_000, "Phí vận chuyển hoàn lại")
    release_all_delivered()
    [payout] = runs.run_payouts().payouts
    settlement.mark_paid(payout.id, "VCB2503110002")
    refund(paid_out, 100_000)
    [undelivered] = place_paid_order(shopper, honey, (noodles, 2)).sub_orders
    refund(undelivered, 33_333)
    refund(undelivered, 1)
    [cancelled] = place_paid_order(shopper, noodles).sub_orders
    fulfilment.cancel_by_producer(producer.id, cancelled.id, owner.id, "Hết hàng")
    headers = bearer(owner)

    rows = statement(client, headers, producer)
    parts = client.get(url(producer, "orders"), query_string={"per_page": 100}, headers=headers).json["items"]

    assert len(parts) == 4
    assert sum(moved(row) for row in rows) == sum(earned_from(part) for part in parts)
    money = balance(client, headers, producer)
    assert money["pending_vnd"] + money["available_vnd"] + money["in_transit_vnd"] + money["paid_vnd"] \
        == sum(earned_from(part) for part in parts)


# --- payouts ---------------------------------------------------------------------------------

def test_the_producer_sees_its_payouts_newest_first_with_where_they_were_sent(
        client, bearer, producer, staff, jar, shopper):
    give_bank_account(producer)
    deliver(place_paid_order(shopper, jar).sub_orders[0])
    release_all_delivered()
    [failed] = runs.run_payouts().payouts
    settlement.mark_failed(failed.id, "Sai số tài khoản")
    [retried] = runs.run_payouts().payouts

    response = client.get(url(producer, "payouts"), headers=bearer(staff))

    assert response.status_code == 200
    assert [(p["id"], p["status"], p["amount_vnd"], p["failure_reason"]) for p in response.json["items"]] == [
        (retried.id, "in_transit", 270_000, ""), (failed.id, "failed", 270_000, "Sai số tài khoản")]
    assert response.json["items"][0]["amount_display"] == "270.000 ₫"
    assert {(p["rail"], p["bank_name"], p["account_number"]) for p in response.json["items"]} == {
        ("bank_transfer", "Vietcombank", f"00110044{producer.id:05d}")}


def test_a_producer_does_not_see_another_producers_payouts(client, bearer, producer, owner, shopper):
    other = ProductFactory(variant__stock_quantity=10).variants[0]
    give_bank_account(other.product.producer)
    deliver(place_paid_order(shopper, other).sub_orders[0])
    release_all_delivered()
    runs.run_payouts()

    response = client.get(url(producer, "payouts"), headers=bearer(owner))

    assert response.json["items"] == []


# --- bank account ------------------------------------------------------------------------------

def test_the_owner_sets_where_the_producer_is_paid_and_staff_can_read_it(client, bearer, producer, owner, staff):
    response = client.put(url(producer, "bank-account"), json=BANK_ACCOUNT, headers=bearer(owner))

    assert response.status_code == 200
    assert response.json == {**BANK_ACCOUNT, "stripe_account_id": None}
    assert client.get(url(producer, "bank-account"), headers=bearer(staff)).json == response.json


def test_setting_the_bank_account_again_replaces_it(client, bearer, producer, owner):
    headers = bearer(owner)
    client.put(url(producer, "bank-account"), json=BANK_ACCOUNT, headers=headers)

    response = client.put(url(producer, "bank-account"), headers=headers, json={
        **BANK_ACCOUNT, "bank_bin": "970415", "bank_name": "VietinBank", "stripe_account_id": "acct_1PqRsTuV"})

    assert response.status_code == 200
    assert client.get(url(producer, "bank-account"), headers=headers).json == {
        **BANK_ACCOUNT, "bank_bin": "970415", "bank_name": "VietinBank", "stripe_account_id": "acct_1PqRsTuV"}


def test_a_producer_without_a_bank_account_is_told_to_add_one(client, bearer, producer, owner):
    response = client.get(url(producer, "bank-account"), headers=bearer(owner))

    assert response.status_code == 404
    assert response.json["code"] == "bank_account_not_found"


def test_staff_cannot_set_the_bank_account(client, bearer, producer, staff):
    response = client.put(url(producer, "bank-account"), json=BANK_ACCOUNT, headers=bearer(staff))

    assert response.status_code == 403
    assert response.json["code"] == "owner_only"
    assert client.get(url(producer, "bank-account"), headers=bearer(staff)).status_code == 404


@pytest.mark.parametrize(("change", "field"), [
    ({"bank_bin": "97043"}, "bank_bin"),
    ({"bank_bin": "97043A"}, "bank_bin"),
    ({"account_number": "12345"}, "account_number"),
    ({"account_number": "0011-0044-55"}, "account_number"),
    ({"account_number": "1" * 20}, "account_number"),
    ({"account_number": 11004455667}, "account_number"),
    ({"holder_name": ""}, "holder_name"),
    ({"stripe_account_id": "acc_1PqRsTuV"}, "stripe_account_id"),
    ({"iban": "VN00VCB0011004455667"}, "iban"),
], ids=["BIN too short", "BIN not digits", "account too short", "account with dashes", "account too long",
        "account as a number", "no holder", "not a Connect id", "unknown field"])
def test_a_bad_bank_account_is_422_and_nothing_is_saved(client, bearer, producer, owner, change, field):
    headers = bearer(owner)

    response = client.put(url(producer, "bank-account"), json={**BANK_ACCOUNT, **change}, headers=headers)

    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [field]
    assert client.get(url(producer, "bank-account"), headers=headers).status_code == 404


def test_a_bank_account_needs_a_number_and_a_holder(client, bearer, producer, owner):
    response = client.put(url(producer, "bank-account"), json={"bank_name": "Vietcombank"}, headers=bearer(owner))

    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"account_number", "holder_name"}


# --- who may see what -------------------------------------------------------------------------

PATHS = ["balance", "statement", "statement.csv", "payouts", "bank-account"]


@pytest.mark.parametrize("path", PATHS)
def test_a_member_of_another_producer_gets_404(client, bearer, producer, path):
    outsider = member_of(ProducerFactory(), MemberRole.OWNER)

    response = client.get(url(producer, path), headers=bearer(outsider))

    assert response.status_code == 404
    assert response.json["code"] == "producer_not_found"


def test_a_member_of_another_producer_cannot_set_its_bank_account(client, bearer, producer):
    outsider = member_of(ProducerFactory(), MemberRole.OWNER)

    response = client.put(url(producer, "bank-account"), json=BANK_ACCOUNT, headers=bearer(outsider))

    assert response.status_code == 404
    assert response.json["code"] == "producer_not_found"


@pytest.mark.parametrize("path", PATHS)
def test_the_money_pages_need_a_login(client, producer, path):
    response = client.get(url(producer, path))

    assert response.status_code == 401
