"""A shopper's saved shipping addresses (checkout can then use one by id)."""

import pytest

from marketplace.orders.addresses import MAX_ADDRESSES
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, UserFactory
from tests.order_support import ADDRESS, LAI_CHAU, LAI_CHAU_WARD

ADDRESSES = "/api/v1/addresses"


@pytest.fixture
def as_ha(bearer):
    return bearer(UserFactory())


def save(client, headers, **fields):
    return client.post(ADDRESSES, json={**ADDRESS, **fields}, headers=headers)


def test_the_first_saved_address_is_the_default_and_comes_back_normalised(client, as_ha):
    response = save(client, as_ha, label="Nhà", phone="0912 345 678")

    assert response.status_code == 201
    saved = response.json
    assert (saved["label"], saved["is_default"], saved["phone"]) == ("Nhà", True, "+84912345678")
    assert saved["ward"]["code"] == ADDRESS["ward_code"]
    assert client.get(ADDRESSES, headers=as_ha).json == [saved]


def test_a_new_default_takes_over_and_the_default_is_listed_first(client, as_ha):
    home = save(client, as_ha, label="Nhà").json
    office = save(client, as_ha, label="Công ty", is_default=True).json

    listed = client.get(ADDRESSES, headers=as_ha).json
    assert [(a["id"], a["is_default"]) for a in listed] == [(office["id"], True), (home["id"], False)]


def test_removing_the_default_makes_another_one_the_default(client, as_ha):
    home = save(client, as_ha, label="Nhà").json
    save(client, as_ha, label="Công ty")

    assert client.delete(f"{ADDRESSES}/{home['id']}", headers=as_ha).status_code == 204
    assert [a["is_default"] for a in client.get(ADDRESSES, headers=as_ha).json] == [True]


def test_an_address_can_move_to_another_province_with_its_ward(client, as_ha):
    home = save(client, as_ha).json

    moved = client.patch(f"{ADDRESSES}/{home['id']}", headers=as_ha,
                         json={"province_code": LAI_CHAU, "ward_code": LAI_CHAU_WARD})
    assert moved.status_code == 200
    assert moved.json["province"]["code"] == LAI_CHAU

    alone = client.patch(f"{ADDRESSES}/{home['id']}", headers=as_ha, json={"province_code": DIEN_BIEN})
    assert alone.status_code == 422 and "ward_code" in alone.json["errors"]["json"]


def test_a_ward_outside_the_province_is_refused_and_nothing_is_saved(client, as_ha):
    response = save(client, as_ha, province_code=LAI_CHAU, ward_code=DIEN_BIEN_WARD)

    assert response.status_code == 422
    assert client.get(ADDRESSES, headers=as_ha).json == []


def test_at_most_ten_addresses(client, as_ha):
    for n in range(MAX_ADDRESSES):
        assert save(client, as_ha, label=f"#{n}").status_code == 201

    response = save(client, as_ha, label="one too many")
    assert (response.status_code, response.json["code"]) == (409, "too_many_addresses")


def test_nobody_sees_or_changes_anothers_address(client, as_ha, bearer):
    home = save(client, as_ha).json
    as_binh = bearer(UserFactory())

    assert client.get(ADDRESSES, headers=as_binh).json == []
    assert client.patch(f"{ADDRESSES}/{home['id']}", headers=as_binh, json={"label": "x"}).status_code == 404
    assert client.delete(f"{ADDRESSES}/{home['id']}", headers=as_binh).status_code == 404
    assert client.get(ADDRESSES, headers=as_ha).json[0]["label"] == ""
