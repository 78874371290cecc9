"""Finding an order by what a shopper reads out on the phone: its number or
transfer reference, their email, or their phone however it is typed. Admins
search every order (q= on /admin/orders); a producer only its own parts."""

import pytest

from tests.factories import ProductFactory, UserFactory, member_of
from tests.order_support import address, place_order, portal_orders

ADMIN_ORDERS = "/api/v1/admin/orders"


@pytest.fixture
def as_admin(bearer):
    return bearer(UserFactory(is_admin=True))


@pytest.fixture
def orders(client, bearer):
    """Three orders of one honey: Hà's by transfer, Hà's by COD, and Bình's by COD from another phone."""
    honey = ProductFactory()
    ha = bearer(UserFactory(email="Tran.Thu.Ha@example.vn"))
    binh = bearer(UserFactory(email="binh@example.vn"))
    by_transfer = place_order(client, ha, honey.variants[0].id, method="bank_transfer")
    cod = place_order(client, ha, honey.variants[0].id)
    other = place_order(client, binh, honey.variants[0].id, shipping_address=address(phone="0987 654 321"))
    return {"honey": honey, "transfer": by_transfer, "cod": cod, "other": other}


def found(client, headers, url, q) -> list[str]:
    """The numbers of the orders found (a producer's list shows its parts, each with its order's number)."""
    response = client.get(url, query_string={"q": q}, headers=headers)
    assert response.status_code == 200, response.json
    return sorted(item.get("order_number") or item["number"] for item in response.json["items"])


def ids(*orders) -> list[str]:
    return sorted(o["number"] for o in orders)


def test_admins_find_an_order_by_its_number_whatever_the_case(client, as_admin, orders):
    assert found(client, as_admin, ADMIN_ORDERS, orders["cod"]["number"].lower()) == ids(orders["cod"])


def test_admins_find_an_order_by_its_bank_transfer_reference(client, as_admin, orders):
    reference = orders["transfer"]["payment"]["bank_transfer"]["reference"]

    assert found(client, as_admin, ADMIN_ORDERS, reference) == ids(orders["transfer"])


def test_admins_find_every_order_of_a_shoppers_email_in_any_case(client, as_admin, orders):
    assert found(client, as_admin, ADMIN_ORDERS, "tran.thu.ha@EXAMPLE.vn") == ids(orders["transfer"], orders["cod"])


def test_admins_find_orders_by_phone_typed_with_spaces_or_as_plus_84(client, as_admin, orders):
    assert found(client, as_admin, ADMIN_ORDERS, "0987 654 321") == ids(orders["other"])
    assert found(client, as_admin, ADMIN_ORDERS, "+84987654321") == ids(orders["other"])


def test_a_search_that_matches_nothing_is_an_empty_page(client, as_admin, orders):
    assert found(client, as_admin, ADMIN_ORDERS, "OCNOTHING") == []
    assert found(client, as_admin, ADMIN_ORDERS, "%") == []


def test_a_producer_finds_its_parts_by_number_or_phone(client, bearer, orders):
    producer = orders["honey"].producer
    as_owner = bearer(member_of(producer))
    url = portal_orders(producer.id)

    assert found(client, as_owner, url, orders["cod"]["number"]) == ids(orders["cod"])
    assert found(client, as_owner, url, "0987654321") == ids(orders["other"])


def test_a_producer_finds_nothing_of_another_producers_orders(client, bearer, orders):
    stranger = ProductFactory().producer
    as_stranger = bearer(member_of(stranger))

    assert found(client, as_stranger, portal_orders(stranger.id), orders["cod"]["number"]) == []
