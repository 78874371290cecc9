"""Admins: every order, bank-transfer confirmation and refunds."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders.models import Order, StatusChange
from marketplace.payments.models import Payment, Refund
from tests.factories import ProductFactory, UserFactory, member_of
from tests.order_support import moves, part_of, place_order, portal_orders, see_other_commits, stock_of
from tests.stripe_support import eventually, pay_with_card

ADMIN_ORDERS = "/api/v1/admin/orders"


@pytest.fixture
def admin():
    return UserFactory(is_admin=True)


@pytest.fixture
def as_admin(bearer, admin):
    return bearer(admin)


@pytest.fixture
def honey():
    return ProductFactory()


@pytest.fixture
def tea():
    return ProductFactory()


def confirm_transfer(client, headers, order: dict, amount: int | None = None, reference: str = "FT26326123456"):
    return client.post(f"{ADMIN_ORDERS}/{order['id']}/confirm-transfer", headers=headers,
                       json={"amount_vnd": order["total_vnd"] if amount is None else amount,
                             "bank_reference": reference})


def refund(client, headers, order: dict, part: dict, amount: int, reason: str = "Hàng bị vỡ"):
    return client.post(f"{ADMIN_ORDERS}/{order['id']}/sub-orders/{part['id']}/refunds", headers=headers,
                       json={"amount_vnd": amount, "reason": reason})


def payment_of(order: dict) -> Payment:
    see_other_commits()
    return db.session.scalar(sa.select(Payment).where(Payment.order_id == order["id"]))


# --- seeing orders ----------------------------------------------------------------------------

def test_admins_list_every_order_newest_first(client, bearer, as_admin, honey):
    first = place_order(client, bearer(UserFactory()), honey.variants[0].id)
    second = place_order(client, bearer(UserFactory()), honey.variants[0].id, method="bank_transfer")

    page = client.get(ADMIN_ORDERS, headers=as_admin).json

    assert [o["id"] for o in page["items"]] == [second["id"], first["id"]]
    assert page["total"] == 2


def test_admins_filter_orders_by_status_and_payment(client, as_shopper, as_admin, honey):
    cod = place_order(client, as_shopper, honey.variants[0].id)
    waiting = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    paid = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    confirm_transfer(client, as_admin, paid)

    def listed(**query):
        return [o["id"] for o in client.get(ADMIN_ORDERS, query_string=query, headers=as_admin).json["items"]]

    assert listed(status="pending_payment") == [waiting["id"]]
    assert listed(status="in_progress") == [paid["id"], cod["id"]]
    assert listed(payment_method="bank_transfer") == [paid["id"], waiting["id"]]
    assert listed(payment_status="succeeded") == [paid["id"]]
    assert listed(payment_method="cod", payment_status="pending") == [cod["id"]]
    assert listed(status="cancelled") == []


def test_the_status_filter_pages_over_matching_orders_only(client, as_shopper, as_admin, honey):
    waiting = [place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")["id"] for _ in range(3)]
    place_order(client, as_shopper, honey.variants[0].id)

    page = client.get(ADMIN_ORDERS, query_string={"status": "pending_payment", "per_page": 2, "page": 2},
                      headers=as_admin).json

    assert [o["id"] for o in page["items"]] == [waiting[0]]
    assert (page["total"], page["pages"]) == (3, 2)


def test_admins_see_any_order_in_full(client, as_shopper, as_admin, honey, tea):
    order = place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id)

    response = client.get(f"{ADMIN_ORDERS}/{order['id']}", headers=as_admin)

    assert response.status_code == 200
    assert response.json == client.get(f"/api/v1/orders/{order['id']}", headers=as_shopper).json
    assert len(response.json["sub_orders"]) == 2


def test_admins_never_see_the_stripe_client_secret_only_the_paying_shopper_does(
        client, as_shopper, as_admin, honey, stripe_config):
    order = place_order(client, as_shopper, honey.variants[0].id, method="card")
    secret = order["payment"]["stripe"]["client_secret"]
    assert secret  # the shopper needs it to pay

    seen_by_admin = [client.get(f"{ADMIN_ORDERS}/{order['id']}", headers=as_admin),
                     client.get(ADMIN_ORDERS, headers=as_admin)]

    assert [r.status_code for r in seen_by_admin] == [200, 200]
    assert all(secret not in r.get_data(as_text=True) and "client_secret" not in r.get_data(as_text=True)
               for r in seen_by_admin)
    assert seen_by_admin[0].json["payment"]["stripe"] == {
        "payment_intent_id": order["payment"]["stripe"]["payment_intent_id"]}
    assert client.get(f"/api/v1/orders/{order['id']}", headers=as_shopper).json["payment"]["stripe"][
        "client_secret"] == secret


def test_the_document_promises_the_client_secret_to_no_admin_operation(client):
    document = client.get("/api/v1/openapi.json").json
    admin_schemas = {operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                     for path, item in document["paths"].items() if path.startswith(ADMIN_ORDERS)
                     for operation in item.values() if isinstance(operation, dict) and "responses" in operation
                     for status in operation["responses"] if status.startswith("2")}
    components = document["components"]["schemas"]

    def payment_description(ref):
        schema = components[ref.rsplit("/", 1)[-1]]
        if "items" in schema["properties"]:  # a page of them
            schema = components[schema["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]]
        return schema["properties"]["payment"].get("description", "")

    assert admin_schemas
    assert all("never its client secret" in payment_description(ref) for ref in admin_schemas)


def test_an_unknown_order_is_404(client, as_admin):
    responses = [client.get(f"{ADMIN_ORDERS}/999999", headers=as_admin),
                 client.post(f"{ADMIN_ORDERS}/999999/confirm-transfer", headers=as_admin,
                             json={"amount_vnd": 1000, "bank_reference": "FT1"})]

    assert [r.status_code for r in responses] == [404, 404]


@pytest.mark.parametrize("who", ["shopper", "producer owner"])
def test_non_admins_are_refused_everything(client, bearer, as_shopper, honey, who):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    headers = as_shopper if who == "shopper" else bearer(member_of(honey.producer))

    responses = [
        client.get(ADMIN_ORDERS, headers=headers),
        client.get(f"{ADMIN_ORDERS}/{order['id']}", headers=headers),
        confirm_transfer(client, headers, order),
        refund(client, headers, order, order["sub_orders"][0], 1000),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert payment_of(order).status == "pending"


def test_anonymous_callers_must_log_in(client, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id)

    responses = [client.get(ADMIN_ORDERS), client.get(f"{ADMIN_ORDERS}/{order['id']}")]

    assert [r.status_code for r in responses] == [401, 401]


# --- bank transfers -------------------------------------------------------------------------------

def test_confirming_the_transfer_confirms_every_part(client, as_shopper, admin, as_admin, honey, tea):
    order = place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id, method="bank_transfer")

    response = confirm_transfer(client, as_admin, order, reference="FT26326999999")

    assert response.status_code == 200
    assert response.json["status"] == "in_progress"
    assert [moves(s)[-1] for s in response.json["sub_orders"]] == [("pending_payment", "confirmed", "admin")] * 2
    assert response.json["payment"]["status"] == "succeeded"
    payment = payment_of(order)
    assert (payment.bank_reference, payment.paid_at is not None) == ("FT26326999999", True)
    confirmed_by = db.session.scalars(sa.select(StatusChange.actor_user_id)
                                      .where(StatusChange.to_status == "confirmed")).all()
    assert confirmed_by == [admin.id, admin.id]


@pytest.mark.parametrize("off_by", [-1, 1])
def test_a_transfer_of_the_wrong_amount_is_refused(client, as_shopper, as_admin, honey, off_by):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")

    response = confirm_transfer(client, as_admin, order, amount=order["total_vnd"] + off_by)

    assert response.status_code == 422
    assert "amount_vnd" in response.json["errors"]["json"]
    assert payment_of(order).status == "pending"
    assert client.get(f"/api/v1/orders/{order['id']}", headers=as_shopper).json["status"] == "pending_payment"


def test_a_transfer_cannot_be_confirmed_twice(client, as_shopper, as_admin, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    confirm_transfer(client, as_admin, order, reference="FT-FIRST")

    again = confirm_transfer(client, as_admin, order, reference="FT-SECOND")

    assert again.status_code == 409
    assert again.json["code"] == "already_paid"
    assert payment_of(order).bank_reference == "FT-FIRST"


def test_a_transfer_arriving_after_the_order_expired_is_refused(client, runner, as_shopper, as_admin, honey):
    order = place_order(client, as_shopper, (honey.variants[0].id, 2), method="bank_transfer")
    db.session.get(Order, order["id"]).reserved_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    runner.invoke(args=["orders", "expire-reservations"])

    response = confirm_transfer(client, as_admin, order)

    assert response.status_code == 409
    assert response.json["code"] == "order_expired"
    assert client.get(f"/api/v1/orders/{order['id']}", headers=as_shopper).json["status"] == "cancelled"
    assert stock_of(honey.variants[0].id) == 20


def test_only_bank_transfer_orders_can_be_confirmed_that_way(client, as_shopper, as_admin, honey):
    order = place_order(client, as_shopper, honey.variants[0].id)

    response = confirm_transfer(client, as_admin, order)

    assert response.status_code == 409
    assert response.json["code"] == "not_bank_transfer"


# --- refunds ----------------------------------------------------------------------------------

def test_nothing_can_be_refunded_before_it_is_paid(client, as_shopper, as_admin, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")

    response = refund(client, as_admin, order, order["sub_orders"][0], 10_000)

    assert response.status_code == 409
    assert response.json["code"] == "not_paid"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0


def test_a_refund_cannot_exceed_what_is_left_of_the_part(client, as_shopper, as_admin, honey, tea):
    order = place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id, method="bank_transfer")
    confirm_transfer(client, as_admin, order)
    part = part_of(order, honey.producer_id)
    refund(client, as_admin, order, part, 100_000)

    response = refund(client, as_admin, order, part, part["total_vnd"] - 100_000 + 1)

    assert response.status_code == 422
    assert "amount_vnd" in response.json["errors"]["json"]
    assert payment_of(order).refunded_vnd == 100_000


def test_a_refund_names_a_part_of_that_order(client, as_shopper, as_admin, honey):
    order = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    other = place_order(client, as_shopper, honey.variants[0].id, method="bank_transfer")
    confirm_transfer(client, as_admin, order)

    response = refund(client, as_admin, order, other["sub_orders"][0], 10_000)

    assert response.status_code == 404


def test_a_cash_part_is_refunded_after_the_cash_was_collected(client, bearer, as_shopper, as_admin, honey):
    order = place_order(client, as_shopper, honey.variants[0].id)
    part = order["sub_orders"][0]
    as_owner = bearer(member_of(honey.producer))
    client.post(portal_orders(honey.producer_id, part["id"], "ship"), headers=as_owner,
                json={"carrier": "VNPost", "tracking_number": "EE123456789VN"})
    client.post(portal_orders(honey.producer_id, part["id"], "deliver"), headers=as_owner,
                json={"cash_collected_vnd": part["total_vnd"]})

    response = refund(client, as_admin, order, part, 50_000, reason="Thiếu một hũ")

    assert response.status_code == 201
    assert response.json["sub_orders"][0]["refunded_vnd"] == 50_000
    assert response.json["sub_orders"][0]["status"] == "delivered"
    stored = db.session.scalars(sa.select(Refund)).one()
    assert (stored.amount_vnd, stored.reason, stored.stripe_refund_id) == (50_000, "Thiếu một hũ", None)


def test_a_card_part_is_refunded_in_part_then_in_full_through_stripe(client, as_shopper, admin, as_admin, honey,
                                                                     tea, live_server, stripe_config):
    order = place_order(client, as_shopper, (honey.variants[0].id, 2), tea.variants[0].id, method="card")
    pay_with_card(stripe_config, order["payment"]["stripe"]["payment_intent_id"])

    def paid():
        see_other_commits()
        return client.get(f"{ADMIN_ORDERS}/{order['id']}", headers=as_admin).json["status"] == "in_progress"

    assert eventually(paid), "the payment webhook did not arrive"
    part = part_of(order, honey.producer_id)

    partly = refund(client, as_admin, order, part, 120_000, reason="Một chai bị vỡ")
    fully = refund(client, as_admin, order, part, part["total_vnd"] - 120_000, reason="Trả lại phần còn lại")

    assert (partly.status_code, fully.status_code) == (201, 201)
    assert (part_of(partly.json, honey.producer_id)["status"],
            part_of(partly.json, honey.producer_id)["refunded_vnd"]) == ("confirmed", 120_000)
    after = part_of(fully.json, honey.producer_id)
    assert (after["status"], after["refunded_vnd"]) == ("refunded", part["total_vnd"])
    assert moves(after)[-1] == ("confirmed", "refunded", "admin")
    assert part_of(fully.json, tea.producer_id)["status"] == "confirmed"
    refunds = db.session.scalars(sa.select(Refund).order_by(Refund.id)).all()
    assert [(r.amount_vnd, r.sub_order_id, r.created_by_id) for r in refunds] == [
        (120_000, part["id"], admin.id), (part["total_vnd"] - 120_000, part["id"], admin.id)]
    assert all(r.stripe_refund_id and r.stripe_refund_id.startswith("re_") for r in refunds)
    assert len({r.stripe_refund_id for r in refunds}) == 2
    assert payment_of(order).refunded_vnd == part["total_vnd"]
    assert (stock_of(honey.variants[0].id), stock_of(tea.variants[0].id)) == (20, 19)
