"""The Idempotency-Key of checkout and the till: a missing or malformed key is
refused by name, in the same 422 as the body's own field errors, so a client
learns everything wrong with its request at once."""

import pytest

from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.showrooms.models import MovementKind, StockMovement
from tests.factories import ProductFactory
from tests.order_support import ADDRESS, count, new_key, put_line
from tests.point_factories import DisplayPointFactory, consign, operator_of, receive

CHECKOUT = "/api/v1/checkout"
MISSING = ["Missing data for required field."]


@pytest.fixture
def shop(client, as_shopper):
    """A shopper with a jar in the cart."""
    put_line(client, as_shopper, ProductFactory().variants[0].id)
    return as_shopper


@pytest.fixture
def till(bearer):
    """A point with honey on the shelf, and its operator's headers."""
    point = DisplayPointFactory()
    honey = ProductFactory(variant__price_vnd=250_000).variants[0]
    consign(point, honey.product.producer, 1500)
    receive(point, honey, 5)
    return point, honey, bearer(operator_of(point))


def sales_made() -> int:
    return db.session.query(StockMovement).filter_by(kind=MovementKind.SALE).count()


def names_the_key(response) -> bool:
    return (response.status_code == 422 and response.json["code"] == "validation_error"
            and "Idempotency-Key" in response.json["message"])


# --- checkout ---------------------------------------------------------------------------

def test_a_checkout_without_a_key_names_it_and_reports_the_bodys_field_errors_too(client, shop):
    response = client.post(CHECKOUT, json={"payment_method": "cheque"}, headers=shop)

    assert names_the_key(response), response.json
    errors = response.json["errors"]
    assert errors["headers"] == {"Idempotency-Key": MISSING}
    assert set(errors["json"]) == {"payment_method", "shipping_address"}
    assert count(Order) == 0


def test_a_checkout_without_a_key_but_a_valid_body_names_only_the_key(client, shop):
    response = client.post(CHECKOUT, json={"payment_method": "cod", "shipping_address": ADDRESS}, headers=shop)

    assert names_the_key(response), response.json
    assert response.json["errors"] == {"headers": {"Idempotency-Key": MISSING}}
    assert count(Order) == 0


def test_a_checkout_with_a_malformed_key_names_it_with_the_bodys_errors(client, shop):
    response = client.post(CHECKOUT, json={"payment_method": "cod"}, headers={**shop, "Idempotency-Key": "short"})

    assert names_the_key(response), response.json
    assert set(response.json["errors"]) == {"headers", "json"}
    assert "Idempotency-Key" in response.json["errors"]["headers"]
    assert "shipping_address" in response.json["errors"]["json"]


def test_a_checkout_with_a_key_and_a_bad_body_reports_only_the_body(client, shop):
    response = client.post(CHECKOUT, json={"payment_method": "cod"}, headers={**shop, "Idempotency-Key": new_key()})

    assert response.status_code == 422
    assert set(response.json["errors"]) == {"json"}
    assert "Idempotency-Key" not in response.json["message"]


# --- the till ---------------------------------------------------------------------------

def test_a_sale_without_a_key_names_it_and_reports_the_bodys_field_errors_too(client, till):
    point, honey, as_operator = till
    body = {"payment_method": "cash", "lines": [{"variant_id": honey.id, "quantity": 0}]}

    response = client.post(f"/api/v1/points/{point.id}/sales", json=body, headers=as_operator)

    assert names_the_key(response), response.json
    errors = response.json["errors"]
    assert errors["headers"] == {"Idempotency-Key": MISSING}
    assert errors["json"] == {"lines": {"0": {"quantity": ["Must be greater than or equal to 1 and less than or "
                                                         "equal to 100000."]}}}
    assert sales_made() == 0


def test_a_sale_without_a_key_but_a_valid_body_names_only_the_key(client, till):
    point, honey, as_operator = till
    body = {"payment_method": "cash", "lines": [{"variant_id": honey.id, "quantity": 1}]}

    response = client.post(f"/api/v1/points/{point.id}/sales", json=body, headers=as_operator)

    assert names_the_key(response), response.json
    assert response.json["errors"] == {"headers": {"Idempotency-Key": MISSING}}
    assert sales_made() == 0


def test_a_sale_with_a_key_of_spaces_names_it_with_the_bodys_errors(client, till):
    point, _honey, as_operator = till

    response = client.post(f"/api/v1/points/{point.id}/sales", json={"lines": []},
                           headers={**as_operator, "Idempotency-Key": "not a valid key"})

    assert names_the_key(response), response.json
    assert response.json["errors"]["headers"] == {"Idempotency-Key": ["Printable ASCII without spaces."]}
    assert set(response.json["errors"]["json"]) == {"lines", "payment_method"}


def test_the_sale_operation_documents_its_refusals_by_code(client):
    spec = client.get("/api/v1/openapi.json").json
    responses = spec["paths"]["/api/v1/points/{point_id}/sales"]["post"]["responses"]

    assert {"validation_error", "idempotency_key_reused", "insufficient_stock"} <= set(
        responses["422"]["content"]["application/json"]["examples"]) | set(
        responses["409"]["content"]["application/json"]["examples"])
