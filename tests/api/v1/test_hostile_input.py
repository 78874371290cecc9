"""Hostile input that once reached a 500 (or was silently ignored) is refused with a
4xx JSON error, and writes nothing (issue #10, items 12-17).

Each check lives in one place (marketplace/api.py and marketplace/json_body.py
for the URL and every JSON body, marketplace.schemas.Date for dates), so these
tests try it on a spread of operations: public, an owner's, an admin's, an
operator's.
"""

import json

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.payouts.models import PayoutRun
from tests.api.v1.test_bad_input import assert_error, certificate, database_state, valid_product
from tests.api.v1.world import build_world
from tests.factories import UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def world(app):
    return build_world(buyer_role="owner")


def _json_operations(world):
    """(method, url, caller) for operations that take a JSON body, one per kind of caller."""
    producer = f"/api/v1/portal/producers/{world.producer.id}"
    return [
        ("post", "/api/v1/auth/login", "anonymous"),
        ("post", "/api/v1/auth/register", "anonymous"),
        ("patch", producer, "owner"),
        ("post", f"{producer}/members", "owner"),
        ("post", f"{producer}/products", "owner"),
        ("post", "/api/v1/admin/payout-runs", "admin"),
        ("post", f"/api/v1/admin/display-points/{world.point.id}/operators", "admin"),
        ("put", "/api/v1/cart/lines/" + str(world.variant.id), "owner"),
    ]


def _send(client, world, method, url, caller, data, content_type="application/json"):
    return getattr(client, method)(url, data=data, content_type=content_type, headers=world.bearer(caller))


# --- 12. nesting and size ----------------------------------------------------------

def _nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize("body", [
    pytest.param("[" * 5000 + "]" * 5000, id="5000-nested-lists"),
    pytest.param(_nested(5000), id="5000-nested-objects"),
    pytest.param('{"producer_ids": ' + "[" * 33 + "]" * 33 + "}", id="33-levels-inside-a-field"),
])
def test_json_nested_too_deeply_is_refused_on_every_operation(client, world, body):
    before = database_state()

    for method, url, caller in _json_operations(world):
        response = _send(client, world, method, url, caller, body)

        assert_error(response, 422, "validation_error")
        assert response.json["errors"]["json"], (method, url)
    assert database_state() == before


@pytest.mark.parametrize("number", ["1" * 5000, "-" + "9" * 101])
def test_an_integer_of_thousands_of_digits_is_refused(client, world, number):
    before = database_state()

    for method, url, caller in _json_operations(world):
        response = _send(client, world, method, url, caller, '{"producer_ids": [' + number + "]}")

        assert_error(response, 422, "validation_error")
    assert database_state() == before


def test_json_nested_within_the_limit_is_parsed_as_usual(client, world):
    shallow = '{"producer_ids": ' + "[" * 20 + "]" * 20 + "}"

    response = _send(client, world, "post", "/api/v1/admin/payout-runs", "admin", shallow)

    assert_error(response, 422, "validation_error")  # the schema, not the parser, refuses it
    assert "producer_ids" in response.json["errors"]["json"]


def test_a_body_over_the_size_limit_is_a_413(app, client, world):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit and limit <= 1024 * 1024
    body = json.dumps({"email": "a@b.vn", "password": "x" * limit})

    response = _send(client, world, "post", "/api/v1/auth/login", "anonymous", body)

    assert_error(response, 413, "payload_too_large")


def test_strings_in_a_large_valid_body_are_still_accepted(client, world):
    body = json.dumps({"description": "Mật ong hoa ban. " * 250})

    response = _send(client, world, "patch", f"/api/v1/portal/producers/{world.producer.id}", "owner", body)

    assert response.status_code == 200, response.json


# --- 13. dates ---------------------------------------------------------------------

def _date_range_urls(world):
    producer = f"/api/v1/portal/producers/{world.producer.id}"
    return [
        (f"{producer}/orders", "owner"),
        (f"{producer}/statement", "owner"),
        (f"{producer}/statement.csv", "owner"),
        (f"{producer}/display-points/sales", "owner"),
        (f"{producer}/display-points/returns", "owner"),
        ("/api/v1/admin/revenue?period=day", "admin"),
        ("/api/v1/admin/reports/point-sales?period=day", "admin"),
        ("/api/v1/admin/reports/point-sales.csv?period=day", "admin"),
        (f"/api/v1/points/{world.point.id}/movements", "operator"),
    ]


@pytest.mark.parametrize("query", ["since=0001-01-01", "until=9999-12-31", "since=1999-12-31", "until=2101-01-01"])
def test_a_date_out_of_range_is_refused_on_every_date_range(client, world, query):
    field = query.split("=")[0]

    for url, caller in _date_range_urls(world):
        joined = f"{url}{'&' if '?' in url else '?'}{query}"
        response = client.get(joined, headers=world.bearer(caller))

        assert_error(response, 422, "validation_error")
        assert response.json["errors"]["query"][field], joined


def test_dates_at_the_ends_of_the_range_are_accepted(client, world):
    for url, caller in _date_range_urls(world):
        joined = f"{url}{'&' if '?' in url else '?'}since=2000-01-01&until=2100-12-31"
        response = client.get(joined, headers=world.bearer(caller))

        assert response.status_code == 200, (joined, response.get_data(as_text=True)[:300])


def test_a_certificate_date_out_of_range_is_refused(client, world):
    response = client.post(f"/api/v1/portal/producers/{world.producer.id}/products",
                           json=valid_product(certification=certificate(issued_on="0001-01-01")),
                           headers=world.bearer("owner"))

    assert_error(response, 422, "validation_error")
    assert response.json["errors"]["json"]["certification"]["issued_on"]


# --- 14. unpaired surrogates ------------------------------------------------------

SURROGATE = "\ud800"


def _raw(body: dict) -> str:
    return json.dumps(body)  # ensure_ascii: the surrogate travels as the escape \ud800


@pytest.mark.parametrize("method, url, caller, body, field", [
    pytest.param("post", "/api/v1/auth/login", "anonymous", {"email": "{email}", "password": SURROGATE},
                 "password", id="login-password"),
    pytest.param("post", "/api/v1/auth/register", "anonymous",
                 {"email": f"mai@ocop{SURROGATE}.vn", "password": PASSWORD, "full_name": "Lò Thị Mai"},
                 "email", id="register-email"),
    pytest.param("post", "/api/v1/portal/producers/{producer}/members", "owner",
                 {"email": f"mai@ocop{SURROGATE}.vn", "role": "staff"}, "email", id="add-member-email"),
    pytest.param("post", "/api/v1/admin/display-points/{point}/operators", "admin",
                 {"email": f"mai@ocop{SURROGATE}.vn"}, "email", id="assign-operator-email"),
    pytest.param("post", "/api/v1/auth/tokens", "owner", {"name": f"CLI {SURROGATE}"}, "name", id="token-name"),
])
def test_an_unpaired_surrogate_in_any_string_is_refused(client, world, method, url, caller, body, field):
    registered = UserFactory(email="mai@ocop.vn")
    body = {key: value.format(email=registered.email) for key, value in body.items()}
    url = url.format(producer=world.producer.id, point=world.point.id)
    before = database_state()

    response = _send(client, world, method, url, caller, _raw(body))

    assert_error(response, 422, "validation_error")
    assert response.json["errors"]["json"][field]
    assert database_state() == before


def test_an_unpaired_surrogate_in_a_key_or_a_list_is_refused(client, world):
    body = _raw({"producer_ids": [1, SURROGATE], SURROGATE: 1})

    response = _send(client, world, "post", "/api/v1/admin/payout-runs", "admin", body)

    assert_error(response, 422, "validation_error")
    assert response.json["errors"]["json"]["producer_ids"]["1"]


def test_a_surrogate_pair_is_a_character_and_is_accepted(client, world):
    body = _raw({"description": "Mật ong \U0001F41D"})  # json.dumps writes the bee as a surrogate pair

    response = _send(client, world, "patch", f"/api/v1/portal/producers/{world.producer.id}", "owner", body)

    assert response.status_code == 200
    assert response.json["description"] == "Mật ong \U0001F41D"


# --- 15. NUL in the path and the query string ---------------------------------------

@pytest.mark.parametrize("url", [
    "/api/v1/storefronts/%00",
    "/api/v1/storefronts/htx%00",
    "/api/v1/storefronts/htx/%00",
    "/api/v1/products/%00",
    "/api/v1/nowhere%00",
])
def test_a_nul_in_the_path_is_a_404(client, world, url):
    response = client.get(url)

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("url, field", [
    ("/api/v1/catalog/search?q=m%00t", "q"),
    ("/api/v1/storefronts?province=%00", "province"),
])
def test_a_nul_in_the_query_string_is_a_422(client, world, url, field):
    response = client.get(url)

    assert_error(response, 422, "validation_error")
    assert response.json["errors"]["query"][field]


# --- 16. a JSON body under another content type -----------------------------------

@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_payout_run_filter_under_another_content_type_is_a_415_and_pays_nobody(client, world, content_type):
    headers = world.bearer("admin")
    if content_type:
        headers["Content-Type"] = content_type

    response = client.post("/api/v1/admin/payout-runs", data=json.dumps({"producer_ids": [world.producer.id]}),
                           headers=headers)

    assert_error(response, 415, "unsupported_media_type")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PayoutRun)) == 0


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", "application/xml"])
def test_every_json_operation_refuses_a_body_of_another_type(client, world, content_type):
    before = database_state()

    for method, url, caller in _json_operations(world):
        response = _send(client, world, method, url, caller, '{"name": 5}', content_type=content_type)

        assert_error(response, 415, "unsupported_media_type")
    assert database_state() == before


def test_json_with_a_charset_or_a_json_suffix_is_json(client, world):
    url = f"/api/v1/portal/producers/{world.producer.id}"
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = _send(client, world, "patch", url, "owner", '{"name": 5}', content_type=content_type)

        assert_error(response, 422, "validation_error")
        assert response.json["errors"]["json"]["name"]


def test_an_operation_whose_body_is_optional_still_runs_without_one(client, world):
    response = client.post("/api/v1/admin/payout-runs", headers=world.bearer("admin"))

    assert response.status_code == 201


# --- 17. the document tells the truth about null ------------------------------------
# tests/api/v1/test_fuzz.py checks every answer against the document; these are the
# fields it found null where the document promised a value, named so that a field
# losing allow_none=True is caught even if the fuzzer's examples miss it.

@pytest.mark.parametrize("component, field", [
    ("User", "phone"), ("Token", "expires_at"), ("Token", "last_used_at"), ("Token", "revoked_at"),
    ("Producer", "phone"), ("Producer", "tax_code"), ("Producer", "approved_at"), ("Storefront", "phone"),
    ("Product", "shelf_life_days"), ("Product", "published_at"), ("Variant", "gtin"),
    ("Order", "reserved_until"), ("SubOrder", "delivered_at"), ("StatusChange", "from_status"),
    ("Payout", "settled_at"), ("Transfer", "received_at"),
])
def test_a_field_that_can_be_null_is_documented_as_nullable(client, component, field):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]

    assert schemas[component]["properties"][field].get("nullable") is True
