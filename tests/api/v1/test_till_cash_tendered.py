"""A cash sale records the amount the customer handed over, so its receipt shows the change
even when reprinted; only a cash sale has one, and it is at least the total (issue #14)."""

import pytest
import sqlalchemy as sa

from marketplace import idempotency
from marketplace.extensions import db
from marketplace.showrooms.models import SalePayment, StockMovement
from marketplace.showrooms.till import Sale, SaleLine
from tests.factories import ProductFactory
from tests.point_factories import DisplayPointFactory, consign, new_key, on_hand, operator_of, receive


@pytest.fixture
def point():
    return DisplayPointFactory()


@pytest.fixture
def coffee(point):
    product = ProductFactory(variant__price_vnd=120_000)
    consign(point, product.producer, 1500)
    receive(point, product.variants[0], 10, "L1")
    return product.variants[0]


@pytest.fixture
def as_operator(bearer, point):
    return bearer(operator_of(point))


def sell(client, headers, point, coffee, quantity=2, key=None, **body):
    body = {"payment_method": "cash", "lines": [{"variant_id": coffee.id, "quantity": quantity}], **body}
    return client.post(f"/api/v1/points/{point.id}/sales", json=body,
                       headers={**headers, "Idempotency-Key": key or new_key()})


def sales() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement).where(StockMovement.kind == "sale"))


def test_a_cash_sale_records_the_amount_tendered_and_the_change(client, as_operator, point, coffee):
    response = sell(client, as_operator, point, coffee, cash_tendered_vnd=300_000)

    assert response.status_code == 201, response.json
    assert (response.json["total_vnd"], response.json["cash_tendered_vnd"], response.json["change_vnd"]) == (
        240_000, 300_000, 60_000)
    listed = client.get(f"/api/v1/points/{point.id}/movements?kind=sale", headers=as_operator).json
    assert listed["items"][0]["cash_tendered_vnd"] == 300_000


def test_a_sale_without_an_amount_tendered_records_none(client, as_operator, point, coffee):
    response = sell(client, as_operator, point, coffee)

    assert response.status_code == 201, response.json
    assert (response.json["cash_tendered_vnd"], response.json["change_vnd"]) == (None, None)


def test_less_cash_than_the_total_is_refused_beside_the_field_and_sells_nothing(client, as_operator, point, coffee):
    response = sell(client, as_operator, point, coffee, cash_tendered_vnd=200_000)

    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"cash_tendered_vnd": ["At least the total, 240000 đồng."]}
    assert (sales(), on_hand(point.id, coffee.id)) == (0, 10)


def test_the_total_tendered_against_is_the_changed_price(client, as_operator, point, coffee):
    line = {"variant_id": coffee.id, "quantity": 2, "unit_price_vnd": 100_000, "override_reason": "promotion"}

    response = client.post(f"/api/v1/points/{point.id}/sales", headers={**as_operator, "Idempotency-Key": new_key()},
                           json={"payment_method": "cash", "lines": [line], "cash_tendered_vnd": 200_000})

    assert response.status_code == 201, response.json
    assert response.json["change_vnd"] == 0


@pytest.mark.parametrize("method", ["card", "bank_transfer"])
def test_only_a_cash_sale_has_an_amount_tendered(client, as_operator, point, coffee, method):
    response = sell(client, as_operator, point, coffee, payment_method=method, cash_tendered_vnd=300_000)

    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"cash_tendered_vnd": ["Only a cash sale has an amount tendered."]}
    assert sales() == 0


def test_a_retry_with_the_amount_tendered_returns_the_first_sale(client, as_operator, point, coffee):
    first = sell(client, as_operator, point, coffee, key="till-tendered-01", cash_tendered_vnd=500_000)
    again = sell(client, as_operator, point, coffee, key="till-tendered-01", cash_tendered_vnd=500_000)
    other = sell(client, as_operator, point, coffee, key="till-tendered-01", cash_tendered_vnd=250_000)

    assert (first.status_code, again.status_code, again.json) == (201, 200, first.json)
    assert (other.status_code, other.json["code"]) == (422, "idempotency_key_reused")
    assert (sales(), on_hand(point.id, coffee.id)) == (1, 8)


def test_a_sale_without_an_amount_tendered_keeps_the_fingerprint_it_had_before_there_was_one():
    sale = Sale((SaleLine(7, 2),), SalePayment.CASH)

    assert sale.fingerprint() == idempotency.fingerprint({
        "lines": [{"variant_id": 7, "quantity": 2, "unit_price_vnd": None}], "payment_method": "cash", "note": ""})
    assert Sale((SaleLine(7, 2),), SalePayment.CASH, cash_tendered_vnd=300_000).fingerprint() != sale.fingerprint()
