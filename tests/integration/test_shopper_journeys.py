"""The issue's acceptance journeys, over HTTP, on the demo catalogue.

A new shopper fills a cart from two demo producers and pays by card, cash on
delivery or bank transfer; each producer's owner ships and delivers their
own part; the shopper sees the order delivered.
"""

import pytest

from marketplace.demo.data import ACCOUNTS, DEMO_PASSWORD
from tests.order_support import see_other_commits
from tests.stripe_support import eventually, pay_with_card

HONEY = ("htx-ong-mat-dien-bien", "Mật ong hoa ban", "Chai 500 ml", "ongmat@demo.ocop.vn")
NOODLES = ("htx-tai-hoan", "Miến dong Tài Hoan", "Gói 500 g", "taihoan@demo.ocop.vn")
HOME = {"recipient_name": "Nguyễn Thị Lan", "phone": "0987654321", "province_code": 1, "ward_code": 70,
        "street_address": "25 Hàng Bè"}


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def logged_in(app, email, password=DEMO_PASSWORD):
    """A browser of its own, logged in with a session cookie."""
    browser = app.test_client()
    response = browser.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.json
    return browser


def new_shopper(app):
    browser = app.test_client()
    response = browser.post("/api/v1/auth/register", json={
        "email": "lan.nguyen@example.vn", "password": "hoa-ban-no-trang-2026", "full_name": "Nguyễn Thị Lan"})
    assert response.status_code == 201, response.json
    return browser


def variant_on_sale(browser, storefront, product_name, label) -> dict:
    """Find a pack the way a shopper does: storefront, then product page."""
    page = browser.get(f"/api/v1/storefronts/{storefront}", query_string={"per_page": 100}).json
    card = next(p for p in page["products"]["items"] if p["name"] == product_name)
    product = browser.get(f"/api/v1/products/{card['id']}").json
    return next(v for v in product["variants"] if v["label"] == label)


def own_producer_id(browser) -> int:
    memberships = browser.get("/api/v1/auth/me").json["roles"]["producers"]
    assert len(memberships) == 1 and memberships[0]["role"] == "owner"
    return memberships[0]["producer_id"]


def order_seen(shopper, order_id) -> dict:
    see_other_commits()
    return shopper.get(f"/api/v1/orders/{order_id}").json


def fill_cart_and_check_out(shopper, method: str) -> dict:
    honey = variant_on_sale(shopper, *HONEY[:3])
    noodles = variant_on_sale(shopper, *NOODLES[:3])
    shopper.put(f"/api/v1/cart/lines/{honey['id']}", json={"quantity": 2})
    cart = shopper.put(f"/api/v1/cart/lines/{noodles['id']}", json={"quantity": 3}).json
    assert {g["producer"]["slug"] for g in cart["groups"]} == {HONEY[0], NOODLES[0]}
    assert cart["items_total_vnd"] == 2 * honey["price_vnd"] + 3 * noodles["price_vnd"]

    response = shopper.post("/api/v1/checkout", json={"payment_method": method, "shipping_address": HOME},
                            headers={"Idempotency-Key": f"journey-{method}-0001"})
    assert response.status_code == 201, response.json
    order = response.json
    assert {s["producer"]["slug"] for s in order["sub_orders"]} == {HONEY[0], NOODLES[0]}
    assert order["total_vnd"] == cart["items_total_vnd"] + order["shipping_total_vnd"]
    assert shopper.get("/api/v1/cart").json["groups"] == []
    return order


def each_producer_ships_and_delivers(app, order: dict, collect_cash: bool) -> None:
    for _storefront, _name, _label, owner_email in (HONEY, NOODLES):
        producer = logged_in(app, owner_email)
        producer_id = own_producer_id(producer)
        portal = f"/api/v1/portal/producers/{producer_id}/orders"
        [part] = [s for s in producer.get(portal, query_string={"status": "confirmed"}).json["items"]
                  if s["order_number"] == order["number"]]
        assert part["shipping_address"]["recipient_name"] == HOME["recipient_name"]

        shipped = producer.post(f"{portal}/{part['id']}/ship",
                                json={"carrier": "Viettel Post", "tracking_number": f"VTP{part['id']:09d}"})
        cash = {"cash_collected_vnd": part["total_vnd"]} if collect_cash else {}
        delivered = producer.post(f"{portal}/{part['id']}/deliver", json=cash)

        assert (shipped.status_code, delivered.status_code) == (200, 200), (shipped.json, delivered.json)
        assert delivered.json["status"] == "delivered"


def test_a_new_shopper_pays_by_card_and_both_producers_deliver(app, demo, live_server, stripe_config):
    shopper = new_shopper(app)
    order = fill_cart_and_check_out(shopper, "card")
    assert order["status"] == "pending_payment"

    pay_with_card(stripe_config, order["payment"]["stripe"]["payment_intent_id"])

    assert eventually(lambda: order_seen(shopper, order["id"])["status"] == "in_progress"), "no webhook"
    assert {s["status"] for s in order_seen(shopper, order["id"])["sub_orders"]} == {"confirmed"}
    each_producer_ships_and_delivers(app, order, collect_cash=False)
    delivered = order_seen(shopper, order["id"])
    assert delivered["status"] == "delivered"
    assert delivered["payment"]["status"] == "succeeded"
    assert all(s["carrier"] == "Viettel Post" and s["delivered_at"] for s in delivered["sub_orders"])


def test_a_new_shopper_pays_cash_on_delivery_and_both_producers_collect_it(app, demo):
    shopper = new_shopper(app)
    order = fill_cart_and_check_out(shopper, "cod")
    assert order["status"] == "in_progress"

    each_producer_ships_and_delivers(app, order, collect_cash=True)

    delivered = order_seen(shopper, order["id"])
    assert delivered["status"] == "delivered"
    assert delivered["payment"]["status"] == "succeeded"
    assert sum(s["cash_collected_vnd"] for s in delivered["sub_orders"]) == order["total_vnd"]


def test_a_new_shopper_pays_by_bank_transfer_and_the_admin_confirms_it(app, demo):
    shopper = new_shopper(app)
    order = fill_cart_and_check_out(shopper, "bank_transfer")
    transfer = order["payment"]["bank_transfer"]
    assert order["status"] == "pending_payment"
    assert transfer["reference"] in transfer["instructions"]

    admin = logged_in(app, ACCOUNTS["admin"]["email"])
    confirmed = admin.post(f"/api/v1/admin/orders/{order['id']}/confirm-transfer",
                           json={"amount_vnd": transfer["amount_vnd"], "bank_reference": "FT26326000042"})

    assert confirmed.status_code == 200, confirmed.json
    assert order_seen(shopper, order["id"])["status"] == "in_progress"
    each_producer_ships_and_delivers(app, order, collect_cash=False)
    delivered = order_seen(shopper, order["id"])
    assert delivered["status"] == "delivered"
    assert delivered["payment"]["status"] == "succeeded"
