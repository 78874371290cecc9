"""A certificate the producer declared, but no admin has verified yet, shows no
stars anywhere a shopper looks: the product page, the storefront, search hits,
the star filters and the stars facet. It says it awaits verification instead."""

from datetime import timedelta

import pytest

from marketplace.database import utcnow
from tests.factories import ProducerFactory, ProductFactory, UserFactory

SEARCH = "/api/v1/catalog/search"


@pytest.fixture
def admin(bearer):
    return bearer(UserFactory(is_admin=True))


@pytest.fixture
def unverified(app):
    """A published 4★ honey whose certificate awaits verification, beside a verified 3★ one."""
    producer = ProducerFactory(slug="htx-ong-mat")
    declared = ProductFactory(producer=producer, name="Mật ong bạc hà", ocop_stars=4, ocop_verified_at=None,
                              ocop_declared_at=utcnow())
    ProductFactory(producer=producer, name="Mật ong hoa ban", ocop_stars=3)
    return declared


def hit(client, name, **query):
    body = client.get(SEARCH, query_string={"per_page": 100, **query}).json
    return next((h for h in body["items"] if h["name"] == name), None), body


def test_the_product_page_shows_no_stars_and_says_it_awaits_verification(client, unverified):
    certification = client.get(f"/api/v1/products/{unverified.id}").json["certification"]

    assert certification["status"] == "awaiting_verification"
    assert (certification["stars"], certification["awarded_stars"], certification["verified"]) == (None, None, False)
    assert "verification" in certification["notice"]


def test_the_storefront_listing_shows_no_stars_for_it(client, unverified):
    items = client.get("/api/v1/storefronts/htx-ong-mat").json["products"]["items"]
    card = next(i for i in items if i["name"] == "Mật ong bạc hà")

    assert card["certification"]["stars"] is None
    assert card["certification"]["status"] == "awaiting_verification"


def test_sorting_a_storefront_by_stars_puts_the_verified_product_first(client, unverified):
    items = client.get("/api/v1/storefronts/htx-ong-mat", query_string={"sort": "stars"}).json["products"]["items"]

    assert [i["name"] for i in items] == ["Mật ong hoa ban", "Mật ong bạc hà"]


def test_a_search_hit_shows_no_stars_for_it(client, unverified):
    found, _body = hit(client, "Mật ong bạc hà", q="mat ong")

    assert found is not None
    assert found["certification"]["stars"] is None


def test_it_matches_no_star_filter(client, unverified):
    assert hit(client, "Mật ong bạc hà", stars=4)[0] is None
    assert hit(client, "Mật ong bạc hà", min_stars=3)[0] is None
    assert hit(client, "Mật ong hoa ban", min_stars=3)[0] is not None


def test_it_is_not_counted_in_the_stars_facet(client, unverified):
    _found, body = hit(client, "Mật ong bạc hà")
    stars = {entry["value"]: entry["count"] for entry in body["facets"]["stars"]}

    assert stars.get(4, 0) == 0
    assert stars.get(3) == 1


def test_once_an_admin_verifies_it_its_stars_show_everywhere(client, unverified, admin):
    assert client.post(f"/api/v1/admin/products/{unverified.id}/verify-certificate", headers=admin).status_code == 200

    assert client.get(f"/api/v1/products/{unverified.id}").json["certification"]["stars"] == 4
    found, body = hit(client, "Mật ong bạc hà", stars=4)
    assert found is not None and found["certification"]["stars"] == 4


def test_the_verification_queue_is_oldest_declaration_first(client, admin):
    now = utcnow()
    newest = ProductFactory(ocop_verified_at=None, ocop_declared_at=now)
    oldest = ProductFactory(ocop_verified_at=None, ocop_declared_at=now - timedelta(days=9))
    middle = ProductFactory(ocop_verified_at=None, ocop_declared_at=now - timedelta(days=2))
    ProductFactory()  # verified: not in the queue

    items = client.get("/api/v1/admin/products", query_string={"verified": "false"}, headers=admin).json["items"]

    assert [p["id"] for p in items] == [oldest.id, middle.id, newest.id]
    assert items[0]["declared_stars"] == 3
