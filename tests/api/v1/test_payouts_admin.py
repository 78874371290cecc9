import csv
import io
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
import stripe

from marketplace.extensions import db
from marketplace.orders.models import OrderLine
from marketplace.orders import payment_outcomes
from marketplace.payouts import stripe_connect
from marketplace.payouts.models import BankAccount, EntryKind, JournalEntry
from marketplace.producers.models import MemberRole
from marketplace.showrooms import till as point_till
from marketplace.showrooms.models import SalePayment
from tests.factories import ProducerFactory, ProductFactory, UserFactory, member_of
from tests.money_helpers import (MadeThenLost, balance_of, deliver, fake_stripe_client, give_bank_account,
                                 place_order, place_paid_order, refund, release_all_delivered)
from tests.point_factories import DisplayPointFactory, consign, new_key, receive

ADMIN = "/api/v1/admin"
RUNS = f"{ADMIN}/payout-runs"
PAYOUTS = f"{ADMIN}/payouts"
RATES = f"{ADMIN}/commission-rates"
CONNECT_ACCOUNT = "acct_1PqRsTuVwXyZ0123"
# One jar at 250.000 ₫ shipped to Hà Nội: 295.000 ₫ paid, 25.000 ₫ commission, 270.000 ₫ earned.
ONE_JAR_EARNED = 270_000


@pytest.fixture
def admin(bearer):
    return bearer(UserFactory(is_admin=True))


def producer_earning(shopper, jars=1, price=250_000, bank=True, stripe_account_id=None):
    """A producer whose delivered order is past the holding period: `jars` jars, one order each."""
    product = ProductFactory(variant__price_vnd=price, variant__stock_quantity=100)
    if bank:
        give_bank_account(product.producer, stripe_account_id)
    for _ in range(jars):
        deliver(place_paid_order(shopper, product.variants[0]).sub_orders[0])
    release_all_delivered()
    return product.producer


def run_payouts(client, headers, **body):
    response = client.post(RUNS, json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def backdate(order, when: datetime) -> None:
    db.session.execute(sa.update(JournalEntry).where(JournalEntry.sub_order_id.in_([s.id for s in order.sub_orders]))
                       .values(created_at=when))
    db.session.commit()


# --- runs ----------------------------------------------------------------------------------

def test_a_run_pays_every_producer_with_a_bank_account_at_or_above_the_minimum(client, admin, shopper):
    paid = producer_earning(shopper)
    producer_earning(shopper, price=150_000)           # earns 180.000 ₫, under the 200.000 ₫ minimum
    producer_earning(shopper, bank=False)               # nowhere to send the money yet

    run = run_payouts(client, admin)

    assert run["minimum_vnd"] == 200_000
    assert [(p["producer_id"], p["amount_vnd"], p["rail"], p["status"]) for p in run["payouts"]] == [
        (paid.id, ONE_JAR_EARNED, "bank_transfer", "in_transit")]
    assert run["payouts"][0]["amount_display"] == "270.000 ₫"
    assert run["payouts"][0]["holder_name"] == paid.name.upper()


def test_a_second_run_finds_nothing_left_to_pay(client, admin, shopper):
    producer = producer_earning(shopper, jars=2)
    run_payouts(client, admin)

    again = run_payouts(client, admin)

    assert again["payouts"] == []
    assert balance_of(producer).in_transit_vnd == 2 * ONE_JAR_EARNED


def test_a_run_can_be_limited_to_some_producers(client, admin, shopper):
    chosen = producer_earning(shopper)
    producer_earning(shopper)

    run = run_payouts(client, admin, producer_ids=[chosen.id])

    assert [p["producer_id"] for p in run["payouts"]] == [chosen.id]


def test_runs_are_listed_newest_first_and_each_shows_its_payouts(client, admin, shopper):
    first_producer = producer_earning(shopper)
    first = run_payouts(client, admin)
    producer_earning(shopper)
    second = run_payouts(client, admin)

    listed = client.get(RUNS, headers=admin).json
    detail = client.get(f"{RUNS}/{first['id']}", headers=admin).json

    assert [r["id"] for r in listed["items"]] == [second["id"], first["id"]]
    assert listed["total"] == 2
    assert [p["producer_id"] for p in detail["payouts"]] == [first_producer.id]
    assert detail == first


@pytest.mark.parametrize("path", ["", "/bank-file.csv"])
def test_an_unknown_run_is_404(client, admin, path):
    response = client.get(f"{RUNS}/999999{path}", headers=admin)

    assert response.status_code == 404
    assert response.json["code"] == "payout_run_not_found"


@pytest.mark.parametrize("body", [{"producer_ids": []}, {"producer_ids": ["1"]}, {"producer_ids": 1},
                                  {"minimum_vnd": 0}])
def test_a_bad_run_request_is_422(client, admin, body):
    assert client.post(RUNS, json=body, headers=admin).status_code == 422


def test_deliveries_are_still_released_after_a_display_point_sale_has_been(client, admin, shopper):
    jar = ProductFactory(variant__stock_quantity=100).variants[0]
    producer = jar.product.producer
    give_bank_account(producer)
    point = DisplayPointFactory()
    consign(point, producer, commission_rate_bps=1500)
    receive(point, jar, 5)
    point_till.sell(point.id, None, point_till.Sale((point_till.SaleLine(jar.id, 1),), SalePayment.CASH), new_key())
    db.session.execute(sa.update(JournalEntry).where(JournalEntry.kind == EntryKind.POINT_SALE)
                       .values(created_at=datetime(2025, 3, 1, tzinfo=timezone.utc)))
    db.session.commit()
    [till] = run_payouts(client, admin)["payouts"]
    deliver(place_paid_order(shopper, jar).sub_orders[0])
    release_all_delivered()

    [online] = run_payouts(client, admin)["payouts"]

    assert till["amount_vnd"] == 250_000 - 37_500
    assert online["amount_vnd"] == ONE_JAR_EARNED


# --- the bank file -----------------------------------------------------------------------------

def bank_file(client, headers, run_id):
    response = client.get(f"{RUNS}/{run_id}/bank-file.csv", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="payout-run-{run_id}.csv"'
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_bank_file_has_a_line_per_bank_transfer_still_to_make(client, admin, shopper, monkeypatch):
    monkeypatch.setattr(stripe_connect, "client", lambda: fake_stripe_client())
    first, second = producer_earning(shopper), producer_earning(shopper, jars=2)
    producer_earning(shopper, stripe_account_id=CONNECT_ACCOUNT)
    run = run_payouts(client, admin)
    by_producer = {p["producer_id"]: p["id"] for p in run["payouts"]}

    lines = bank_file(client, admin, run["id"])

    assert lines == [
        ["payout_id", "bank_bin", "bank_name", "account_number", "holder_name", "amount_vnd", "description"],
        [str(by_producer[first.id]), "970436", "Vietcombank", f"00110044{first.id:05d}", first.name.upper(),
         str(ONE_JAR_EARNED), f"OCOP payout {by_producer[first.id]}"],
        [str(by_producer[second.id]), "970436", "Vietcombank", f"00110044{second.id:05d}", second.name.upper(),
         str(2 * ONE_JAR_EARNED), f"OCOP payout {by_producer[second.id]}"],
    ]


def test_the_bank_file_keeps_the_account_the_payout_was_made_to_and_drops_settled_payouts(client, admin, shopper):
    settled, changed = producer_earning(shopper), producer_earning(shopper)
    run = run_payouts(client, admin)
    by_producer = {p["producer_id"]: p["id"] for p in run["payouts"]}
    client.post(f"{PAYOUTS}/{by_producer[settled.id]}/mark-paid", json={"bank_reference": "VCB1"}, headers=admin)
    db.session.execute(sa.update(BankAccount).where(BankAccount.producer_id == changed.id)
                       .values(account_number="9999999999", bank_name="VietinBank"))
    db.session.commit()

    lines = bank_file(client, admin, run["id"])

    assert [(line[0], line[2], line[3]) for line in lines[1:]] == [
        (str(by_producer[changed.id]), "Vietcombank", f"00110044{changed.id:05d}")]


# --- settling payouts -------------------------------------------------------------------------------

def test_marking_a_payout_paid_moves_it_to_paid_once(client, admin, shopper):
    producer = producer_earning(shopper)
    [payout] = run_payouts(client, admin)["payouts"]

    response = client.post(f"{PAYOUTS}/{payout['id']}/mark-paid", json={"bank_reference": "VCB2503110001"},
                           headers=admin)
    again = client.post(f"{PAYOUTS}/{payout['id']}/mark-paid", json={"bank_reference": "VCB2503110001"},
                        headers=admin)
    failed_after = client.post(f"{PAYOUTS}/{payout['id']}/mark-failed", json={"reason": "Nhầm"}, headers=admin)

    assert response.status_code == 200
    assert (response.json["status"], response.json["bank_reference"]) == ("paid", "VCB2503110001")
    assert response.json["settled_at"] is not None
    assert (again.status_code, again.json["code"]) == (409, "payout_not_in_transit")
    assert (failed_after.status_code, failed_after.json["code"]) == (409, "payout_not_in_transit")
    balance = balance_of(producer)
    assert (balance.available_vnd, balance.in_transit_vnd, balance.paid_vnd) == (0, 0, ONE_JAR_EARNED)


def test_a_failed_payout_returns_the_money_to_available_and_the_next_run_pays_it_again(client, admin, shopper):
    producer = producer_earning(shopper)
    [payout] = run_payouts(client, admin)["payouts"]

    response = client.post(f"{PAYOUTS}/{payout['id']}/mark-failed", json={"reason": "Tài khoản không tồn tại"},
                           headers=admin)
    again = client.post(f"{PAYOUTS}/{payout['id']}/mark-failed", json={"reason": "Tài khoản không tồn tại"},
                        headers=admin)
    back = balance_of(producer)
    [retry] = run_payouts(client, admin)["payouts"]

    assert (response.status_code, response.json["status"]) == (200, "failed")
    assert response.json["failure_reason"] == "Tài khoản không tồn tại"
    assert (again.status_code, again.json["code"]) == (409, "payout_not_in_transit")
    assert (back.available_vnd, back.in_transit_vnd, back.paid_vnd) == (ONE_JAR_EARNED, 0, 0)
    assert retry["id"] != payout["id"]
    assert (retry["producer_id"], retry["amount_vnd"], retry["status"]) == (producer.id, ONE_JAR_EARNED,
                                                                               "in_transit")


@pytest.mark.parametrize("action", [("mark-paid", {"bank_reference": "VCB1"}), ("mark-failed", {"reason": "x"})],
                         ids=["mark-paid", "mark-failed"])
def test_settling_an_unknown_payout_is_404(client, admin, action):
    path, body = action

    response = client.post(f"{PAYOUTS}/999999/{path}", json=body, headers=admin)

    assert (response.status_code, response.json["code"]) == (404, "payout_not_found")


@pytest.mark.parametrize(("path", "body"), [
    ("mark-paid", {}), ("mark-paid", {"bank_reference": ""}), ("mark-paid", {"bank_reference": "x" * 121}),
    ("mark-failed", {}), ("mark-failed", {"reason": "   "}),
])
def test_settling_needs_a_bank_reference_or_a_reason(client, admin, shopper, path, body):
    producer_earning(shopper)
    [payout] = run_payouts(client, admin)["payouts"]

    response = client.post(f"{PAYOUTS}/{payout['id']}/{path}", json=body, headers=admin)

    assert response.status_code == 422
    assert client.get(PAYOUTS, headers=admin).json["items"][0]["status"] == "in_transit"


def test_payouts_are_filtered_by_status_and_producer(client, admin, shopper):
    failing, paying = producer_earning(shopper), producer_earning(shopper)
    payouts = {p["producer_id"]: p["id"] for p in run_payouts(client, admin)["payouts"]}
    client.post(f"{PAYOUTS}/{payouts[failing.id]}/mark-failed", json={"reason": "Sai tên"}, headers=admin)
    [retry] = run_payouts(client, admin)["payouts"]

    def ids(**query):
        response = client.get(PAYOUTS, query_string=query, headers=admin)
        assert response.status_code == 200
        return [p["id"] for p in response.json["items"]]

    assert ids() == [retry["id"], payouts[paying.id], payouts[failing.id]]
    assert ids(status="failed") == [payouts[failing.id]]
    assert ids(status="in_transit") == [retry["id"], payouts[paying.id]]
    assert ids(producer_id=failing.id) == [retry["id"], payouts[failing.id]]
    assert ids(producer_id=paying.id, status="paid") == []


@pytest.mark.parametrize("query", [{"status": "sent"}, {"producer_id": "abc"}, {"per_page": 0}])
def test_a_bad_payouts_filter_is_422(client, admin, query):
    assert client.get(PAYOUTS, query_string=query, headers=admin).status_code == 422


# --- Stripe Connect ---------------------------------------------------------------------------

def test_a_producer_on_stripe_connect_is_paid_by_transfer_during_the_run(client, admin, shopper, monkeypatch):
    stripe_client = fake_stripe_client()
    monkeypatch.setattr(stripe_connect, "client", lambda: stripe_client)
    producer = producer_earning(shopper, stripe_account_id=CONNECT_ACCOUNT)

    [payout] = run_payouts(client, admin)["payouts"]

    [(params, options)] = stripe_client.v1.transfers.calls
    assert params == {"amount": ONE_JAR_EARNED, "currency": "vnd", "destination": CONNECT_ACCOUNT,
                      "transfer_group": f"payout-{payout['id']}", "metadata": {"payout_id": str(payout["id"])}}
    assert options == {"idempotency_key": f"payout-{payout['id']}-attempt-1"}
    assert (payout["rail"], payout["status"]) == ("stripe_connect", "paid")
    assert payout["stripe_transfer_id"] == payout["bank_reference"] == "tr_1Pq00000000000000000001"
    balance = balance_of(producer)
    assert (balance.available_vnd, balance.in_transit_vnd, balance.paid_vnd) == (0, 0, ONE_JAR_EARNED)


STRIPE_REFUSALS = [
    stripe.InvalidRequestError(f"No such destination: '{CONNECT_ACCOUNT}'", "destination", code="resource_missing",
                               http_status=400),
    stripe.PermissionError("The provided key does not have access to this account.", http_status=403),
]


@pytest.mark.parametrize("error", STRIPE_REFUSALS, ids=["no such destination", "no access"])
def test_a_refused_connect_transfer_fails_the_payout_and_a_later_run_pays_it(client, admin, shopper, monkeypatch,
                                                                            error):
    stripe_client = fake_stripe_client(error)
    monkeypatch.setattr(stripe_connect, "client", lambda: stripe_client)
    producer = producer_earning(shopper, stripe_account_id=CONNECT_ACCOUNT)

    [failed] = run_payouts(client, admin)["payouts"]
    after_failure = balance_of(producer)
    [retried] = run_payouts(client, admin)["payouts"]

    assert (failed["status"], failed["stripe_transfer_id"]) == ("failed", None)
    assert failed["failure_reason"] == f"Stripe transfer failed: {error.user_message}"
    assert (after_failure.available_vnd, after_failure.in_transit_vnd, after_failure.paid_vnd) == (
        ONE_JAR_EARNED, 0, 0)
    assert (retried["status"], retried["amount_vnd"]) == ("paid", ONE_JAR_EARNED)
    assert retried["id"] != failed["id"]
    assert [options["idempotency_key"] for _params, options in stripe_client.v1.transfers.calls] == [
        f"payout-{failed['id']}-attempt-1", f"payout-{retried['id']}-attempt-1"]
    after_retry = balance_of(producer)
    assert (after_retry.available_vnd, after_retry.in_transit_vnd, after_retry.paid_vnd) == (0, 0, ONE_JAR_EARNED)


TIMED_OUT = stripe.APIConnectionError("Request to Stripe timed out after it was sent.", should_retry=True)


@pytest.mark.parametrize("error", [TIMED_OUT, stripe.RateLimitError("Too many requests.", http_status=429)],
                         ids=["timed out", "rate limited"])
def test_a_connect_transfer_with_no_answer_stays_in_transit_and_is_never_paid_by_a_second_payout(
        client, admin, shopper, monkeypatch, error):
    stripe_client = fake_stripe_client(MadeThenLost(error))
    monkeypatch.setattr(stripe_connect, "client", lambda: stripe_client)
    producer = producer_earning(shopper, stripe_account_id=CONNECT_ACCOUNT)

    [unsure] = run_payouts(client, admin)["payouts"]
    again = run_payouts(client, admin)

    assert (unsure["status"], unsure["stripe_transfer_id"]) == ("in_transit", None)
    assert unsure["failure_reason"].startswith(f"Stripe's answer to attempt 1 is unknown ({error.user_message})")
    assert again["payouts"] == []
    [made] = stripe_client.v1.transfers.made
    settled = client.get(PAYOUTS, headers=admin).json["items"]
    assert [(p["id"], p["status"], p["stripe_transfer_id"]) for p in settled] == [(unsure["id"], "paid", made["id"])]
    balance = balance_of(producer)
    assert (balance.available_vnd, balance.in_transit_vnd, balance.paid_vnd) == (0, 0, ONE_JAR_EARNED)


def test_an_admin_settles_a_connect_payout_with_stripe_without_a_run(client, admin, shopper, monkeypatch):
    stripe_client = fake_stripe_client(TIMED_OUT)
    monkeypatch.setattr(stripe_connect, "client", lambda: stripe_client)
    producer = producer_earning(shopper, stripe_account_id=CONNECT_ACCOUNT)
    [unsure] = run_payouts(client, admin)["payouts"]
    producer_earning(shopper, stripe_account_id=CONNECT_ACCOUNT)  # a producer the reconciliation leaves alone

    response = client.post(f"{PAYOUTS}/{unsure['id']}/reconcile", headers=admin)
    again = client.post(f"{PAYOUTS}/{unsure['id']}/reconcile", headers=admin)

    assert response.status_code == 200
    assert (response.json["id"], response.json["status"]) == (unsure["id"], "paid")
    assert response.json["stripe_transfer_id"] == stripe_client.v1.transfers.made[0]["id"]
    assert [options["idempotency_key"] for _params, options in stripe_client.v1.transfers.calls] == [
        f"payout-{unsure['id']}-attempt-1"] * 2
    assert (again.status_code, again.json["code"]) == (409, "payout_not_in_transit")
    assert balance_of(producer).paid_vnd == ONE_JAR_EARNED


def test_only_a_connect_payout_in_transit_is_settled_with_stripe(client, admin, shopper):
    producer_earning(shopper)
    [by_bank] = run_payouts(client, admin)["payouts"]

    response = client.post(f"{PAYOUTS}/{by_bank['id']}/reconcile", headers=admin)
    unknown = client.post(f"{PAYOUTS}/999999/reconcile", headers=admin)

    assert (response.status_code, response.json["code"]) == (409, "payout_not_stripe_connect")
    assert (unknown.status_code, unknown.json["code"]) == (404, "payout_not_found")


# --- revenue --------------------------------------------------------------------------------------

def test_revenue_is_the_commission_net_of_refunds_by_day_and_month_in_vietnam_time(client, admin, shopper):
    jar = ProductFactory(variant__stock_quantity=100).variants[0]
    march_10 = place_paid_order(shopper, jar)                # 23:30 on 10 March in Hà Nội
    march_11 = place_paid_order(shopper, (jar, 2))           # 00:30 on 11 March
    april = place_paid_order(shopper, jar)
    refund(april.sub_orders[0], 295_000)                     # all of it: the commission goes back too
    backdate(march_10, datetime(2025, 3, 10, 16, 30, tzinfo=timezone.utc))
    backdate(march_11, datetime(2025, 3, 10, 17, 30, tzinfo=timezone.utc))
    backdate(april, datetime(2025, 4, 2, 2, 0, tzinfo=timezone.utc))

    by_day = client.get(f"{ADMIN}/revenue", query_string={"period": "day"}, headers=admin)
    by_month = client.get(f"{ADMIN}/revenue", headers=admin)
    one_day = client.get(f"{ADMIN}/revenue", query_string={"period": "day", "since": "2025-03-11",
                                                           "until": "2025-03-11"}, headers=admin)

    assert by_day.status_code == 200
    assert by_day.json == [{"period": "2025-03-10", "commission_vnd": 25_000},
                           {"period": "2025-03-11", "commission_vnd": 50_000},
                           {"period": "2025-04-02", "commission_vnd": 0}]
    assert by_month.json == [{"period": "2025-03", "commission_vnd": 75_000},
                             {"period": "2025-04", "commission_vnd": 0}]
    assert one_day.json == [{"period": "2025-03-11", "commission_vnd": 50_000}]


@pytest.mark.parametrize("query", [{"period": "week"}, {"since": "2025-13-01"}, {"until": "soon"}])
def test_a_bad_revenue_query_is_422(client, admin, query):
    assert client.get(f"{ADMIN}/revenue", query_string=query, headers=admin).status_code == 422


# --- commission rates -----------------------------------------------------------------------------

def rates(client, headers):
    response = client.get(RATES, headers=headers)
    assert response.status_code == 200
    return response.json


def test_with_no_rates_set_the_default_applies(client, admin):
    assert rates(client, admin) == {"default_bps": 1000, "rates": []}


def test_an_admin_sets_a_group_rate_and_a_producer_rate_and_removes_one(client, admin):
    producer_id = ProducerFactory().id
    client.put(RATES, json={"scope": "group", "key": "beverages", "rate_bps": 1200}, headers=admin)
    client.put(RATES, json={"scope": "producer", "key": f"00{producer_id}", "rate_bps": 800}, headers=admin)
    changed = client.put(RATES, json={"scope": "group", "key": "beverages", "rate_bps": 1500}, headers=admin)

    removed = client.put(RATES, json={"scope": "producer", "key": str(producer_id), "rate_bps": None}, headers=admin)

    assert changed.status_code == 200
    assert changed.json["rates"] == [{"scope": "group", "key": "beverages", "rate_bps": 1500},
                                     {"scope": "producer", "key": str(producer_id), "rate_bps": 800}]
    assert removed.json == {"default_bps": 1000, "rates": [{"scope": "group", "key": "beverages", "rate_bps": 1500}]}
    assert rates(client, admin) == removed.json


@pytest.mark.parametrize(("body", "field"), [
    ({"scope": "group", "key": "spices", "rate_bps": 1000}, "key"),
    ({"scope": "producer", "key": "htx-ong-mat", "rate_bps": 1000}, "key"),
    ({"scope": "producer", "key": "²", "rate_bps": 1000}, "key"),
    ({"scope": "producer", "key": "999999", "rate_bps": 1000}, "key"),
    ({"scope": "region", "key": "1", "rate_bps": 1000}, "scope"),
    ({"scope": "group", "key": "food", "rate_bps": 5001}, "rate_bps"),
    ({"scope": "group", "key": "food", "rate_bps": -1}, "rate_bps"),
    ({"scope": "group", "key": "food", "rate_bps": "1000"}, "rate_bps"),
    ({"scope": "group", "key": "food"}, "rate_bps"),
], ids=["unknown group", "producer key not an id", "a digit but not 0-9", "no such producer",
        "unknown scope", "over 50%", "negative", "string",
        "missing rate"])
def test_a_bad_commission_rate_is_422(client, admin, body, field):
    response = client.put(RATES, json=body, headers=admin)

    assert response.status_code == 422
    assert field in response.json["errors"]["json"]
    assert rates(client, admin)["rates"] == []


def test_changing_a_rate_after_checkout_keeps_that_orders_commission_and_a_new_order_uses_the_new_rate(
        client, admin, shopper):
    jar = ProductFactory(variant__stock_quantity=100).variants[0]
    before = place_order(shopper, jar, method="bank_transfer")
    client.put(RATES, json={"scope": "producer", "key": str(jar.product.producer_id), "rate_bps": 1500},
               headers=admin)
    payment_outcomes.confirm_bank_transfer(before.id, before.total_vnd, "FT0001")

    after = place_paid_order(shopper, jar)

    line_rates = db.session.execute(sa.select(OrderLine.commission_rate_bps, OrderLine.commission_vnd)
                                    .order_by(OrderLine.id)).all()
    assert line_rates == [(1000, 25_000), (1500, 37_500)]
    sales = {e.sub_order_id: -sum(l.amount_vnd for l in e.lines if l.account == "commission_revenue")
             for e in db.session.scalars(sa.select(JournalEntry).where(JournalEntry.kind == EntryKind.SALE))}
    assert sales == {before.sub_orders[0].id: 25_000, after.sub_orders[0].id: 37_500}
    assert client.get(f"{ADMIN}/revenue", query_string={"period": "day"}, headers=admin).json[0][
        "commission_vnd"] == 62_500


# --- who may do this -------------------------------------------------------------------------------

OPERATIONS = [("get", RUNS, None), ("post", RUNS, {}), ("get", f"{RUNS}/1", None),
              ("get", f"{RUNS}/1/bank-file.csv", None), ("get", PAYOUTS, None),
              ("post", f"{PAYOUTS}/1/mark-paid", {"bank_reference": "VCB1"}),
              ("post", f"{PAYOUTS}/1/mark-failed", {"reason": "x"}), ("post", f"{PAYOUTS}/1/reconcile", None),
              ("get", f"{ADMIN}/revenue", None),
              ("get", RATES, None), ("put", RATES, {"scope": "group", "key": "food", "rate_bps": 0})]
OPERATION_IDS = [f"{method.upper()} {path.removeprefix(ADMIN)}" for method, path, _body in OPERATIONS]


@pytest.mark.parametrize("role", ["shopper", "producer owner"])
@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS, ids=OPERATION_IDS)
def test_only_admins_may_run_and_settle_payouts_or_see_revenue(client, bearer, method, path, body, role):
    user = UserFactory() if role == "shopper" else member_of(ProductFactory().producer, MemberRole.OWNER)

    response = getattr(client, method)(path, json=body, headers=bearer(user))

    assert (response.status_code, response.json["code"]) == (403, "admin_only")


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS, ids=OPERATION_IDS)
def test_the_admin_payout_pages_need_a_login(client, method, path, body):
    assert getattr(client, method)(path, json=body).status_code == 401
