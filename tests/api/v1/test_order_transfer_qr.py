"""An order awaiting a bank transfer carries its VietQR: the payload in
payment.bank_transfer, and the image as SVG and PNG (GET /orders/<id>/transfer-qr.*),
for its shopper only and only while the transfer is awaited. Read back with
tests/vietqr_reading.py, not with the library that built it."""

import pytest

from tests.factories import ProductFactory, UserFactory
from tests.order_support import place_order
from tests.vietqr_reading import decode_image, transfer


@pytest.fixture
def honey():
    return ProductFactory(variant__price_vnd=245_000)


def qr(client, headers, order: dict, kind: str):
    return client.get(f"/api/v1/orders/{order['id']}/transfer-qr.{kind}", headers=headers)


def test_a_bank_transfer_order_carries_a_vietqr_for_its_amount_and_reference(app, client, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    details = order["payment"]["bank_transfer"]

    read = transfer(details["qr_payload"])
    bank = app.config["PLATFORM_BANK"]
    assert (read["bin"], read["account"], read["amount"], read["purpose"]) == (
        bank["bank_bin"], bank["account_number"], str(order["total_vnd"]), details["reference"])
    assert (details["qr_svg"], details["qr_png"]) == (f"/api/v1/orders/{order['id']}/transfer-qr.svg",
                                                     f"/api/v1/orders/{order['id']}/transfer-qr.png")
    assert client.get(f"/api/v1/orders/{order['id']}", headers=as_shopper).json["payment"] == order["payment"]


def test_the_png_scans_back_to_the_same_payload(client, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")

    response = qr(client, as_shopper, order, "png")

    assert response.status_code == 200 and response.mimetype == "image/png"
    assert decode_image(response.get_data()) == [order["payment"]["bank_transfer"]["qr_payload"]]
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert f'filename="vietqr-{order["number"]}.png"' in response.headers["Content-Disposition"]


def test_the_svg_is_an_svg_image(client, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")

    response = qr(client, as_shopper, order, "svg")

    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).startswith("<svg ")


def test_another_shopper_gets_no_qr_of_an_order_not_theirs(client, bearer, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    someone_else = bearer(UserFactory())

    answers = [qr(client, someone_else, order, "svg"), qr(client, someone_else, order, "png"),
               qr(client, {}, order, "png")]

    assert [a.status_code for a in answers] == [404, 404, 401]
    assert answers[0].json["code"] == "order_not_found"


def test_a_cash_on_delivery_order_has_no_qr(client, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="cod")

    response = qr(client, as_shopper, order, "png")

    assert (response.status_code, response.json["code"]) == (409, "no_transfer_awaited")
    assert "bank_transfer" not in order["payment"]


def test_once_cancelled_the_order_shows_its_transfer_details_but_no_qr(client, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    cancelled = client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "Đặt nhầm"}, headers=as_shopper)
    assert cancelled.status_code == 200, cancelled.json

    details = cancelled.json["payment"]["bank_transfer"]
    assert details["reference"] == order["payment"]["bank_transfer"]["reference"]
    assert not {"qr_payload", "qr_svg", "qr_png"} & details.keys()
    assert qr(client, as_shopper, order, "svg").status_code == 409


def test_an_admin_sees_the_transfer_but_not_the_shoppers_qr(client, bearer, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    as_admin = bearer(UserFactory(is_admin=True))

    details = client.get(f"/api/v1/admin/orders/{order['id']}", headers=as_admin).json["payment"]["bank_transfer"]

    assert details["reference"] == order["payment"]["bank_transfer"]["reference"]
    assert "qr_payload" not in details
