from datetime import datetime, timedelta

import pytest

from marketplace.catalog.models import ProductStatus
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.orders.models import Order, SubOrder
from marketplace.payments.models import Payment
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, HA_NOI, ProducerFactory, ProductFactory, UserFactory
from tests.order_support import (ADDRESS, LAI_CHAU, LAI_CHAU_WARD, address, checkout, count, new_key, place_order,
                                 put_line, stock_of)

CART = "/api/v1/cart"


def cart_quantities(client, headers) -> dict:
    cart = client.get(CART, headers=headers).json
    return {l["variant_id"]: l["quantity"] for g in cart["groups"] for l in g["lines"]}


def nothing_written(client, headers, cart_before: dict, stock_before: dict) -> bool:
    return (count(Order), count(SubOrder), count(Payment)) == (0, 0, 0) \
        and cart_quantities(client, headers) == cart_before \
        and {v: stock_of(v) for v in stock_before} == stock_before


# --- one order, one part per producer ------------------------------------------------

def test_each_producer_gets_its_own_part_with_a_shipping_fee_by_distance(app, client, as_shopper, monkeypatch):
    monkeypatch.setitem(app.config, "SHIPPING_FEES_VND",
                        {"same_province": 11_000, "same_region": 22_000, "other_region": 33_000})
    near = ProductFactory()  # Điện Biên, like the shopper
    region = ProductFactory(producer=ProducerFactory(province_code=LAI_CHAU, ward_code=LAI_CHAU_WARD))
    far = ProductFactory(producer=ProducerFactory(province_code=HA_NOI, ward_code=70))

    order = place_order(client, as_shopper, (near.variants[0].id, 2), region.variants[0].id, far.variants[0].id,
                        shipping_address=address(province_code=DIEN_BIEN, ward_code=DIEN_BIEN_WARD))

    parts = {s["producer"]["id"]: s for s in order["sub_orders"]}
    assert {producer: part["shipping_fee_vnd"] for producer, part in parts.items()} == {
        near.producer_id: 11_000, region.producer_id: 22_000, far.producer_id: 33_000}
    assert parts[near.producer_id]["items_total_vnd"] == 500_000
    assert [(l["variant_id"], l["quantity"], l["line_total_vnd"]) for l in parts[near.producer_id]["lines"]] == [
        (near.variants[0].id, 2, 500_000)]
    assert (order["items_total_vnd"], order["shipping_total_vnd"], order["total_vnd"]) == (1_000_000, 66_000,
                                                                                           1_066_000)


def test_every_total_is_integer_dong_and_adds_up(client, as_shopper):
    honey, tea = ProductFactory(), ProductFactory()
    pot = tea.variants[0]
    pot.price_vnd = 123_457
    db.session.commit()

    order = place_order(client, as_shopper, (honey.variants[0].id, 3), (pot.id, 7))

    for part in order["sub_orders"]:
        assert part["items_total_vnd"] == sum(l["unit_price_vnd"] * l["quantity"] for l in part["lines"])
        assert part["total_vnd"] == part["items_total_vnd"] + part["shipping_fee_vnd"]
    assert order["items_total_vnd"] == sum(p["items_total_vnd"] for p in order["sub_orders"]) == 1_614_199
    assert order["shipping_total_vnd"] == sum(p["shipping_fee_vnd"] for p in order["sub_orders"])
    assert order["total_vnd"] == sum(p["total_vnd"] for p in order["sub_orders"])
    assert order["payment"]["amount_vnd"] == order["total_vnd"]
    amounts = [order["total_vnd"], order["items_total_vnd"]] + [p["total_vnd"] for p in order["sub_orders"]]
    assert all(type(amount) is int for amount in amounts)


def test_the_order_keeps_what_was_bought_at_what_price(client, as_shopper):
    product = ProductFactory(name="Trà Shan tuyết")
    variant = product.variants[0]

    order = place_order(client, as_shopper, (variant.id, 2), note="Giao giờ hành chính")
    variant.price_vnd, variant.label = 300_000, "Gói mới"
    db.session.commit()

    shown = client.get(f"/api/v1/orders/{order['id']}", headers=as_shopper).json
    assert shown["sub_orders"][0]["lines"] == [{
        "variant_id": variant.id, "product_id": product.id, "product_name": "Trà Shan tuyết",
        "variant_label": "Chai 500 ml", "unit_price_vnd": 250_000, "quantity": 2, "line_total_vnd": 500_000}]
    assert shown["note"] == "Giao giờ hành chính"
    assert shown["shipping_address"]["phone"] == "+84912345678"
    assert shown["shipping_address"]["ward"]["code"] == ADDRESS["ward_code"]


def test_checkout_takes_the_stock_and_empties_the_cart(client, as_shopper):
    honey, tea = ProductFactory().variants[0], ProductFactory().variants[0]

    place_order(client, as_shopper, (honey.id, 3), (tea.id, 20))

    assert (stock_of(honey.id), stock_of(tea.id)) == (17, 0)
    assert client.get(CART, headers=as_shopper).json["groups"] == []


# --- Idempotency-Key -----------------------------------------------------------------

def test_checkout_requires_an_idempotency_key(client, as_shopper):
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id)

    response = client.post("/api/v1/checkout", json={"payment_method": "cod", "shipping_address": ADDRESS},
                           headers=as_shopper)

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json["errors"]["headers"]
    assert nothing_written(client, as_shopper, {variant.id: 1}, {variant.id: 20})


def test_retrying_with_the_same_key_returns_the_same_order(client, as_shopper):
    variant = ProductFactory().variants[0]
    key = new_key()
    put_line(client, as_shopper, variant.id, 2)
    first = checkout(client, as_shopper, key=key)
    put_line(client, as_shopper, variant.id, 5)

    retry = checkout(client, as_shopper, key=key)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json["id"] == first.json["id"]
    assert retry.json["total_vnd"] == first.json["total_vnd"]
    assert count(Order) == 1
    assert stock_of(variant.id) == 18
    assert cart_quantities(client, as_shopper) == {variant.id: 5}


def test_a_key_reused_for_a_different_checkout_is_refused(client, as_shopper):
    variant = ProductFactory().variants[0]
    key = new_key()
    put_line(client, as_shopper, variant.id)
    checkout(client, as_shopper, key=key)
    put_line(client, as_shopper, variant.id)

    response = checkout(client, as_shopper, "bank_transfer", key=key)

    assert response.status_code == 422
    assert response.json["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in response.json["errors"]["headers"]
    assert count(Order) == 1


def test_keys_belong_to_one_shopper(client, bearer, as_shopper):
    variant = ProductFactory().variants[0]
    someone_else = bearer(UserFactory())
    put_line(client, as_shopper, variant.id)
    put_line(client, someone_else, variant.id)

    mine = checkout(client, as_shopper, key="shared-key-0001")
    theirs = checkout(client, someone_else, key="shared-key-0001")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json["id"] != theirs.json["id"]


# --- refusals that write nothing --------------------------------------------------------

def test_a_price_change_is_refused_once_and_then_checks_out_at_the_new_price(client, as_shopper):
    changed, unchanged = ProductFactory().variants[0], ProductFactory().variants[0]
    put_line(client, as_shopper, changed.id, 2)
    put_line(client, as_shopper, unchanged.id)
    changed.price_vnd = 260_000
    db.session.commit()

    refused = checkout(client, as_shopper)
    retried = checkout(client, as_shopper)

    assert refused.status_code == 409
    assert refused.json["code"] == "prices_changed"
    assert refused.json["errors"]["lines"] == {str(changed.id): ["Price changed from 250000 to 260000 đồng."]}
    assert retried.status_code == 201
    lines = {l["variant_id"]: l for p in retried.json["sub_orders"] for l in p["lines"]}
    assert (lines[changed.id]["unit_price_vnd"], lines[changed.id]["line_total_vnd"]) == (260_000, 520_000)
    assert count(Order) == 1


def test_a_price_change_places_no_order_and_takes_no_stock(client, as_shopper):
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id, 2)
    variant.price_vnd = 240_000
    db.session.commit()

    response = checkout(client, as_shopper)

    assert response.status_code == 409
    assert nothing_written(client, as_shopper, {variant.id: 2}, {variant.id: 20})


def test_insufficient_stock_is_refused_line_by_line_and_writes_nothing(client, as_shopper):
    plenty, short, gone = (ProductFactory().variants[0] for _ in range(3))
    put_line(client, as_shopper, plenty.id, 2)
    put_line(client, as_shopper, short.id, 5)
    put_line(client, as_shopper, gone.id, 1)
    short.stock_quantity, gone.stock_quantity = 3, 0
    db.session.commit()

    response = checkout(client, as_shopper)

    assert response.status_code == 409
    assert response.json["code"] == "insufficient_stock"
    assert response.json["errors"]["lines"] == {str(short.id): ["Only 3 left."], str(gone.id): ["Out of stock."]}
    assert nothing_written(client, as_shopper, {plenty.id: 2, short.id: 5, gone.id: 1},
                           {plenty.id: 20, short.id: 3, gone.id: 0})


def test_an_item_withdrawn_from_sale_after_it_was_added_is_refused(client, as_shopper):
    product = ProductFactory()
    put_line(client, as_shopper, product.variants[0].id)
    product.status = ProductStatus.ARCHIVED
    db.session.commit()

    response = checkout(client, as_shopper)

    assert response.status_code == 409
    assert response.json["errors"]["lines"] == {str(product.variants[0].id): ["No longer on sale."]}
    assert count(Order) == 0


def test_an_empty_cart_cannot_be_checked_out(client, as_shopper):
    response = checkout(client, as_shopper)

    assert response.status_code == 409
    assert response.json["code"] == "empty_cart"
    assert count(Order) == 0


@pytest.mark.parametrize("bad, field", [
    ({"phone": "12345"}, "phone"),
    ({"province_code": 99, "ward_code": 70}, "province_code"),
    ({"province_code": HA_NOI, "ward_code": DIEN_BIEN_WARD}, "ward_code"),
    ({"recipient_name": ""}, "recipient_name"),
], ids=["bad phone", "unknown province", "ward in another province", "blank name"])
def test_a_bad_address_is_refused_field_by_field_and_writes_nothing(client, as_shopper, bad, field):
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id, 2)

    response = checkout(client, as_shopper, shipping_address=address(**bad))

    assert response.status_code == 422
    assert field in response.json["errors"]["json"]["shipping_address"]
    assert nothing_written(client, as_shopper, {variant.id: 2}, {variant.id: 20})


@pytest.mark.parametrize("body, field", [
    ({"payment_method": "crypto"}, "payment_method"),
    ({"gift_wrap": True}, "gift_wrap"),
])
def test_a_bad_checkout_body_is_refused(client, as_shopper, body, field):
    put_line(client, as_shopper, ProductFactory().variants[0].id)

    response = client.post("/api/v1/checkout", json={"payment_method": "cod", "shipping_address": ADDRESS, **body},
                           headers={**as_shopper, "Idempotency-Key": new_key()})

    assert response.status_code == 422
    assert field in response.json["errors"]["json"]
    assert count(Order) == 0


def test_checkout_needs_an_account(client):
    response = client.post("/api/v1/checkout", json={"payment_method": "cod", "shipping_address": ADDRESS},
                           headers={"Idempotency-Key": new_key()})

    assert response.status_code == 401


# --- how each payment method starts ---------------------------------------------------------

def test_a_cash_on_delivery_order_is_confirmed_at_once(client, as_shopper):
    order = place_order(client, as_shopper, ProductFactory().variants[0].id, ProductFactory().variants[0].id)

    assert order["status"] == "in_progress"
    assert {p["status"] for p in order["sub_orders"]} == {"confirmed"}
    assert (order["payment"]["method"], order["payment"]["status"]) == ("cod", "pending")
    assert order["reserved_until"] is None
    assert "stripe" not in order["payment"] and "bank_transfer" not in order["payment"]


def test_a_bank_transfer_order_waits_with_a_reference_and_the_platform_account(app, client, as_shopper):
    first = place_order(client, as_shopper, ProductFactory().variants[0].id, method="bank_transfer")
    second = place_order(client, as_shopper, ProductFactory().variants[0].id, method="bank_transfer")

    transfer = first["payment"]["bank_transfer"]
    assert first["status"] == "pending_payment"
    assert [p["status"] for p in first["sub_orders"]] == ["pending_payment"]
    assert first["payment"]["status"] == "pending"
    assert transfer["reference"].startswith("OCOP") and len(transfer["reference"]) == 12
    assert transfer["reference"] != second["payment"]["bank_transfer"]["reference"]
    assert transfer["amount_vnd"] == first["total_vnd"]
    assert transfer["account_number"] == app.config["PLATFORM_BANK"]["account_number"]
    assert transfer["bank_bin"] == app.config["PLATFORM_BANK"]["bank_bin"]
    assert transfer["reference"] in transfer["instructions"]
    assert first["reserved_until"] is not None


def test_a_card_order_returns_a_stripe_client_secret(client, as_shopper, stripe_config):
    order = place_order(client, as_shopper, ProductFactory().variants[0].id, method="card")

    stripe = order["payment"]["stripe"]
    assert order["status"] == "pending_payment"
    assert stripe["payment_intent_id"].startswith("pi_")
    assert stripe["client_secret"].startswith(stripe["payment_intent_id"] + "_secret")
    assert stripe["publishable_key"] == "pk_test_ocop"


def test_a_card_order_placed_while_stripe_is_down_is_answered_with_the_order_and_how_to_retry(
        app, client, as_shopper, stripe_config, monkeypatch):
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id)
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "http://127.0.0.1:9")  # a closed loopback port

    down = checkout(client, as_shopper, "card")

    assert down.status_code == 201, down.json
    order = down.json
    assert order["id"] and order["number"].startswith("OC") and order["status"] == "pending_payment"
    assert order["payment"]["status"] == "pending"
    assert order["payment"]["stripe"]["client_secret"] is None
    assert order["payment"]["retry"]["method"] == "POST"
    assert order["payment"]["retry"]["path"] == f"/api/v1/orders/{order['id']}/payment-intent"
    assert stock_of(variant.id) == 19  # still held for the shopper
    reserved_for = datetime.fromisoformat(order["reserved_until"]) - datetime.fromisoformat(order["created_at"])
    assert abs(reserved_for - timedelta(minutes=app.config["CARD_RESERVATION_MINUTES"])) < timedelta(seconds=5)
    assert fulfilment.expire_reservations(now=utcnow() + reserved_for - timedelta(minutes=1)) == 0
    assert stock_of(variant.id) == 19

    monkeypatch.setitem(app.config, "STRIPE_API_BASE", stripe_config)
    later = client.post(order["payment"]["retry"]["path"], headers=as_shopper)

    assert later.status_code == 200
    assert later.json["payment"]["stripe"]["client_secret"]
    assert "retry" not in later.json["payment"]


def test_card_is_refused_with_a_field_error_when_stripe_is_not_configured(app, client, as_shopper, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id)

    response = checkout(client, as_shopper, "card")

    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert "payment_method" in response.json["errors"]["json"]
    assert (count(Order), stock_of(variant.id)) == (0, 20)
    assert cart_quantities(client, as_shopper) == {variant.id: 1}


# --- a saved address by id (issue #11) -------------------------------------------------

def save_address(client, headers, **fields) -> dict:
    response = client.post("/api/v1/addresses", json={**ADDRESS, **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def checkout_to(client, headers, **body):
    return client.post("/api/v1/checkout", json={"payment_method": "cod", **body},
                       headers={**headers, "Idempotency-Key": new_key()})


def test_checkout_ships_to_a_saved_address_given_by_id(client, as_shopper):
    producer = ProducerFactory(province_code=DIEN_BIEN, ward_code=DIEN_BIEN_WARD)
    variant = ProductFactory(producer=producer).variants[0]
    saved = save_address(client, as_shopper, recipient_name="Lò Văn Pọm", phone="0987654321",
                         province_code=LAI_CHAU, ward_code=LAI_CHAU_WARD, street_address="Bản Mường So")
    put_line(client, as_shopper, variant.id, 2)

    response = checkout_to(client, as_shopper, address_id=saved["id"])

    assert response.status_code == 201, response.json
    shipped_to = response.json["shipping_address"]
    assert (shipped_to["recipient_name"], shipped_to["phone"], shipped_to["street_address"]) == (
        "Lò Văn Pọm", "+84987654321", "Bản Mường So")
    assert (shipped_to["province"]["code"], shipped_to["ward"]["code"]) == (LAI_CHAU, LAI_CHAU_WARD)
    assert response.json["sub_orders"][0]["shipping_fee_vnd"] == 30_000  # Điện Biên → Lai Châu: same region
    assert stock_of(variant.id) == 18


def test_checkout_to_another_shoppers_saved_address_is_refused_and_writes_nothing(client, bearer, as_shopper):
    someone_else = bearer(UserFactory())
    theirs = save_address(client, someone_else)
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id, 2)

    for address_id in (theirs["id"], theirs["id"] + 1000):
        response = checkout_to(client, as_shopper, address_id=address_id)

        assert response.status_code == 422
        assert response.json["code"] == "address_not_found"
        assert "address_id" in response.json["errors"]["json"]
        assert nothing_written(client, as_shopper, {variant.id: 2}, {variant.id: 20})


def test_a_saved_address_id_past_the_integer_range_is_refused_beside_the_field(client, as_shopper):
    """The fuzzer's find: 5823239895239 went into SQL, and PostgreSQL failed on it with a 500."""
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id, 2)

    response = checkout_to(client, as_shopper, address_id=5_823_239_895_239)

    assert response.status_code == 422 and "address_id" in response.json["errors"]["json"]
    assert nothing_written(client, as_shopper, {variant.id: 2}, {variant.id: 20})


@pytest.mark.parametrize("addresses, field", [
    ({}, "shipping_address"),
    ({"shipping_address": ADDRESS, "address_id": 1}, "address_id"),
], ids=["neither", "both"])
def test_checkout_needs_exactly_one_of_an_address_and_a_saved_address_id(client, as_shopper, addresses, field):
    save_address(client, as_shopper)
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id, 2)

    response = checkout_to(client, as_shopper, **addresses)

    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert list(response.json["errors"]["json"]) == [field]
    assert nothing_written(client, as_shopper, {variant.id: 2}, {variant.id: 20})


# --- the order number carries the date in Vietnam (issue #11) --------------------------

def test_an_order_placed_at_half_past_midnight_in_vietnam_is_numbered_for_that_day(client, as_shopper,
                                                                                  monkeypatch):
    from datetime import datetime, timezone

    from marketplace.orders import checkout as checkout_service

    # 00:30 on 3 December in Vietnam (UTC+7) is still 2 December in UTC.
    monkeypatch.setattr(checkout_service, "utcnow", lambda: datetime(2025, 12, 2, 17, 30, tzinfo=timezone.utc))

    order = place_order(client, as_shopper, ProductFactory().variants[0].id)

    assert order["number"].startswith("OC251203"), order["number"]
    assert len(order["number"]) == len("OC251203") + 6


def test_an_order_number_follows_the_vietnamese_calendar_either_side_of_midnight():
    from datetime import datetime, timezone

    from marketplace.orders.checkout import order_number

    assert order_number(datetime(2025, 12, 2, 16, 59, tzinfo=timezone.utc))[:8] == "OC251202"  # 23:59 in Vietnam
    assert order_number(datetime(2025, 12, 2, 17, 0, tzinfo=timezone.utc))[:8] == "OC251203"   # 00:00 in Vietnam


# --- the checkout's cost does not grow with its lines (issue #11, the benchmark) -------

def statements_of_a_checkout(client, headers, variants) -> list[str]:
    import sqlalchemy as sa

    for variant in variants:
        put_line(client, headers, variant.id, 2)
    seen = []
    listener = lambda _conn, _cursor, statement, *_args: seen.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = checkout(client, headers)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 201, response.json
    return [s for s in seen if "search_" not in s]  # the search index's own upkeep is counted elsewhere


def test_a_checkout_makes_as_many_statements_for_four_lines_as_for_one(client, bearer):
    # One producer: SQLite inserts one sub-order per statement (RETURNING is not batched there).
    producer = ProducerFactory()
    one = statements_of_a_checkout(client, bearer(UserFactory()), [ProductFactory(producer=producer).variants[0]])
    four = statements_of_a_checkout(client, bearer(UserFactory()),
                                    [ProductFactory(producer=producer).variants[0] for _ in range(4)])

    assert len(four) == len(one), "\n".join(four)
