"""The display-point operator's API: receipts, the till, returns, transfers,
counts, cash, and what each of them does to the stock and the money."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from marketplace.clock import today_vn
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.payouts.models import Account, EntryKind, JournalLine
from marketplace.showrooms import till
from marketplace.showrooms import transfers as point_transfers
from marketplace.showrooms.models import (CashHandover, Consignment, Lot, MovementKind, PointStatus, PointStock,
                                          SalePayment, StockMovement, StockTransfer)
from marketplace.showrooms.movements import OutLine
from marketplace.showrooms.till import Sale, SaleLine
from tests.factories import ProductFactory, UserFactory, VariantFactory
from tests.money_helpers import balance_of, entries_of_kind, unbalanced_entries
from tests.point_factories import (DisplayPointFactory, PointOperatorFactory, consign, ledger_mismatches, lot_balances,
                                   movement_sum, new_key, on_hand, operator_of, receive)


def in_days(days: int) -> date:
    return today_vn() + timedelta(days=days)


@pytest.fixture
def point():
    return DisplayPointFactory()


@pytest.fixture
def honey(point):
    """A perishable product (it has a shelf life), on consignment at the point at 15%."""
    product = ProductFactory(shelf_life_days=730, variant__price_vnd=250_000)
    consign(point, product.producer, 1500)
    return product.variants[0]


@pytest.fixture
def operator(point):
    return operator_of(point)


@pytest.fixture
def as_operator(bearer, operator):
    return bearer(operator)


def url(point, path: str = "") -> str:
    return f"/api/v1/points/{point.id}{path}"


def sell(client, headers, point, *lines, method="cash", key=None, **body):
    """Ring up (variant, quantity[, price, override reason]) lines at the till."""
    body = {"payment_method": method, "lines": [
        {"variant_id": line[0].id, "quantity": line[1], **({"unit_price_vnd": line[2]} if len(line) > 2 else {}),
         **({"override_reason": line[3]} if len(line) > 3 else {})}
        for line in lines], **body}
    return client.post(url(point, "/sales"), json=body, headers={**headers, "Idempotency-Key": key or new_key()})


def deliver(client, headers, point, producer_id, *lines, note="PGH-0001"):
    """POST a receipt of (variant, quantity, lot code, expires on) lines."""
    return client.post(url(point, "/receipts"), headers=headers, json={
        "producer_id": producer_id, "delivery_note": note,
        "lines": [{"variant_id": v.id, "quantity": q, "lot_code": code,
                   "expires_on": expires.isoformat() if expires else None} for v, q, code, expires in lines]})


def expire(point, variant, lot_code: str, days_ago: int = 1) -> None:
    """Let a lot pass its expiry date (a receipt would refuse it already expired)."""
    db.session.execute(sa.update(Lot).where(Lot.point_id == point.id, Lot.variant_id == variant.id,
                                            Lot.lot_code == lot_code).values(expires_on=in_days(-days_ago)))
    db.session.commit()


def movement_count(point, kind=None) -> int:
    stmt = sa.select(sa.func.count()).select_from(StockMovement).where(StockMovement.point_id == point.id)
    return db.session.scalar(stmt.where(StockMovement.kind == kind) if kind else stmt)


def taken(movement: dict) -> list[tuple[str, int]]:
    return [(line["lot_code"], line["quantity"]) for line in movement["lines"]]


# --- receipts ---------------------------------------------------------------------

def test_a_delivery_is_received_in_lots_with_their_expiry_dates(client, as_operator, point, honey):
    response = deliver(client, as_operator, point, honey.product.producer_id,
                       (honey, 6, "MO-2603", in_days(200)), (honey, 4, "MO-2604", in_days(300)), note="PGH-0412")

    assert response.status_code == 201, response.json
    assert response.json["kind"] == "receipt"
    assert response.json["reference"] == "PGH-0412"
    assert [(l["lot_code"], l["quantity"], l["expires_on"]) for l in response.json["lines"]] == [
        ("MO-2603", 6, in_days(200).isoformat()), ("MO-2604", 4, in_days(300).isoformat())]
    assert lot_balances(point.id, honey.id) == {"MO-2603": 6, "MO-2604": 4}
    assert client.get(url(point, "/stock"), headers=as_operator).json["items"][0]["on_hand"] == 10


def test_a_second_delivery_of_the_same_lot_adds_to_it(client, as_operator, point, honey):
    for _ in range(2):
        deliver(client, as_operator, point, honey.product.producer_id, (honey, 3, "MO-2603", in_days(200)))

    assert lot_balances(point.id, honey.id) == {"MO-2603": 6}


def test_a_product_without_a_shelf_life_may_be_received_without_an_expiry_date(client, as_operator, point):
    basket = ProductFactory(shelf_life_days=None).variants[0]
    consign(point, basket.product.producer)

    response = deliver(client, as_operator, point, basket.product.producer_id, (basket, 2, "MAY-01", None))

    assert response.status_code == 201
    assert response.json["lines"][0]["expires_on"] is None


@pytest.mark.parametrize(("expires_on", "message"), [
    (None, "A perishable product needs its expiry date."),
    (in_days(-1), "This lot has already expired."),
], ids=["no expiry date", "already expired"])
def test_a_perishable_lot_needs_a_future_expiry_date(client, as_operator, point, honey, expires_on, message):
    response = deliver(client, as_operator, point, honey.product.producer_id, (honey, 5, "MO-2603", expires_on))

    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"lines": {"0": [message]}}}
    assert movement_count(point) == 0


def test_another_producers_variant_cannot_come_on_this_delivery(client, as_operator, point, honey):
    other = ProductFactory().variants[0]
    consign(point, other.product.producer)

    response = deliver(client, as_operator, point, honey.product.producer_id,
                       (honey, 5, "MO-2603", in_days(90)), (other, 5, "X-1", in_days(90)))

    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"lines": {"1": ["This variant belongs to another producer."]}}}
    assert on_hand(point.id, honey.id) == 0


def test_a_producer_without_a_consignment_here_cannot_deliver(client, as_operator, point):
    stranger = ProductFactory().variants[0]

    response = deliver(client, as_operator, point, stranger.product.producer_id, (stranger, 5, "X-1", in_days(90)))

    assert response.status_code == 409
    assert response.json["code"] == "not_consigned"
    assert movement_count(point) == 0


def test_a_lot_code_already_here_with_another_expiry_is_refused(client, as_operator, point, honey):
    deliver(client, as_operator, point, honey.product.producer_id, (honey, 5, "MO-2603", in_days(90)))

    response = deliver(client, as_operator, point, honey.product.producer_id, (honey, 2, "MO-2603", in_days(120)))

    assert response.status_code == 422
    assert response.json["errors"]["json"] == {
        "lines": {"0": ["This lot code is already here with another expiry date."]}}
    assert lot_balances(point.id, honey.id) == {"MO-2603": 5}
    assert movement_count(point, MovementKind.RECEIPT) == 1


# --- the till ---------------------------------------------------------------------

def test_a_sale_takes_the_first_expiring_lot_first_and_runs_on_into_the_next(client, as_operator, point, honey):
    receive(point, honey, 5, "LATE", in_days(300))
    receive(point, honey, 2, "SOON", in_days(20))

    response = sell(client, as_operator, point, (honey, 3))

    assert response.status_code == 201, response.json
    assert taken(response.json) == [("SOON", -2), ("LATE", -1)]
    assert lot_balances(point.id, honey.id) == {"SOON": 0, "LATE": 4}


def test_the_price_is_the_listing_price_unless_the_operator_gives_another(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))

    listed = sell(client, as_operator, point, (honey, 2)).json
    discounted = sell(client, as_operator, point, (honey, 1, 200_000, "promotion")).json

    assert (listed["lines"][0]["unit_price_vnd"], listed["total_vnd"]) == (250_000, 500_000)
    assert (discounted["lines"][0]["unit_price_vnd"], discounted["total_vnd"]) == (200_000, 200_000)
    assert discounted["lines"][0]["commission_vnd"] == 30_000


@pytest.mark.parametrize("method", ["cash", "card", "bank_transfer"])
def test_a_sale_is_paid_in_cash_by_card_or_by_bank_transfer(client, as_operator, point, honey, method):
    receive(point, honey, 1, "L1", in_days(90))

    response = sell(client, as_operator, point, (honey, 1), method=method)

    assert response.status_code == 201
    assert response.json["payment_method"] == method
    assert response.json["reference"] == f"POS-{point.id}-{response.json['id']}"


def test_a_sale_paid_by_cheque_is_refused(client, as_operator, point, honey):
    receive(point, honey, 1, "L1", in_days(90))

    assert sell(client, as_operator, point, (honey, 1), method="cheque").status_code == 422


def test_a_sale_needs_an_idempotency_key(client, as_operator, point, honey):
    receive(point, honey, 1, "L1", in_days(90))

    response = client.post(url(point, "/sales"), headers=as_operator,
                           json={"payment_method": "cash", "lines": [{"variant_id": honey.id, "quantity": 1}]})

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json["errors"]["headers"]
    assert on_hand(point.id, honey.id) == 1


def test_a_retried_sale_returns_the_first_one_and_sells_nothing_more(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))
    first = sell(client, as_operator, point, (honey, 2), key="till-retry-0001")

    again = sell(client, as_operator, point, (honey, 2), key="till-retry-0001")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert on_hand(point.id, honey.id) == 3
    assert movement_count(point, MovementKind.SALE) == 1


def test_the_same_key_with_another_sale_is_refused(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))
    sell(client, as_operator, point, (honey, 2), key="till-retry-0002")

    response = sell(client, as_operator, point, (honey, 3), key="till-retry-0002")

    assert response.status_code == 422
    assert response.json["code"] == "idempotency_key_reused"
    assert on_hand(point.id, honey.id) == 3


def test_a_sale_of_more_than_is_on_hand_is_refused_and_writes_nothing(client, as_operator, point, honey):
    jam = VariantFactory(product=honey.product, label="Hũ 250 ml")
    receive(point, honey, 5, "L1", in_days(90))
    receive(point, jam, 1, "J1", in_days(90))

    response = sell(client, as_operator, point, (honey, 2), (jam, 2))

    assert response.status_code == 409
    assert response.json["code"] == "insufficient_stock"
    assert response.json["errors"] == {"lines": {str(jam.id): ["Only 1 available, 2 asked for."]}}
    assert (on_hand(point.id, honey.id), on_hand(point.id, jam.id)) == (5, 1)
    assert movement_count(point, MovementKind.SALE) == 0
    assert entries_of_kind(EntryKind.POINT_SALE) == []


def test_an_expired_lot_is_never_sold(client, as_operator, point, honey):
    receive(point, honey, 5, "OLD", in_days(30))
    receive(point, honey, 1, "FRESH", in_days(90))
    expire(point, honey, "OLD")

    refused = sell(client, as_operator, point, (honey, 2))
    sold = sell(client, as_operator, point, (honey, 1))

    assert refused.status_code == 409
    assert refused.json["errors"] == {"lines": {str(honey.id): ["Only 1 available, 2 asked for."]}}
    assert taken(sold.json) == [("FRESH", -1)]
    assert lot_balances(point.id, honey.id) == {"OLD": 5, "FRESH": 0}


def test_a_product_no_longer_on_consignment_cannot_be_sold(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))
    db.session.execute(sa.update(Consignment).values(active=False))
    db.session.commit()

    response = sell(client, as_operator, point, (honey, 1))

    assert response.status_code == 409
    assert response.json["code"] == "not_consigned"
    assert on_hand(point.id, honey.id) == 5


def test_a_point_that_is_temporarily_closed_sells_nothing(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))
    point.status = PointStatus.TEMPORARILY_CLOSED
    db.session.commit()

    response = sell(client, as_operator, point, (honey, 1))

    assert (response.status_code, response.json["code"]) == (409, "point_not_active")
    assert on_hand(point.id, honey.id) == 5
def test_two_lines_of_one_variant_share_its_lots_between_them(client, as_operator, point, honey):
    receive(point, honey, 2, "SOON", in_days(20))
    receive(point, honey, 2, "LATE", in_days(300))

    response = sell(client, as_operator, point, (honey, 2), (honey, 2, 200_000, "promotion"))

    assert response.status_code == 201, response.json
    assert [(l["lot_code"], l["quantity"], l["unit_price_vnd"]) for l in response.json["lines"]] == [
        ("SOON", -2, 250_000), ("LATE", -2, 200_000)]
    assert on_hand(point.id, honey.id) == 0


def test_two_lines_of_one_variant_cannot_together_take_more_than_is_on_hand(client, as_operator, point, honey):
    receive(point, honey, 4, "L1", in_days(90))

    response = sell(client, as_operator, point, (honey, 2), (honey, 3, 200_000, "promotion"))

    assert response.status_code == 409
    assert response.json["errors"] == {"lines": {str(honey.id): ["Only 2 available, 3 asked for."]}}
    assert on_hand(point.id, honey.id) == 4


def test_two_lines_taking_from_one_lot_take_both_quantities_from_it(client, as_operator, point, honey):
    # The lots are updated in one statement: the lines' takes from a lot must add up, not overwrite each other.
    receive(point, honey, 5, "SOON", in_days(20))
    receive(point, honey, 5, "LATE", in_days(300))

    response = sell(client, as_operator, point, (honey, 2), (honey, 2, 200_000, "promotion"))

    assert response.status_code == 201, response.json
    assert taken(response.json) == [("SOON", -2), ("SOON", -2)]
    assert lot_balances(point.id, honey.id) == {"SOON": 1, "LATE": 5}
    assert on_hand(point.id, honey.id) == 6
    assert ledger_mismatches() == []


def test_a_sale_of_several_variants_takes_each_from_its_first_expiring_lots(client, as_operator, point, honey):
    jam = VariantFactory(product=honey.product, label="Hũ 250 ml", price_vnd=120_000)
    receive(point, honey, 3, "H-LATE", in_days(300))
    receive(point, honey, 2, "H-SOON", in_days(20))
    receive(point, jam, 4, "J-LATE", in_days(200))
    receive(point, jam, 1, "J-SOON", in_days(10))

    response = sell(client, as_operator, point, (jam, 2), (honey, 3), (honey, 1))

    assert response.status_code == 201, response.json
    assert taken(response.json) == [("J-SOON", -1), ("J-LATE", -1), ("H-SOON", -2), ("H-LATE", -1), ("H-LATE", -1)]
    assert lot_balances(point.id, honey.id) == {"H-SOON": 0, "H-LATE": 1}
    assert lot_balances(point.id, jam.id) == {"J-SOON": 0, "J-LATE": 3}
    assert (on_hand(point.id, honey.id), on_hand(point.id, jam.id)) == (1, 3)
    assert response.json["total_vnd"] == 2 * 120_000 + 4 * 250_000
    assert ledger_mismatches() == []


def test_a_variant_never_held_here_cannot_be_sold(client, as_operator, point, honey):
    never_here = VariantFactory(product=honey.product, label="Hũ 1 lít")
    receive(point, honey, 5, "L1", in_days(90))

    response = sell(client, as_operator, point, (honey, 1), (never_here, 1))

    assert (response.status_code, response.json["code"]) == (409, "insufficient_stock")
    assert response.json["errors"] == {"lines": {str(never_here.id): ["Only 0 available, 1 asked for."]}}
    assert on_hand(point.id, honey.id) == 5
    assert movement_count(point, MovementKind.SALE) == 0


def test_a_sale_of_an_unknown_variant_or_one_not_consigned_here_is_refused(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))
    elsewhere = ProductFactory().variants[0]  # its producer has no consignment at this point

    unknown = client.post(url(point, "/sales"), headers={**as_operator, "Idempotency-Key": new_key()}, json={
        "payment_method": "cash", "lines": [{"variant_id": honey.id, "quantity": 1},
                                            {"variant_id": 987_654, "quantity": 1}]})
    not_consigned = sell(client, as_operator, point, (honey, 1), (elsewhere, 1))

    assert unknown.status_code == 422
    assert unknown.json["errors"]["json"] == {"lines": {"987654": ["No such variant."]}}
    assert (not_consigned.status_code, not_consigned.json["code"]) == (409, "not_consigned")
    assert not_consigned.json["errors"] == {"lines": {"1": ["This point does not carry this producer's products."]}}
    assert on_hand(point.id, honey.id) == 5


# --- returns, transfers and adjustments ----------------------------------------------

def test_stock_goes_back_to_its_producer_expired_lots_first(client, as_operator, point, honey):
    receive(point, honey, 2, "OLD", in_days(30))
    receive(point, honey, 4, "FRESH", in_days(90))
    expire(point, honey, "OLD")

    response = client.post(url(point, "/returns"), headers=as_operator, json={
        "producer_id": honey.product.producer_id, "reference": "PTH-0001",
        "lines": [{"variant_id": honey.id, "quantity": 3}]})

    assert response.status_code == 201, response.json
    assert response.json["kind"] == "return_to_producer"
    assert taken(response.json) == [("OLD", -2), ("FRESH", -1)]
    assert on_hand(point.id, honey.id) == 3


def test_a_return_names_only_that_producers_variants(client, as_operator, point, honey):
    other = ProductFactory().variants[0]
    consign(point, other.product.producer)
    receive(point, other, 2, "X-1", in_days(90))

    response = client.post(url(point, "/returns"), headers=as_operator, json={
        "producer_id": honey.product.producer_id, "reference": "PTH-0002",
        "lines": [{"variant_id": other.id, "quantity": 1}]})

    assert response.status_code == 422
    assert on_hand(point.id, other.id) == 2


@pytest.fixture
def airport(operator, honey):
    """A second point, run by the same operator, carrying the same producer."""
    point = DisplayPointFactory(name="Quầy OCOP sân bay")
    consign(point, honey.product.producer, 1800)
    PointOperatorFactory(point=point, user=operator)
    return point


def send(client, headers, point, to_point, variant, quantity):
    return client.post(url(point, "/transfers"), headers=headers, json={
        "to_point_id": to_point.id, "lines": [{"variant_id": variant.id, "quantity": quantity}]})


def test_a_transfer_leaves_the_shelf_at_once_and_arrives_when_received(client, as_operator, point, honey, airport):
    receive(point, honey, 5, "L1", in_days(90))

    sent = send(client, as_operator, point, airport, honey, 2)
    incoming = client.get(url(airport, "/transfers/incoming"), headers=as_operator).json
    in_transit = (on_hand(point.id, honey.id), on_hand(airport.id, honey.id))
    received = client.post(url(airport, f"/transfers/{sent.json['id']}/receive"), headers=as_operator, json={})

    assert sent.status_code == 201, sent.json
    assert sent.json["status"] == "in_transit"
    assert [(l["lot_code"], l["quantity_sent"], l["expires_on"]) for l in sent.json["lines"]] == [
        ("L1", 2, in_days(90).isoformat())]
    assert [t["id"] for t in incoming] == [sent.json["id"]]
    assert in_transit == (3, 0)
    assert received.status_code == 200
    assert received.json["status"] == "received"
    assert received.json["lines"][0]["discrepancy"] == 0
    assert (on_hand(point.id, honey.id), on_hand(airport.id, honey.id)) == (3, 2)
    assert lot_balances(airport.id, honey.id) == {"L1": 2}
    assert client.get(url(airport, "/transfers/incoming"), headers=as_operator).json == []


def test_a_transfer_received_short_records_the_discrepancy(client, as_operator, point, honey, airport):
    receive(point, honey, 5, "L1", in_days(90))
    sent = send(client, as_operator, point, airport, honey, 3).json

    received = client.post(url(airport, f"/transfers/{sent['id']}/receive"), headers=as_operator, json={
        "lines": [{"transfer_line_id": sent["lines"][0]["id"], "quantity_received": 2}], "note": "Vỡ một hũ"})

    line = received.json["lines"][0]
    assert (line["quantity_sent"], line["quantity_received"], line["discrepancy"]) == (3, 2, 1)
    movement = client.get(url(airport, "/movements"), headers=as_operator, query_string={"kind": "transfer_in"}).json
    assert movement["items"][0]["note"].startswith("Vỡ một hũ; ")
    assert "L1: 1 missing" in movement["items"][0]["note"]
    assert on_hand(airport.id, honey.id) == 2


@pytest.mark.parametrize(("destination", "status"), [("itself", 422), ("closed", 409), ("unknown", 404)])
def test_a_transfer_goes_only_to_another_open_point(client, as_operator, point, honey, destination, status):
    receive(point, honey, 5, "L1", in_days(90))
    to = {"itself": lambda: point, "closed": lambda: DisplayPointFactory(status=PointStatus.CLOSED),
          "unknown": lambda: SimpleNamespace(id=point.id + 100)}[destination]()

    response = send(client, as_operator, point, to, honey, 2)

    assert response.status_code == status
    assert on_hand(point.id, honey.id) == 5
def test_a_transfer_cannot_be_received_twice(client, as_operator, point, honey, airport):
    receive(point, honey, 5, "L1", in_days(90))
    sent = send(client, as_operator, point, airport, honey, 2).json
    client.post(url(airport, f"/transfers/{sent['id']}/receive"), headers=as_operator, json={})

    again = client.post(url(airport, f"/transfers/{sent['id']}/receive"), headers=as_operator, json={})

    assert again.status_code == 409
    assert again.json["code"] == "already_received"
    assert on_hand(airport.id, honey.id) == 2


def test_a_transfer_cannot_be_received_at_another_point(client, bearer, as_operator, point, honey, airport):
    receive(point, honey, 5, "L1", in_days(90))
    sent = send(client, as_operator, point, airport, honey, 2).json
    elsewhere = DisplayPointFactory()

    response = client.post(url(elsewhere, f"/transfers/{sent['id']}/receive"), json={},
                           headers=bearer(operator_of(elsewhere)))

    assert response.status_code == 404
    assert on_hand(elsewhere.id, honey.id) == 0


def test_a_transferred_lot_keeps_its_own_expiry_where_its_code_is_already_here_with_another(
        client, as_operator, point, honey, airport):
    receive(point, honey, 3, "L1", in_days(5))
    receive(airport, honey, 4, "L1", in_days(300))
    sent = send(client, as_operator, point, airport, honey, 3).json

    client.post(url(airport, f"/transfers/{sent['id']}/receive"), headers=as_operator, json={})

    lots = client.get(url(airport, "/near-expiry"), headers=as_operator, query_string={"days": 365}).json["items"]
    assert sorted((lot["expires_on"], lot["on_hand"]) for lot in lots) == [
        (in_days(5).isoformat(), 3), (in_days(300).isoformat(), 4)]
    assert on_hand(airport.id, honey.id) == 7
def test_a_broken_jar_is_written_off_with_its_reason(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))

    response = client.post(url(point, "/adjustments"), headers=as_operator, json={
        "reason": "damaged", "note": "Rơi vỡ khi xếp kệ", "lines": [{"variant_id": honey.id, "lot_code": "L1",
                                                                      "change": -1}]})

    assert response.status_code == 201, response.json
    assert (response.json["reason"], taken(response.json)) == ("damaged", [("L1", -1)])
    assert on_hand(point.id, honey.id) == 4


@pytest.mark.parametrize("counted", [3, 7, 5], ids=["fewer", "more", "as recorded"])
def test_a_count_sets_the_lot_to_what_was_counted(client, as_operator, point, honey, counted):
    receive(point, honey, 5, "L1", in_days(90))

    response = client.post(url(point, "/adjustments"), headers=as_operator, json={
        "reason": "count_correction", "lines": [{"variant_id": honey.id, "lot_code": "L1", "counted": counted}]})

    assert response.status_code == 201
    assert lot_balances(point.id, honey.id) == {"L1": counted}
    assert on_hand(point.id, honey.id) == movement_sum(point.id, honey.id) == counted


@pytest.mark.parametrize("line", [{"change": 2}, {"counted": 9}], ids=["change", "counted"])
def test_damage_can_only_take_stock_away(client, as_operator, point, honey, line):
    receive(point, honey, 5, "L1", in_days(90))

    response = client.post(url(point, "/adjustments"), headers=as_operator, json={
        "reason": "damaged", "lines": [{"variant_id": honey.id, "lot_code": "L1", **line}]})

    assert response.status_code == 422
    assert on_hand(point.id, honey.id) == 5
    assert movement_count(point, MovementKind.ADJUSTMENT) == 0


@pytest.mark.parametrize("line", [{}, {"counted": 4, "change": -1}], ids=["neither", "both"])
def test_an_adjustment_gives_either_the_count_or_the_change(client, as_operator, point, honey, line):
    receive(point, honey, 5, "L1", in_days(90))

    response = client.post(url(point, "/adjustments"), headers=as_operator, json={
        "reason": "count_correction", "lines": [{"variant_id": honey.id, "lot_code": "L1", **line}]})

    assert response.status_code == 422
    assert on_hand(point.id, honey.id) == 5


def test_writing_off_a_lot_the_point_does_not_hold_is_refused_and_makes_no_lot(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))

    response = client.post(url(point, "/adjustments"), headers=as_operator, json={
        "reason": "damaged", "lines": [{"variant_id": honey.id, "lot_code": "L9", "change": -1}]})

    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"lines": {"0": {"lot_code": [
        "This point holds no lot L9 of this variant."]}}}}
    assert lot_balances(point.id, honey.id) == {"L1": 5}
    assert movement_count(point, MovementKind.ADJUSTMENT) == 0


def test_a_count_makes_a_lot_only_for_units_found_in_it(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))

    response = client.post(url(point, "/adjustments"), headers=as_operator, json={
        "reason": "count_correction", "lines": [
            {"variant_id": honey.id, "lot_code": "L1", "counted": 5},
            {"variant_id": honey.id, "lot_code": "EMPTY", "counted": 0},
            {"variant_id": honey.id, "lot_code": "FOUND", "counted": 2, "expires_on": in_days(60).isoformat()}]})

    assert response.status_code == 201, response.json
    assert taken(response.json) == [("FOUND", 2)]
    assert lot_balances(point.id, honey.id) == {"L1": 5, "FOUND": 2}
    assert on_hand(point.id, honey.id) == movement_sum(point.id, honey.id) == 7


def test_an_adjustment_cannot_take_a_lot_below_zero(client, as_operator, point, honey):
    receive(point, honey, 2, "L1", in_days(90))

    response = client.post(url(point, "/adjustments"), headers=as_operator, json={
        "reason": "lost", "lines": [{"variant_id": honey.id, "lot_code": "L1", "change": -3}]})

    assert response.status_code == 409
    assert on_hand(point.id, honey.id) == 2


def test_on_hand_always_equals_the_sum_of_the_movements(client, as_operator, point, honey, airport):
    jam = VariantFactory(product=honey.product, label="Hũ 250 ml", price_vnd=120_000)
    producer_id = honey.product.producer_id
    deliver(client, as_operator, point, producer_id, (honey, 10, "A", in_days(40)), (jam, 6, "J", in_days(60)))
    deliver(client, as_operator, point, producer_id, (honey, 4, "B", in_days(20)))
    sell(client, as_operator, point, (honey, 5), (jam, 1))
    sell(client, as_operator, point, (honey, 50))
    expire(point, jam, "J")
    client.post(url(point, "/returns"), headers=as_operator, json={
        "producer_id": producer_id, "reference": "PTH-1", "lines": [{"variant_id": jam.id, "quantity": 2}]})
    sent = send(client, as_operator, point, airport, honey, 4).json
    client.post(url(airport, f"/transfers/{sent['id']}/receive"), headers=as_operator, json={
        "lines": [{"transfer_line_id": sent["lines"][0]["id"], "quantity_received": 3}]})
    client.post(url(point, "/adjustments"), headers=as_operator, json={
        "reason": "damaged", "lines": [{"variant_id": honey.id, "lot_code": "A", "change": -1}]})
    client.post(url(point, "/adjustments"), headers=as_operator, json={
        "reason": "count_correction", "lines": [{"variant_id": jam.id, "lot_code": "J", "counted": 2}]})
    sell(client, as_operator, airport, (honey, 1), method="card")

    assert ledger_mismatches() == []
    assert {(p.id, v.id): on_hand(p.id, v.id) for p in (point, airport) for v in (honey, jam)} == {
        (point.id, honey.id): 4, (point.id, jam.id): 2, (airport.id, honey.id): 2, (airport.id, jam.id): 0}
    assert {(p.id, v.id): movement_sum(p.id, v.id) for p in (point, airport) for v in (honey, jam)} == {
        (point.id, honey.id): 4, (point.id, jam.id): 2, (airport.id, honey.id): 2, (airport.id, jam.id): 0}


# --- what the operator reads ------------------------------------------------------------

def test_a_variant_at_or_below_its_threshold_is_flagged_and_listed_as_low(client, as_operator, point, honey):
    jam = VariantFactory(product=honey.product, label="Hũ 250 ml")
    receive(point, honey, 3, "L1", in_days(90))
    receive(point, jam, 10, "J1", in_days(90))

    set_threshold = client.put(url(point, f"/stock/{honey.id}"), headers=as_operator,
                               json={"low_stock_threshold": 3})
    low = client.get(url(point, "/stock"), headers=as_operator, query_string={"low_only": "true"}).json
    everything = client.get(url(point, "/stock"), headers=as_operator).json

    assert set_threshold.status_code == 200
    assert (set_threshold.json["low_stock_threshold"], set_threshold.json["is_low"]) == (3, True)
    assert [row["variant_id"] for row in low["items"]] == [honey.id]
    assert {row["variant_id"]: row["is_low"] for row in everything["items"]} == {honey.id: True, jam.id: False}


def test_a_threshold_for_a_variant_never_held_here_is_not_found(client, as_operator, point, honey):
    response = client.put(url(point, f"/stock/{honey.id}"), headers=as_operator, json={"low_stock_threshold": 3})

    assert response.status_code == 404


def test_near_expiry_lists_lots_expiring_within_the_days_asked_expired_first(client, as_operator, point, honey):
    for code, days in [("GONE", 10), ("WEEK", 5), ("MONTH", 25), ("LATER", 120)]:
        receive(point, honey, 1, code, in_days(days))
    receive(point, honey, 1, "EMPTY", in_days(3))
    sell(client, as_operator, point, (honey, 1))
    expire(point, honey, "GONE")

    def near(**query):
        page = client.get(url(point, "/near-expiry"), headers=as_operator, query_string=query).json
        return [lot["lot_code"] for lot in page["items"]]

    assert near() == ["GONE", "WEEK", "MONTH"]
    assert near(days=7) == ["GONE", "WEEK"]
    assert near(days=0) == ["GONE"]
    assert near(days=365) == ["GONE", "WEEK", "MONTH", "LATER"]


def test_the_movement_history_filters_by_kind_variant_and_date(client, as_operator, point, honey):
    jam = VariantFactory(product=honey.product, label="Hũ 250 ml")
    old_receipt = receive(point, honey, 5, "L1", in_days(90))
    jam_receipt = receive(point, jam, 5, "J1", in_days(90))
    sale = sell(client, as_operator, point, (honey, 1)).json
    db.session.execute(sa.update(StockMovement).where(StockMovement.id == old_receipt.id)
                       .values(created_at=utcnow() - timedelta(days=10)))
    db.session.commit()

    def ids(**query):
        page = client.get(url(point, "/movements"), headers=as_operator, query_string=query).json
        return [m["id"] for m in page["items"]]

    assert ids() == [sale["id"], jam_receipt.id, old_receipt.id]
    assert ids(kind="sale") == [sale["id"]]
    assert ids(variant_id=honey.id) == [sale["id"], old_receipt.id]
    assert ids(since=today_vn().isoformat()) == [sale["id"], jam_receipt.id]
    assert ids(until=in_days(-5).isoformat()) == [old_receipt.id]
    assert ids(kind="receipt", since=today_vn().isoformat()) == [jam_receipt.id]


def test_todays_takings_count_every_method_and_the_cash_still_to_hand_over(client, as_operator, point, honey):
    receive(point, honey, 10, "L1", in_days(90))
    sell(client, as_operator, point, (honey, 2), method="cash")
    sell(client, as_operator, point, (honey, 1, 240_000, "promotion"), method="cash")
    sell(client, as_operator, point, (honey, 1), method="card")

    today = client.get(url(point, "/sales/today"), headers=as_operator).json

    assert today == {"date": today_vn().isoformat(), "sales": 3, "units": 4, "total_vnd": 990_000,
                     "by_payment_method": {"cash": 740_000, "card": 250_000, "bank_transfer": 0},
                     "cash_taken_vnd": 740_000, "cash_to_hand_over_vnd": 740_000}


def test_a_cash_handover_reduces_what_is_left_to_hand_over(client, as_operator, point, honey):
    receive(point, honey, 10, "L1", in_days(90))
    sell(client, as_operator, point, (honey, 2), method="cash")

    handover = client.post(url(point, "/cash-handovers"), headers=as_operator,
                           json={"amount_vnd": 300_000, "reference": "Nộp quỹ ca sáng"})
    too_much = client.post(url(point, "/cash-handovers"), headers=as_operator, json={"amount_vnd": 200_001})
    rest = client.post(url(point, "/cash-handovers"), headers=as_operator, json={"amount_vnd": 200_000})

    assert handover.status_code == 201, handover.json
    assert handover.json["amount_vnd"] == 300_000
    assert too_much.status_code == 422
    assert too_much.json["errors"] == {"json": {"amount_vnd": ["At most 200000 đồng is held."]}}
    assert rest.status_code == 201
    today = client.get(url(point, "/sales/today"), headers=as_operator).json
    assert (today["cash_taken_vnd"], today["cash_to_hand_over_vnd"]) == (500_000, 0)


def test_an_operator_lists_only_the_points_they_operate(client, as_operator, point):
    DisplayPointFactory()

    response = client.get("/api/v1/points", headers=as_operator)

    assert [p["id"] for p in response.json] == [point.id]


def test_an_operator_sees_the_consignments_of_their_point(client, as_operator, point, honey):
    response = client.get(url(point, "/consignments"), headers=as_operator)

    assert response.json == [{"producer_id": honey.product.producer_id, "producer_name": honey.product.producer.name,
                              "commission_rate_bps": 1500, "active": True}]


# --- who may do it ------------------------------------------------------------------------

def every_point_request(point, variant, transfer_id):
    """(method, url, json) for every operation on one point."""
    sale_line = {"variant_id": variant.id, "quantity": 1}
    return [
        ("get", url(point, "/stock"), None),
        ("put", url(point, f"/stock/{variant.id}"), {"low_stock_threshold": 1}),
        ("get", url(point, "/near-expiry"), None),
        ("get", url(point, "/movements"), None),
        ("post", url(point, "/receipts"), {"producer_id": variant.product.producer_id, "delivery_note": "PGH-9",
                                           "lines": [{**sale_line, "lot_code": "Z", "expires_on": "2099-01-01"}]}),
        ("post", url(point, "/sales"), {"payment_method": "cash", "lines": [sale_line]}),
        ("get", url(point, "/sales/today"), None),
        ("post", url(point, "/returns"), {"producer_id": variant.product.producer_id, "reference": "R",
                                          "lines": [sale_line]}),
        ("post", url(point, "/transfers"), {"to_point_id": point.id + 1000, "lines": [sale_line]}),
        ("get", url(point, "/transfers/incoming"), None),
        ("post", url(point, f"/transfers/{transfer_id}/receive"), {}),
        ("post", url(point, "/adjustments"), {"reason": "lost", "lines": [{"variant_id": variant.id,
                                                                            "lot_code": "L1", "change": -1}]}),
        ("post", url(point, "/cash-handovers"), {"amount_vnd": 1000}),
        ("get", url(point, "/consignments"), None),
    ]


@pytest.fixture
def other_point_with_stock(honey, point):
    """Point B: stock, a cash sale and a transfer on its way in, all untouchable from A."""
    b = DisplayPointFactory(name="Điểm B")
    consign(b, honey.product.producer)
    receive(b, honey, 5, "L1", in_days(90))
    receive(point, honey, 5, "L1", in_days(90))
    till.sell(b.id, None, Sale((SaleLine(honey.id, 1),), SalePayment.CASH), "b-sale-0001")
    transfer = point_transfers.transfer_out(point.id, None, b.id, [OutLine(honey.id, 1)])
    return b, transfer.id


def point_state(point_id):
    """Everything an operation on the point could change, as stored."""
    def rows(table, *columns):
        return db.session.execute(sa.select(*columns).where(table.c.point_id == point_id)
                                  .order_by(*columns)).all()

    lots, stock, handovers = Lot.__table__, PointStock.__table__, CashHandover.__table__
    transfers = StockTransfer.__table__
    return {"movements": rows(StockMovement.__table__, StockMovement.__table__.c.id),
            "lots": rows(lots, lots.c.lot_code, lots.c.on_hand),
            "stock": rows(stock, stock.c.variant_id, stock.c.on_hand, stock.c.low_stock_threshold),
            "handovers": rows(handovers, handovers.c.id),
            "incoming": db.session.execute(sa.select(transfers.c.id, transfers.c.status)
                                           .where(transfers.c.to_point_id == point_id)).all()}


@pytest.mark.parametrize("who", ["operator of another point", "shopper"])
def test_no_one_but_its_operators_can_see_or_touch_a_point(client, bearer, honey, other_point_with_stock, as_operator,
                                                           who):
    b, transfer_id = other_point_with_stock
    headers = as_operator if who == "operator of another point" else bearer(UserFactory())
    before = point_state(b.id)

    responses = {(method, path): getattr(client, method)(path, json=body, headers={
        **headers, "Idempotency-Key": "sneaky-sale-001"}) for method, path, body in every_point_request(b, honey,
                                                                                                       transfer_id)}

    assert {key: r.status_code for key, r in responses.items()} == {key: 404 for key in responses}
    assert {r.json["code"] for r in responses.values()} == {"point_not_found"}
    assert point_state(b.id) == before


def test_anonymous_callers_are_asked_to_log_in(client, point, honey):
    responses = [getattr(client, method)(path, json=body) for method, path, body in
                 every_point_request(point, honey, 1)] + [client.get("/api/v1/points")]

    assert {r.status_code for r in responses} == {401}


# --- money ---------------------------------------------------------------------------------

def account_sum(account: Account) -> int:
    """The raw sum of an account's lines (debits positive)."""
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(JournalLine.amount_vnd), 0))
                                 .where(JournalLine.account == account)))


@pytest.mark.parametrize(("method", "account"), [("cash", Account.CASH_HELD), ("card", Account.SHOPPER_CLEARING),
                                                 ("bank_transfer", Account.SHOPPER_CLEARING)])
def test_a_till_sale_credits_the_producer_less_the_points_commission(client, as_operator, point, honey, method,
                                                                     account):
    receive(point, honey, 5, "L1", in_days(90))

    sale = sell(client, as_operator, point, (honey, 2), method=method).json

    assert (sale["total_vnd"], sale["lines"][0]["commission_vnd"]) == (500_000, 75_000)
    assert balance_of(honey.product.producer).pending_vnd == 500_000 - 75_000
    assert account_sum(account) == 500_000
    assert account_sum(Account.COMMISSION_REVENUE) == -75_000
    [entry] = entries_of_kind(EntryKind.POINT_SALE)
    assert (entry.movement_id, entry.producer_id, entry.reference) == (sale["id"], honey.product.producer_id,
                                                                        sale["reference"])
    assert unbalanced_entries() == []


def test_one_sale_of_two_producers_goods_credits_each_at_its_own_rate(client, as_operator, point, honey):
    tea = ProductFactory(variant__price_vnd=100_000)
    consign(point, tea.producer, 1000)
    receive(point, honey, 1, "L1", in_days(90))
    receive(point, tea.variants[0], 1, "T1", in_days(90))

    sell(client, as_operator, point, (honey, 1), (tea.variants[0], 1), method="card")

    assert balance_of(honey.product.producer).pending_vnd == 250_000 - 37_500
    assert balance_of(tea.producer).pending_vnd == 100_000 - 10_000
    assert len(entries_of_kind(EntryKind.POINT_SALE)) == 2
    assert unbalanced_entries() == []


def test_a_cash_handover_moves_the_cash_from_the_till_to_clearing(client, as_operator, point, honey):
    receive(point, honey, 5, "L1", in_days(90))
    sell(client, as_operator, point, (honey, 2), method="cash")

    client.post(url(point, "/cash-handovers"), headers=as_operator, json={"amount_vnd": 400_000})

    assert account_sum(Account.CASH_HELD) == 100_000
    assert account_sum(Account.SHOPPER_CLEARING) == 400_000
    assert len(entries_of_kind(EntryKind.CASH_HANDOVER)) == 1
    assert balance_of(honey.product.producer).pending_vnd == 425_000
    assert unbalanced_entries() == []

