"""What the till and the back room look up on a point's shelf (GET /points/<id>/items...):
an item by the barcode a scanner types, by name without diacritics, and the items sold here
lately, each with its price, the units left and the lot a sale takes next."""

from datetime import timedelta

import pytest

from marketplace.clock import today_vn
from marketplace.showrooms.shelf import gtin_forms
from tests.factories import ProductFactory, VariantFactory
from tests.point_factories import DisplayPointFactory, consign, operator_of, receive


@pytest.fixture
def point():
    return DisplayPointFactory()


@pytest.fixture
def as_operator(bearer, point):
    return bearer(operator_of(point))


@pytest.fixture
def honey(point):
    product = ProductFactory(name="Mật ong hoa ban", shelf_life_days=730, variant__price_vnd=320_000,
                             variant__gtin="8936041200111", variant__label="Hũ 500 g")
    consign(point, product.producer)
    return product.variants[0]


def scan(client, headers, point, code):
    return client.get(f"/api/v1/points/{point.id}/items/scan", query_string={"gtin": code}, headers=headers)


def test_a_scan_names_the_item_its_price_units_left_and_the_first_expiring_lot(client, as_operator, point, honey):
    today = today_vn()
    receive(point, honey, 4, "LATE", today + timedelta(days=200))
    receive(point, honey, 3, "SOON", today + timedelta(days=20))
    answer = scan(client, as_operator, point, "8936041200111")
    assert answer.status_code == 200, answer.json
    expected = {"variant_id": honey.id, "product_name": "Mật ong hoa ban",
                                "variant_label": "Hũ 500 g", "price_vnd": 320_000, "price_display": "320.000 ₫",
                                "on_hand": 7, "consigned": True, "next_lot_code": "SOON",
                                "next_expires_on": (today + timedelta(days=20)).isoformat()}
    assert {name: answer.json[name] for name in expected} == expected


def test_an_expired_lot_is_never_the_next_one(client, as_operator, point, honey):
    receive(point, honey, 2, "OLD", today_vn() + timedelta(days=1))
    from marketplace.extensions import db
    from marketplace.showrooms.models import Lot
    lot = db.session.query(Lot).filter_by(lot_code="OLD").one()
    lot.expires_on = today_vn() - timedelta(days=1)  # it expired on the shelf
    db.session.commit()
    answer = scan(client, as_operator, point, "8936041200111").json
    assert answer["on_hand"] == 2 and answer["next_lot_code"] is None


def test_a_gtin_14_from_a_carton_finds_the_gtin_13_on_the_jar(client, as_operator, point, honey):
    assert scan(client, as_operator, point, "08936041200111").json["variant_id"] == honey.id
    assert "08936041200111" in gtin_forms("8936041200111")


def test_a_consigned_item_not_yet_on_the_shelf_is_found_with_nothing_on_hand(client, as_operator, point, honey):
    answer = scan(client, as_operator, point, honey.gtin).json
    assert answer["on_hand"] == 0 and answer["next_lot_code"] is None and answer["consigned"] is True


def test_a_barcode_of_a_producer_the_point_does_not_carry_is_not_found(client, as_operator, point):
    VariantFactory(gtin="8936058700116")
    answer = scan(client, as_operator, point, "8936058700116")
    assert answer.status_code == 404 and answer.json["code"] == "item_not_found"


def test_a_scan_that_is_not_digits_is_refused_beside_the_field(client, as_operator, point):
    answer = scan(client, as_operator, point, "abc")
    assert answer.status_code == 422 and "gtin" in answer.json["errors"]["query"]


def test_a_search_without_diacritics_finds_the_name_with_them(client, as_operator, point, honey):
    other = ProductFactory(name="Miến dong Tài Hoan", producer=honey.product.producer).variants[0]
    found = client.get(f"/api/v1/points/{point.id}/items", query_string={"q": "mat ONG"}, headers=as_operator).json
    assert [item["variant_id"] for item in found] == [honey.id]
    found = client.get(f"/api/v1/points/{point.id}/items", query_string={"q": "mien"}, headers=as_operator).json
    assert [item["variant_id"] for item in found] == [other.id]


def test_the_recent_items_are_those_of_the_latest_sales_newest_first(client, as_operator, point, honey):
    jerky = ProductFactory(name="Thịt trâu gác bếp", producer=honey.product.producer).variants[0]
    receive(point, honey, 5, "H1", today_vn() + timedelta(days=90))
    receive(point, jerky, 5, "J1", today_vn() + timedelta(days=90))
    url = f"/api/v1/points/{point.id}"
    assert client.get(f"{url}/items", headers=as_operator).json == []
    for variant, key in ((honey, "recent-000001"), (jerky, "recent-000002")):
        sold = client.post(f"{url}/sales", json={"payment_method": "cash", "lines": [
            {"variant_id": variant.id, "quantity": 1}]}, headers={**as_operator, "Idempotency-Key": key})
        assert sold.status_code == 201, sold.json
    assert [item["variant_id"] for item in client.get(f"{url}/items", headers=as_operator).json] == [jerky.id, honey.id]
