from collections import Counter

import pytest

from tests.factories import DIEN_BIEN, HA_NOI, ProducerFactory, ProductFactory, UserFactory, member_of
from tests.search_engine import sync

SEARCH = "/api/v1/catalog/search"
SUGGEST = "/api/v1/catalog/suggest"
LAI_CHAU = 12


def searchable(**fields):
    """A product made by the factories: its insert is seen by search's tracking and indexed at commit."""
    return ProductFactory(**fields)


def search(client, **query):
    response = client.get(SEARCH, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def names(client, **query) -> list[str]:
    return [item["name"] for item in search(client, **query)["items"]]


def facet(body, name) -> dict:
    return {entry["value"]: entry["count"] for entry in body["facets"][name]}


# --- with the demo catalogue, on each backend -----------------------------------

@pytest.fixture
def demo_indexed(runner, search_backend):
    """The demo, loaded through the services, as the backend under test finds it."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    sync()


def test_mat_ong_finds_the_ban_flower_honey_first(client, demo_indexed):
    body = search(client, q="mat ong")

    assert body["items"][0]["name"] == "Mật ong hoa ban"
    assert "<mark>Mật</mark> <mark>ong</mark>" in body["items"][0]["highlight"]


def test_dien_bien_products_of_four_stars_or_more_are_all_that_is_returned(client, demo_indexed):
    body = search(client, province=DIEN_BIEN, min_stars=4, per_page=100)

    assert body["total"] == len(body["items"]) > 0
    assert {item["origin_province"]["code"] for item in body["items"]} == {DIEN_BIEN}
    assert all(item["certification"]["stars"] >= 4 for item in body["items"])


def test_the_stars_facet_counts_match_the_hits(client, demo_indexed):
    body = search(client, province=DIEN_BIEN, per_page=100)

    stars_of_hits = Counter(item["certification"]["stars"] for item in body["items"]
                            if item["certification"]["stars"])
    assert body["total"] == len(body["items"])
    assert facet(body, "stars") == dict(stars_of_hits)
    assert sum(stars_of_hits.values()) < body["total"]  # the demo's expired certificate counts for no stars


# --- the response ---------------------------------------------------------------

def test_a_search_answers_with_hits_pages_and_labelled_facets(client):
    searchable(name="Mật ong hoa ban", ocop_stars=4, certifications=["vietgap"])
    searchable(name="Mật ong rừng", description="Mật ong rừng tự nhiên.")

    body = search(client, q="mat ong", per_page=1)

    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (2, 1, 1, 2)
    (item,) = body["items"]
    assert "<mark>" in item["highlight"]
    assert item["origin_province"]["code"] == DIEN_BIEN
    assert item["producer"]["slug"] and item["price_from_vnd"] == 250_000
    assert body["facets"]["stars"] == [{"value": 3, "label": "3★", "count": 1},
                                       {"value": 4, "label": "4★", "count": 1}]
    assert body["facets"]["province"] == [{"value": DIEN_BIEN, "label": "Điện Biên", "count": 2}]
    assert body["facets"]["certification"] == [{"value": "vietgap", "label": "VietGAP", "count": 1}]
    assert set(body["facets"]) == {"province", "region", "stars", "group", "certification", "available_in"}


def test_an_empty_result_has_no_pages(client):
    searchable(name="Mật ong hoa ban")

    body = search(client, q="ca phe")

    assert (body["items"], body["total"], body["pages"]) == ([], 0, 0)


def test_several_provinces_are_given_as_repeated_keys(client):
    searchable(name="Mật ong Điện Biên", origin_province_code=DIEN_BIEN)
    searchable(name="Mắc ca Lai Châu", origin_province_code=LAI_CHAU)
    searchable(name="Nhãn lồng Hà Nội", origin_province_code=HA_NOI)

    body = client.get(f"{SEARCH}?province={DIEN_BIEN}&province={LAI_CHAU}").json

    assert {item["name"] for item in body["items"]} == {"Mắc ca Lai Châu", "Mật ong Điện Biên"}
    assert facet(body, "province") == {DIEN_BIEN: 1, LAI_CHAU: 1, HA_NOI: 1}


def test_an_archived_product_is_gone_from_the_next_search(client, bearer):
    honey = searchable(name="Mật ong hoa ban")
    searchable(name="Mật ong rừng")
    owner = member_of(honey.producer)

    archived = client.post(f"/api/v1/portal/producers/{honey.producer_id}/products/{honey.id}/archive",
                           headers=bearer(owner))

    assert archived.status_code == 200
    assert names(client, q="mat ong") == ["Mật ong rừng"]


def test_a_suspended_producers_products_are_gone_from_the_next_search(client, bearer):
    honey = searchable(name="Mật ong hoa ban", producer=ProducerFactory())
    admin = UserFactory(is_admin=True)

    suspended = client.post(f"/api/v1/admin/producers/{honey.producer_id}/suspend",
                            json={"reason": "Vi phạm quy định."}, headers=bearer(admin))

    assert suspended.status_code == 200
    assert search(client, q="mat ong")["total"] == 0


def test_highlights_escape_markup_written_by_producers(client):
    searchable(name="Mật ong hoa ban", description="<script>alert(1)</script> Mật ong rừng & sáp ong")

    highlight = search(client, q="mat ong")["items"][0]["highlight"]

    assert "<script>" not in highlight
    assert "&lt;script&gt;" in highlight and "<mark>ong</mark>" in highlight


# --- bad parameters -------------------------------------------------------------

@pytest.mark.parametrize("query, field", [
    ({"province": 99}, "province"),
    ({"available_in_province": 99}, "available_in_province"),
    ({"ward": 999_999}, "ward"),
    ({"region": "atlantis"}, "region"),
    ({"min_stars": 9}, "min_stars"),
    ({"min_stars": 2}, "min_stars"),
    ({"stars": 6}, "stars"),
    ({"price_min": -1}, "price_min"),
    ({"price_max": -50_000}, "price_max"),
    ({"price_min": "cheap"}, "price_min"),
    ({"price_min": 300_000, "price_max": 100_000}, "price_max"),
    ({"per_page": 10_000}, "per_page"),
    ({"per_page": 0}, "per_page"),
    ({"page": 0}, "page"),
    ({"page": 501}, "page"),
    ({"page": 200, "per_page": 100}, "page"),
    ({"sort": "cheapest"}, "sort"),
    ({"group": "weapons"}, "group"),
    ({"certification": "iso_9001"}, "certification"),
    ({"producer_type": "ngo"}, "producer_type"),
    ({"in_stock": "maybe"}, "in_stock"),
    ({"q": "x" * 201}, "q"),
])
def test_a_bad_parameter_is_refused_naming_the_field(client, query, field):
    response = client.get(SEARCH, query_string=query)

    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert field in response.json["errors"]["query"]


def test_the_last_allowed_page_is_answered(client):
    response = client.get(SEARCH, query_string={"page": 100, "per_page": 100})

    assert response.status_code == 200
    assert response.json["items"] == []


# --- suggest --------------------------------------------------------------------

def test_suggest_offers_at_most_ten_names(client):
    producer = ProducerFactory(name="Hợp tác xã Trà Shan")
    for n in range(12):
        ProductFactory(name=f"Trà shan tuyết {n}", producer=producer)

    response = client.get(SUGGEST, query_string={"q": "tra"})

    assert response.status_code == 200
    assert len(response.json["suggestions"]) == 10
    assert {s["kind"] for s in response.json["suggestions"]} == {"product"}


def test_suggest_lists_products_then_producers_with_their_links(client):
    honey = searchable(name="Mật ong hoa ban", producer=ProducerFactory(name="Hợp tác xã Ong mật", slug="htx-ong-mat"))

    response = client.get(SUGGEST, query_string={"q": "mat"})

    assert response.json["suggestions"] == [
        {"text": "Mật ong hoa ban", "kind": "product", "product_id": honey.id, "producer_slug": None},
        {"text": "Hợp tác xã Ong mật", "kind": "producer", "product_id": None, "producer_slug": "htx-ong-mat"},
    ]


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "x" * 101}])
def test_suggest_needs_a_short_q(client, query):
    response = client.get(SUGGEST, query_string=query)

    assert response.status_code == 422
    assert "q" in response.json["errors"]["query"]
