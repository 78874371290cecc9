"""Bad input gets a 4xx JSON error (status, code, message, field errors) and writes nothing."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.producers.models import MemberRole
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, HA_NOI, ProducerFactory, ProductFactory, UserFactory, member_of

HA_NOI_WARD = 4  # Phường Ba Đình
GTIN = "8934567890120"
OTHER_GTIN = "8934567890137"
ISSUED_ON = today_vn() - timedelta(days=30)
NEXT_WEEK = today_vn() + timedelta(days=7)  # in the future even if the date in Vietnam changes mid-run
UNWATCHED_TABLES = {"regions", "provinces", "wards", "alembic_version", "api_tokens"}
ERROR_KEYS = {"status", "code", "message", "errors"}


def database_state():
    """Every row the app may write, read past the session's identity map."""
    return {table.name: db.session.execute(sa.select(table).order_by(*table.primary_key)).all()
            for table in db.metadata.sorted_tables if table.name not in UNWATCHED_TABLES}


def field_errors(response, path):
    """The messages at errors[location][field]..., e.g. path ("json", "certification", "stars")."""
    errors = response.json["errors"]
    for key in path:
        errors = errors[key]
    return errors


def assert_error(response, status, code):
    assert response.status_code == status
    assert response.is_json
    assert set(response.json) == ERROR_KEYS
    assert response.json["status"] == status
    assert response.json["code"] == code
    assert isinstance(response.json["message"], str) and response.json["message"]
    assert isinstance(response.json["errors"], dict)


def certificate(**overrides):
    return {"stars": 4, "decision_number": "1234/QĐ-UBND", "issuing_level": "provincial",
            "issued_on": ISSUED_ON.isoformat(), **overrides}


def valid_product(**overrides):
    return {"name": "Rượu táo mèo", "group": "beverages", "origin_province_code": DIEN_BIEN,
            "certification": certificate(), **overrides}


def valid_variant(**overrides):
    return {"label": "Chai 500 ml", "net_quantity": 500, "net_unit": "ml", "price_vnd": 180_000,
            "stock_quantity": 10, **overrides}


def valid_application(**overrides):
    return {"name": "Hợp tác xã Chè Shan tuyết", "legal_type": "cooperative", "province_code": DIEN_BIEN,
            "ward_code": DIEN_BIEN_WARD, **overrides}


@pytest.fixture
def producer():
    return ProducerFactory(slug="htx-ong-mat")


@pytest.fixture
def headers(bearer, producer):
    return bearer(member_of(producer, MemberRole.OWNER))


@pytest.fixture
def product(producer):
    """The product under edit; its producer also sells "ruou-ngo", whose variant has OTHER_GTIN."""
    ProductFactory(producer=producer, slug="ruou-ngo", variant__gtin=OTHER_GTIN)
    return ProductFactory(producer=producer, slug="mat-ong-hoa-ban", variant__gtin=GTIN)


@pytest.fixture
def products_url(producer):
    return f"/api/v1/portal/producers/{producer.id}/products"


@pytest.fixture
def variant_url(products_url, product):
    return f"{products_url}/{product.id}/variants/{product.variants[0].id}"


# --- products ------------------------------------------------------------------

PRODUCT_CASES = [
    pytest.param({"name": "M" * 201}, 422, "validation_error", ("json", "name"), id="name-201-chars"),
    pytest.param({"name": "   "}, 422, "validation_error", ("json", "name"), id="name-blank"),
    pytest.param({"name": 42}, 422, "validation_error", ("json", "name"), id="name-a-number"),
    pytest.param({"name": "Mật\x00ong"}, 422, "validation_error", ("json", "name"), id="name-with-nul"),
    pytest.param({"slug": "ruou-ngo"}, 409, "slug_taken", ("json", "slug"), id="duplicate-slug"),
    pytest.param({"slug": "Rượu Ngô"}, 422, "validation_error", ("json", "slug"), id="slug-not-ascii"),
    pytest.param({"slug": "s" * 121}, 422, "validation_error", ("json", "slug"), id="slug-121-chars"),
    pytest.param({"group": "weapons"}, 422, "validation_error", ("json", "group"), id="unknown-group"),
    pytest.param({"description": "m" * 10_001}, 422, "validation_error", ("json", "description"),
                 id="description-too-long"),
    pytest.param({"certification": certificate(stars=2)}, 422, "validation_error",
                 ("json", "certification", "stars"), id="stars-2"),
    pytest.param({"certification": certificate(stars=6)}, 422, "validation_error",
                 ("json", "certification", "stars"), id="stars-6"),
    pytest.param({"certification": certificate(stars="4")}, 422, "validation_error",
                 ("json", "certification", "stars"), id="stars-a-string"),
    pytest.param({"certification": certificate(stars=4.5)}, 422, "validation_error",
                 ("json", "certification", "stars"), id="stars-a-fraction"),
    pytest.param({"certification": certificate(stars=5)}, 422, "validation_error",
                 ("json", "certification", "issuing_level"), id="5-stars-issued-by-a-province"),
    pytest.param({"certification": certificate(stars=4, issuing_level="central")}, 422, "validation_error",
                 ("json", "certification", "issuing_level"), id="4-stars-issued-centrally"),
    pytest.param({"certification": certificate(issuing_level="district")}, 422, "validation_error",
                 ("json", "certification", "issuing_level"), id="unknown-issuing-level"),
    pytest.param({"certification": certificate(issued_on=NEXT_WEEK.isoformat())}, 422, "validation_error",
                 ("json", "certification", "issued_on"), id="certificate-issued-tomorrow"),
    pytest.param({"certification": certificate(issued_on="2024-02-30")}, 422, "validation_error",
                 ("json", "certification", "issued_on"), id="certificate-date-not-a-date"),
    pytest.param({"certification": certificate(valid_until=ISSUED_ON.isoformat())}, 422, "validation_error",
                 ("json", "certification", "valid_until"), id="certificate-ends-when-it-starts"),
    pytest.param({"certification": {"stars": 4}}, 422, "validation_error",
                 ("json", "certification", "decision_number"), id="certificate-incomplete"),
    pytest.param({"certification": None}, 422, "validation_error", ("json", "certification"),
                 id="certificate-null"),
    pytest.param({"origin_province_code": 99}, 422, "validation_error", ("json", "origin_province_code"),
                 id="unknown-province"),
    pytest.param({"origin_province_code": "11"}, 422, "validation_error", ("json", "origin_province_code"),
                 id="province-a-string"),
    pytest.param({"origin_province_code": DIEN_BIEN, "origin_ward_code": 999_999}, 422, "validation_error",
                 ("json", "origin_ward_code"), id="unknown-ward"),
    pytest.param({"origin_province_code": DIEN_BIEN, "origin_ward_code": HA_NOI_WARD}, 422, "validation_error",
                 ("json", "origin_ward_code"), id="ward-of-another-province"),
    pytest.param({"image_urls": "x"}, 422, "validation_error", ("json", "image_urls"), id="image-urls-not-a-list"),
    pytest.param({"image_urls": ["mat-ong.jpg"]}, 422, "validation_error", ("json", "image_urls"),
                 id="image-url-not-a-url"),
    pytest.param({"image_urls": [f"https://anh.vn/{n}.jpg" for n in range(11)]}, 422, "validation_error",
                 ("json", "image_urls"), id="eleven-images"),
    pytest.param({"available_months": [13]}, 422, "validation_error", ("json", "available_months"),
                 id="month-13"),
    pytest.param({"available_months": [3, 3]}, 422, "validation_error", ("json", "available_months"),
                 id="month-repeated"),
    pytest.param({"shelf_life_days": 0}, 422, "validation_error", ("json", "shelf_life_days"), id="shelf-life-0"),
    pytest.param({"certifications": ["halal"]}, 422, "validation_error", ("json", "certifications"),
                 id="unknown-certification"),
]


@pytest.mark.parametrize("changes, status, code, path", PRODUCT_CASES)
def test_a_bad_new_product_is_refused_and_nothing_is_written(client, headers, products_url, product,
                                                            changes, status, code, path):
    before = database_state()

    response = client.post(products_url, json=valid_product(**changes), headers=headers)

    assert_error(response, status, code)
    assert field_errors(response, path)
    assert database_state() == before


@pytest.mark.parametrize("changes, status, code, path", PRODUCT_CASES)
def test_a_bad_product_edit_is_refused_and_the_product_is_unchanged(client, headers, products_url, product,
                                                                   changes, status, code, path):
    before = database_state()

    response = client.patch(f"{products_url}/{product.id}", json={"description": "Đã sửa.", **changes},
                            headers=headers)

    assert_error(response, status, code)
    assert field_errors(response, path)
    assert database_state() == before


# --- variants ------------------------------------------------------------------

VARIANT_CASES = [
    pytest.param({"gtin": "8934567890121"}, 422, "validation_error", ("json", "gtin"), id="gtin-bad-check-digit"),
    pytest.param({"gtin": "89345678901"}, 422, "validation_error", ("json", "gtin"), id="gtin-11-digits"),
    pytest.param({"gtin": "893456789012A"}, 422, "validation_error", ("json", "gtin"), id="gtin-with-a-letter"),
    pytest.param({"gtin": "8" * 30}, 422, "validation_error", ("json", "gtin"), id="gtin-30-digits"),
    pytest.param({"gtin": 8934567890120}, 422, "validation_error", ("json", "gtin"), id="gtin-a-number"),
    pytest.param({"gtin": OTHER_GTIN}, 409, "gtin_taken", ("json", "gtin"), id="gtin-of-another-variant"),
    pytest.param({"price_vnd": 0}, 422, "validation_error", ("json", "price_vnd"), id="price-0"),
    pytest.param({"price_vnd": -180_000}, 422, "validation_error", ("json", "price_vnd"), id="price-negative"),
    pytest.param({"price_vnd": "250000"}, 422, "validation_error", ("json", "price_vnd"), id="price-a-string"),
    pytest.param({"price_vnd": 12.5}, 422, "validation_error", ("json", "price_vnd"), id="price-a-fraction"),
    pytest.param({"price_vnd": 180_000.0}, 422, "validation_error", ("json", "price_vnd"), id="price-a-float"),
    pytest.param({"price_vnd": True}, 422, "validation_error", ("json", "price_vnd"), id="price-a-boolean"),
    pytest.param({"price_vnd": None}, 422, "validation_error", ("json", "price_vnd"), id="price-null"),
    pytest.param({"price_vnd": 10**20}, 422, "validation_error", ("json", "price_vnd"), id="price-astronomical"),
    pytest.param({"stock_quantity": -1}, 422, "validation_error", ("json", "stock_quantity"), id="stock-negative"),
    pytest.param({"stock_quantity": "5"}, 422, "validation_error", ("json", "stock_quantity"), id="stock-a-string"),
    pytest.param({"net_quantity": 0}, 422, "validation_error", ("json", "net_quantity"), id="net-quantity-0"),
    pytest.param({"net_unit": "kg"}, 422, "validation_error", ("json", "net_unit"), id="unknown-unit"),
    pytest.param({"label": "L" * 81}, 422, "validation_error", ("json", "label"), id="label-81-chars"),
    pytest.param({"is_active": "maybe"}, 422, "validation_error", ("json", "is_active"), id="active-not-a-boolean"),
]


@pytest.mark.parametrize("changes, status, code, path", VARIANT_CASES)
def test_a_bad_new_variant_is_refused_and_nothing_is_written(client, headers, products_url, product,
                                                            changes, status, code, path):
    before = database_state()

    response = client.post(f"{products_url}/{product.id}/variants", json=valid_variant(**changes), headers=headers)

    assert_error(response, status, code)
    assert field_errors(response, path)
    assert database_state() == before


@pytest.mark.parametrize("changes, status, code, path", VARIANT_CASES)
def test_a_bad_variant_edit_is_refused_and_the_variant_is_unchanged(client, headers, variant_url,
                                                                   changes, status, code, path):
    before = database_state()

    response = client.patch(variant_url, json={"stock_quantity": 3, **changes}, headers=headers)

    assert_error(response, status, code)
    assert field_errors(response, path)
    assert database_state() == before


# --- producers -----------------------------------------------------------------

PRODUCER_CASES = [
    pytest.param({"province_code": 99}, 422, "validation_error", ("json", "province_code"), id="unknown-province"),
    pytest.param({"province_code": 11.0}, 422, "validation_error", ("json", "province_code"),
                 id="province-a-float"),
    pytest.param({"province_code": DIEN_BIEN, "ward_code": 999_999}, 422, "validation_error", ("json", "ward_code"),
                 id="unknown-ward"),
    pytest.param({"province_code": DIEN_BIEN, "ward_code": HA_NOI_WARD}, 422, "validation_error",
                 ("json", "ward_code"), id="ward-of-another-province"),
    pytest.param({"province_code": HA_NOI, "ward_code": DIEN_BIEN_WARD}, 422, "validation_error",
                 ("json", "ward_code"), id="ward-left-behind-in-the-old-province"),
    pytest.param({"slug": "htx-ong-mat"}, 409, "slug_taken", ("json", "slug"), id="duplicate-slug"),
    pytest.param({"slug": "htx--ong"}, 422, "validation_error", ("json", "slug"), id="slug-double-hyphen"),
    pytest.param({"name": "H" * 201}, 422, "validation_error", ("json", "name"), id="name-201-chars"),
    pytest.param({"name": None}, 422, "validation_error", ("json", "name"), id="name-null"),
    pytest.param({"street_address": "S" * 201}, 422, "validation_error", ("json", "street_address"),
                 id="street-address-201-chars"),
    pytest.param({"legal_type": "corporation"}, 422, "validation_error", ("json", "legal_type"),
                 id="unknown-legal-type"),
    pytest.param({"phone": "12345"}, 422, "validation_error", ("json", "phone"), id="phone-not-vietnamese"),
    pytest.param({"tax_code": "0100109107"}, 422, "validation_error", ("json", "tax_code"),
                 id="tax-code-bad-check-digit"),
    pytest.param({"status": "approved"}, 422, "validation_error", ("json", "status"), id="self-approval"),
]


@pytest.mark.parametrize("changes, status, code, path", PRODUCER_CASES)
def test_a_bad_application_is_refused_and_nothing_is_written(client, bearer, producer, changes, status, code, path):
    applicant = bearer(UserFactory())
    before = database_state()

    response = client.post("/api/v1/portal/producers", json=valid_application(**changes), headers=applicant)

    assert_error(response, status, code)
    assert field_errors(response, path)
    assert database_state() == before


@pytest.mark.parametrize("changes, status, code, path", PRODUCER_CASES)
def test_a_bad_profile_edit_is_refused_and_the_profile_is_unchanged(client, bearer, changes, status, code, path):
    ProducerFactory(slug="htx-ong-mat")
    mine = ProducerFactory(slug="htx-che-shan")
    headers = bearer(member_of(mine))
    before = database_state()

    response = client.patch(f"/api/v1/portal/producers/{mine.id}", json={"description": "Đã sửa.", **changes},
                            headers=headers)

    assert_error(response, status, code)
    assert field_errors(response, path)
    assert database_state() == before


def test_text_with_an_unpaired_surrogate_is_refused(client, headers, products_url, product):
    body = json.dumps(valid_product(name="M\ud800t ong"))
    before = database_state()

    response = client.post(products_url, data=body, content_type="application/json", headers=headers)

    assert_error(response, 422, "validation_error")
    assert field_errors(response, ("json", "name"))
    assert database_state() == before


@pytest.mark.parametrize("url, body", [
    pytest.param("/api/v1/portal/producers", valid_application(name="???"), id="application"),
    pytest.param("{products}", valid_product(name="蜂蜜"), id="product"),
])
def test_a_name_with_nothing_to_make_a_slug_from_needs_an_explicit_slug(client, headers, products_url, url, body):
    before = database_state()

    response = client.post(url.format(products=products_url), json=body, headers=headers)

    assert_error(response, 422, "validation_error")
    assert field_errors(response, ("json", "slug"))
    assert database_state() == before


# --- unknown fields ------------------------------------------------------------

@pytest.mark.parametrize("method, url, body, path", [
    pytest.param("post", "{products}", valid_product(price_vnd=180_000), ("price_vnd",), id="price-on-a-product"),
    pytest.param("patch", "{products}/{product}", {"status": "active"}, ("status",), id="status-on-a-product"),
    pytest.param("patch", "{products}/{product}", {"ocop_verified_at": "2025-01-01T00:00:00Z"},
                 ("ocop_verified_at",), id="self-verified-certificate"),
    pytest.param("post", "{products}", valid_product(certification=certificate(verified=True)),
                 ("certification", "verified"), id="verified-inside-the-certificate"),
    pytest.param("post", "{products}/{product}/variants", valid_variant(price=180_000), ("price",),
                 id="price-without-its-unit"),
    pytest.param("patch", "{products}/{product}/variants/{variant}", {"product_id": 1}, ("product_id",),
                 id="moving-a-variant"),
    pytest.param("patch", "{producer}", {"status": "approved"}, ("status",), id="self-approval"),
])
def test_an_unknown_field_is_named_and_nothing_is_written(client, headers, producer, products_url, product,
                                                          method, url, body, path):
    url = url.format(products=products_url, product=product.id, variant=product.variants[0].id,
                     producer=f"/api/v1/portal/producers/{producer.id}")
    before = database_state()

    response = getattr(client, method)(url, json=body, headers=headers)

    assert_error(response, 422, "validation_error")
    assert field_errors(response, ("json", *path)) == ["Unknown field."]
    assert database_state() == before


# --- bodies that are not JSON objects ----------------------------------------------

WRITE_ENDPOINTS = [
    pytest.param("post", "/api/v1/portal/producers", id="apply"),
    pytest.param("patch", "{producer}", id="edit-profile"),
    pytest.param("post", "{producer}/members", id="add-member"),
    pytest.param("post", "{producer}/products", id="create-product"),
    pytest.param("patch", "{producer}/products/{product}", id="edit-product"),
    pytest.param("post", "{producer}/products/{product}/variants", id="add-variant"),
    pytest.param("patch", "{producer}/products/{product}/variants/{variant}", id="edit-variant"),
]


def _url(template, producer, product):
    return template.format(producer=f"/api/v1/portal/producers/{producer.id}", product=product.id,
                           variant=product.variants[0].id)


@pytest.mark.parametrize("method, url", WRITE_ENDPOINTS)
@pytest.mark.parametrize("body", ['{"name": ', "{'name': 'Mật ong'}"])
def test_a_malformed_json_body_is_a_400(client, headers, producer, product, method, url, body):
    before = database_state()

    response = getattr(client, method)(_url(url, producer, product), data=body, content_type="application/json",
                                       headers=headers)

    assert_error(response, 400, "malformed_json")
    assert database_state() == before


@pytest.mark.parametrize("method, url", WRITE_ENDPOINTS)
@pytest.mark.parametrize("body", ["[]", '"Mật ong"', "null"])
def test_a_json_body_that_is_not_an_object_is_a_422(client, headers, producer, product, method, url, body):
    before = database_state()

    response = getattr(client, method)(_url(url, producer, product), data=body, content_type="application/json",
                                       headers=headers)

    assert_error(response, 422, "validation_error")
    assert field_errors(response, ("json",))
    assert database_state() == before


# --- the query string ------------------------------------------------------------

QUERY_CASES = [
    pytest.param("/api/v1/storefronts", {"per_page": 1000}, "per_page", id="per-page-1000"),
    pytest.param("/api/v1/storefronts", {"per_page": 0}, "per_page", id="per-page-0"),
    pytest.param("/api/v1/storefronts", {"per_page": "twenty"}, "per_page", id="per-page-a-word"),
    pytest.param("/api/v1/storefronts", {"page": 0}, "page", id="page-0"),
    pytest.param("/api/v1/storefronts", {"page": -1}, "page", id="page-negative"),
    pytest.param("/api/v1/storefronts", {"page": 1.5}, "page", id="page-a-fraction"),
    pytest.param("/api/v1/storefronts", {"province": 99}, "province", id="unknown-province"),
    pytest.param("/api/v1/storefronts", {"province": "dien-bien"}, "province", id="province-a-name"),
    pytest.param("/api/v1/storefronts/htx-ong-mat", {"sort": "cheapest"}, "sort", id="unknown-sort"),
    pytest.param("{products}", {"status": "published"}, "status", id="unknown-product-status"),
    pytest.param("{products}", {"per_page": 101}, "per_page", id="portal-per-page-101"),
]


@pytest.mark.parametrize("url, query, field", QUERY_CASES)
def test_a_bad_query_string_is_named_under_query(client, headers, products_url, url, query, field):
    response = client.get(url.format(products=products_url), query_string=query, headers=headers)

    assert_error(response, 422, "validation_error")
    assert field_errors(response, ("query", field))


# --- routes and methods ------------------------------------------------------------

@pytest.mark.parametrize("method, url", [
    pytest.param("get", "/api/v1/nowhere", id="unknown-path"),
    # Outside /api/ an unknown path is the HTML 404 page (tests/web/test_pages.py).
    pytest.param("get", "/api/v1/products/mat-ong", id="id-not-a-number"),
    pytest.param("get", "/api/v1/products/-1", id="negative-id"),
    pytest.param("get", "/api/v1/products/99999999999999999999999", id="id-too-big-for-the-database"),
    pytest.param("get", "/api/v1/portal/producers/99999999999999999999999", id="producer-id-too-big"),
    pytest.param("post", "{products}/{product}/frobnicate", id="unknown-action"),
])
def test_an_unknown_route_is_a_json_404(client, headers, products_url, product, method, url):
    response = getattr(client, method)(url.format(products=products_url, product=product.id), headers=headers)

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("method, url, allowed", [
    pytest.param("delete", "/api/v1/storefronts", {"GET"}, id="delete-the-storefront-list"),
    pytest.param("put", "{products}/{product}", {"GET", "PATCH"}, id="put-a-product"),
    pytest.param("delete", "{products}/{product}", {"GET", "PATCH"}, id="delete-a-product"),
    pytest.param("get", "{products}/{product}/publish", {"POST"}, id="get-an-action"),
])
def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(client, headers, products_url, product,
                                                             method, url, allowed):
    before = database_state()

    response = getattr(client, method)(url.format(products=products_url, product=product.id), headers=headers)

    assert_error(response, 405, "method_not_allowed")
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert database_state() == before


# --- one shape for every error -------------------------------------------------------

def _messages_are_lists_of_text(errors):
    if isinstance(errors, dict):
        return all(_messages_are_lists_of_text(nested) for nested in errors.values())
    return isinstance(errors, list) and all(isinstance(message, str) for message in errors)


def _shape(response):
    body = response.json
    return {
        "keys": set(body),
        "types": {key: type(value) for key, value in body.items()},
        "status_matches": body["status"] == response.status_code,
        "locations": set(body["errors"]),
        "leaves_are_lists_of_text": _messages_are_lists_of_text(body["errors"]),
    }


def test_domain_errors_and_schema_errors_have_the_same_shape(client, headers, products_url, product):
    domain_conflict = client.post(products_url, json=valid_product(slug="ruou-ngo"), headers=headers)
    schema_invalid = client.post(products_url, json=valid_product(name="M" * 201), headers=headers)

    assert (domain_conflict.status_code, schema_invalid.status_code) == (409, 422)
    assert _shape(domain_conflict) == _shape(schema_invalid)
    assert _shape(schema_invalid)["leaves_are_lists_of_text"]


def test_a_domain_rule_broken_after_the_schema_passed_reports_like_a_schema_error(client, headers, products_url):
    by_domain = client.post(products_url, json=valid_product(certification=certificate(stars=5)), headers=headers)
    by_schema = client.post(products_url, json=valid_product(certification=certificate(stars=6)), headers=headers)

    assert by_domain.status_code == by_schema.status_code == 422
    assert by_domain.json["code"] == by_schema.json["code"] == "validation_error"
    assert _shape(by_domain) == _shape(by_schema)
    assert set(by_domain.json["errors"]["json"]["certification"]) == {"issuing_level"}
    assert set(by_schema.json["errors"]["json"]["certification"]) == {"stars"}


def test_every_field_error_is_reported_at_once(client, headers, products_url):
    before = database_state()

    response = client.post(products_url, headers=headers, json={
        "name": "", "group": "weapons", "origin_province_code": 99, "image_urls": "x", "colour": "vàng"})

    assert_error(response, 422, "validation_error")
    assert set(response.json["errors"]["json"]) == {"name", "group", "origin_province_code", "image_urls", "colour"}
    assert database_state() == before
