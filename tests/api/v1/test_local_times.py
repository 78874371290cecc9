"""Every timestamp in every JSON response is shown in Vietnam's time, +07:00.

An order's whole life is driven through the API, for each way of paying (the
card paid at localstripe, its webhook delivered to a live server), and every
JSON body the app answered with is walked for ISO date-times."""

import re

import pytest
from flask import request, request_finished

from marketplace.extensions import db
from marketplace.orders import payment_outcomes
from marketplace.orders.models import Order
from tests.factories import ProductFactory, UserFactory, member_of
from tests.order_support import part_of, place_order, portal_orders, see_other_commits
from tests.stripe_support import eventually, pay_with_card

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture
def answered(app):
    """(method and path, body) of every JSON response the app sends during the test."""
    seen = []

    def record(sender, response, **extra):
        if response.is_json:
            seen.append((f"{request.method} {request.path}", response.get_json(silent=True)))

    request_finished.connect(record, app)
    yield seen
    request_finished.disconnect(record, app)


def date_times(value, where=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from date_times(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from date_times(item, f"{where}[{index}]")
    elif isinstance(value, str) and DATE_TIME.match(value):
        yield where, value


def test_every_timestamp_of_an_orders_life_is_in_vietnam_time(app, client, bearer, answered, live_server,
                                                              stripe_config):
    honey, tea = ProductFactory(), ProductFactory()
    shopper, admin = bearer(UserFactory()), bearer(UserFactory(is_admin=True))
    producers = {honey.producer_id: bearer(member_of(honey.producer)), tea.producer_id: bearer(member_of(tea.producer))}

    def act(part, action, **body):
        return client.post(portal_orders(part["producer"]["id"], part["id"], action), json=body,
                           headers=producers[part["producer"]["id"]])

    def fulfil(order, cash: bool):
        for part in order["sub_orders"]:
            act(part, "pack")
            act(part, "ship", carrier="Viettel Post", tracking_number=f"VTP{part['id']:08d}")
            act(part, "deliver", **({"cash_collected_vnd": part["total_vnd"]} if cash else {}))
            client.post(f"/api/v1/orders/{order['id']}/sub-orders/{part['id']}/confirm-received", headers=shopper)

    card = place_order(client, shopper, honey.variants[0].id, tea.variants[0].id, method="card")
    pay_with_card(stripe_config, card["payment"]["stripe"]["payment_intent_id"])
    eventually(lambda: see_other_commits() or client.get(f"/api/v1/orders/{card['id']}", headers=shopper)
               .json["payment"]["status"] == "succeeded")
    fulfil(client.get(f"/api/v1/orders/{card['id']}", headers=shopper).json, cash=False)

    transfer = place_order(client, shopper, honey.variants[0].id, method="bank_transfer")
    client.post(f"/api/v1/admin/orders/{transfer['id']}/confirm-transfer", headers=admin,
                json={"amount_vnd": transfer["total_vnd"], "bank_reference": "FT26337000001"})
    fulfil(transfer, cash=False)
    client.post(f"/api/v1/admin/orders/{transfer['id']}/sub-orders/{transfer['sub_orders'][0]['id']}/refunds",
                headers=admin, json={"amount_vnd": 10_000, "reason": "Hũ bị nứt"})
    payment_outcomes.record_refund(db.session.get(Order, transfer["id"]).payment, None, 5_000,
                                   "Refunded in Stripe", None, awaiting_allocation=True)
    db.session.commit()

    cod = place_order(client, shopper, tea.variants[0].id)
    fulfil(cod, cash=True)
    place_order(client, shopper, (honey.variants[0].id, 2), method="card")  # left waiting, reserved

    for path in (f"/api/v1/orders/{o['id']}" for o in (card, transfer, cod)):
        client.get(path, headers=shopper)
        client.get(path.replace("/orders/", "/admin/orders/"), headers=admin)
    client.get("/api/v1/orders", headers=shopper)
    client.get("/api/v1/admin/orders", headers=admin)
    for producer_id, headers in producers.items():
        client.get(portal_orders(producer_id), headers=headers)
        client.get(portal_orders(producer_id, part_of(card, producer_id)["id"]), headers=headers)
        client.get(f"/api/v1/portal/producers/{producer_id}/statement", headers=headers)
        client.get(f"/api/v1/portal/producers/{producer_id}/payouts", headers=headers)
    client.get("/api/v1/admin/payouts", headers=admin)
    client.get("/api/v1/admin/payout-runs", headers=admin)

    stamps = [(request, where, value) for request, body in answered for where, value in date_times(body)]
    fields = {where.rsplit(".", 1)[-1] for _request, where, _value in stamps}
    assert {"created_at", "paid_at", "reserved_until", "delivered_at"} <= fields
    assert any(".refunds_awaiting_allocation" in where for _request, where, _value in stamps)
    assert [(request, where, value) for request, where, value in stamps if not value.endswith("+07:00")] == []
