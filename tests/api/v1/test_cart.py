import pytest

from marketplace.catalog.models import ProductStatus
from marketplace.extensions import db
from marketplace.producers.models import ProducerStatus
from tests.factories import ProducerFactory, ProductFactory, UserFactory, VariantFactory
from tests.order_support import put_line

CART = "/api/v1/cart"


def lines_of(cart: dict) -> dict:
    """variant id → line, across producers."""
    return {line["variant_id"]: line for group in cart["groups"] for line in group["lines"]}


def test_the_cart_is_grouped_by_producer_with_totals(client, as_shopper):
    honey, noodles = ProductFactory(), ProductFactory()
    jar = VariantFactory(product=honey, label="Hũ 1 kg", price_vnd=400_000)

    put_line(client, as_shopper, honey.variants[0].id, 2)
    put_line(client, as_shopper, jar.id, 1)
    cart = put_line(client, as_shopper, noodles.variants[0].id, 3).json

    groups = {g["producer"]["id"]: g for g in cart["groups"]}
    assert set(groups) == {honey.producer_id, noodles.producer_id}
    assert [l["variant_id"] for l in groups[honey.producer_id]["lines"]] == [honey.variants[0].id, jar.id]
    assert groups[honey.producer_id]["items_total_vnd"] == 2 * 250_000 + 400_000
    assert groups[noodles.producer_id]["items_total_vnd"] == 3 * 250_000
    assert cart["items_total_vnd"] == 1_650_000
    assert cart["items_total_display"] == "1.650.000 ₫"
    assert lines_of(cart)[jar.id]["line_total_vnd"] == 400_000


def test_setting_a_line_again_replaces_its_quantity(client, as_shopper):
    variant = ProductFactory().variants[0]

    put_line(client, as_shopper, variant.id, 5)
    cart = put_line(client, as_shopper, variant.id, 2).json

    assert lines_of(cart)[variant.id]["quantity"] == 2
    assert len(lines_of(cart)) == 1


def test_the_cart_shows_todays_price_and_warns_that_it_changed(client, as_shopper):
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id, 2)

    variant.price_vnd = 275_000
    db.session.commit()
    line = lines_of(client.get(CART, headers=as_shopper).json)[variant.id]

    assert (line["unit_price_vnd"], line["price_seen_vnd"], line["line_total_vnd"]) == (275_000, 250_000, 550_000)
    assert line["warnings"] == ["Price changed from 250000 to 275000 đồng."]


def test_the_cart_warns_about_short_stock(client, as_shopper):
    short, gone = ProductFactory().variants[0], ProductFactory().variants[0]
    put_line(client, as_shopper, short.id, 5)
    put_line(client, as_shopper, gone.id, 1)

    short.stock_quantity, gone.stock_quantity = 3, 0
    db.session.commit()
    lines = lines_of(client.get(CART, headers=as_shopper).json)

    assert (lines[short.id]["warnings"], lines[short.id]["available_quantity"]) == (["Only 3 left."], 3)
    assert (lines[gone.id]["warnings"], lines[gone.id]["available_quantity"]) == (["Out of stock."], 0)


def test_a_line_in_stock_at_the_seen_price_has_no_warnings(client, as_shopper):
    variant = ProductFactory().variants[0]

    cart = put_line(client, as_shopper, variant.id, 20).json

    assert lines_of(cart)[variant.id]["warnings"] == []


def test_the_cart_warns_about_items_no_longer_on_sale(client, as_shopper):
    archived, suspended, deactivated = ProductFactory(), ProductFactory(), ProductFactory()
    for product in (archived, suspended, deactivated):
        put_line(client, as_shopper, product.variants[0].id)

    archived.status = ProductStatus.ARCHIVED
    suspended.producer.status = ProducerStatus.SUSPENDED
    deactivated.variants[0].is_active = False
    db.session.commit()
    lines = lines_of(client.get(CART, headers=as_shopper).json)

    assert [lines[p.variants[0].id]["warnings"] for p in (archived, suspended, deactivated)] == [
        ["No longer on sale."]] * 3


@pytest.mark.parametrize("quantity", [0, 1000, "2", 1.5])
def test_a_quantity_outside_1_to_999_is_refused(client, as_shopper, quantity):
    variant = ProductFactory().variants[0]

    response = client.put(f"{CART}/lines/{variant.id}", json={"quantity": quantity}, headers=as_shopper)

    assert response.status_code == 422
    assert "quantity" in response.json["errors"]["json"]
    assert client.get(CART, headers=as_shopper).json["groups"] == []


def test_the_quantity_bounds_themselves_are_accepted(client, as_shopper):
    fewest, most = ProductFactory().variants[0], ProductFactory().variants[0]

    put_line(client, as_shopper, fewest.id, 1)
    lines = lines_of(put_line(client, as_shopper, most.id, 999).json)

    assert (lines[fewest.id]["quantity"], lines[most.id]["quantity"]) == (1, 999)


@pytest.mark.parametrize("product_fields", [
    {"status": ProductStatus.DRAFT, "published_at": None},
    {"status": ProductStatus.ARCHIVED},
    {"producer": lambda: ProducerFactory(status=ProducerStatus.SUSPENDED)},
], ids=["draft product", "archived product", "suspended producer"])
def test_items_not_on_sale_cannot_be_added(client, as_shopper, product_fields):
    fields = {k: v() if callable(v) else v for k, v in product_fields.items()}
    variant = ProductFactory(**fields).variants[0]

    response = put_line(client, as_shopper, variant.id)

    assert response.status_code == 404
    assert response.json["code"] == "variant_not_found"
    assert client.get(CART, headers=as_shopper).json["groups"] == []


def test_an_inactive_or_unknown_variant_cannot_be_added(client, as_shopper):
    inactive = VariantFactory(is_active=False)

    responses = [put_line(client, as_shopper, inactive.id), put_line(client, as_shopper, 999_999)]

    assert [r.status_code for r in responses] == [404, 404]


def test_a_line_is_removed(client, as_shopper):
    kept, removed = ProductFactory().variants[0], ProductFactory().variants[0]
    put_line(client, as_shopper, kept.id)
    put_line(client, as_shopper, removed.id)

    response = client.delete(f"{CART}/lines/{removed.id}", headers=as_shopper)

    assert response.status_code == 200
    assert set(lines_of(response.json)) == {kept.id}
    assert set(lines_of(client.get(CART, headers=as_shopper).json)) == {kept.id}


def test_removing_a_line_not_in_the_cart_is_404(client, as_shopper):
    variant = ProductFactory().variants[0]

    response = client.delete(f"{CART}/lines/{variant.id}", headers=as_shopper)

    assert response.status_code == 404
    assert response.json["code"] == "cart_line_not_found"


def test_the_cart_is_cleared(client, as_shopper):
    put_line(client, as_shopper, ProductFactory().variants[0].id)
    put_line(client, as_shopper, ProductFactory().variants[0].id)

    response = client.delete(CART, headers=as_shopper)

    assert response.status_code == 204
    assert client.get(CART, headers=as_shopper).json == {"groups": [], "items_total_vnd": 0,
                                                          "items_total_display": "0 ₫"}


def test_another_shopper_never_sees_or_changes_my_cart(client, bearer, as_shopper):
    variant = ProductFactory().variants[0]
    put_line(client, as_shopper, variant.id, 4)
    someone_else = bearer(UserFactory())

    theirs = client.get(CART, headers=someone_else).json
    removal = client.delete(f"{CART}/lines/{variant.id}", headers=someone_else)
    client.delete(CART, headers=someone_else)

    assert theirs["groups"] == []
    assert removal.status_code == 404
    assert lines_of(client.get(CART, headers=as_shopper).json)[variant.id]["quantity"] == 4


def test_the_cart_needs_an_account(client):
    variant = ProductFactory().variants[0]

    responses = [client.get(CART), put_line(client, {}, variant.id), client.delete(CART)]

    assert [r.status_code for r in responses] == [401, 401, 401]
