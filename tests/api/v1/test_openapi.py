"""The OpenAPI 3 document at /api/v1/openapi.json, and the Swagger UI page
that renders it from assets this server serves itself."""

import re

import pytest

from tests.api.v1.operations import DOCUMENTATION_ENDPOINTS, access_rule, openapi_path, operations

DOCUMENT = "/api/v1/openapi.json"
DOCS_PAGE = "/api/v1/docs"
ASSETS = "/api/v1/docs/assets/"
INPUT_LOCATIONS = {"query", "header", "cookie"}


@pytest.fixture
def document(client):
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    return response.json


def each_operation(document):
    """(label, operation, every parameter including the path item's) for each operation."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                parameters = item.get("parameters", []) + operation.get("parameters", [])
                yield f"{method.upper()} {path}", operation, parameters


def api_operations(app):
    """(label, access rule, OpenAPI path, method) for every operation under /api/ but the docs
    themselves (the HTML pages are not part of the API; the authorization matrix covers them)."""
    return [(f"{method} {url_rule.rule}", access_rule(app, url_rule.endpoint, method), openapi_path(url_rule),
             method.lower())
            for method, url_rule in operations(app)
            if url_rule.endpoint not in DOCUMENTATION_ENDPOINTS and url_rule.rule.startswith("/api/")]


def test_the_document_is_openapi_3_for_this_api(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "OCOP Marketplace API"
    assert document["paths"]


def test_every_api_operation_is_in_the_document_and_nothing_else(app, document):
    served = {(path, method) for _label, _rule, path, method in api_operations(app)}
    documented = {(path, method) for path, item in document["paths"].items() for method in item
                  if method != "parameters"}

    assert documented == served


def test_every_operation_has_a_summary(document):
    missing = [label for label, operation, _parameters in each_operation(document)
               if not operation.get("summary", "").strip()]

    assert missing == [], "Give these views a one-line docstring, which becomes the summary."


def test_every_operation_behind_a_login_documents_401(app, document):
    missing = [label for label, rule, path, method in api_operations(app)
               if rule.login_required and "401" not in document["paths"][path][method]["responses"]]

    assert missing == []


def test_the_document_declares_the_bearer_token_and_the_session_cookie(document):
    schemes = document["components"]["securitySchemes"]

    assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"] == {**schemes["sessionCookie"], "type": "apiKey", "in": "cookie",
                                        "name": "session"}


def test_every_operation_says_whether_it_needs_a_signed_in_caller(app, document):
    signed_in = [{"bearerToken": []}, {"sessionCookie": []}]
    wrong = [label for label, rule, path, method in api_operations(app)
             if document["paths"][path][method].get("security") != (signed_in if rule.login_required
                                                                    else list(rule.security))]

    assert wrong == []


def test_every_operation_documents_each_refusal_its_access_rule_can_give(app, document):
    missing = [(label, status) for label, rule, path, method in api_operations(app)
               for status in rule.documented_errors
               if str(status) not in document["paths"][path][method]["responses"]]

    assert missing == []


def test_every_operation_that_takes_input_documents_422(document):
    missing = [label for label, operation, parameters in each_operation(document)
               if ("requestBody" in operation or any(p["in"] in INPUT_LOCATIONS for p in parameters))
               and "422" not in operation["responses"]]

    assert missing == []


def test_every_operation_with_a_path_parameter_documents_404(document):
    missing = [label for label, operation, parameters in each_operation(document)
               if any(p["in"] == "path" for p in parameters) and "404" not in operation["responses"]]

    assert missing == []


def test_every_error_response_uses_the_one_error_format(document):
    error_schema = {"$ref": "#/components/schemas/Error"}
    responses = document["components"]["responses"]

    wrong = []
    for label, operation, _parameters in each_operation(document):
        for status, response in operation["responses"].items():
            if status == "default" or int(status) >= 400:
                resolved = responses[response["$ref"].rsplit("/", 1)[-1]] if "$ref" in response else response
                if resolved["content"]["application/json"]["schema"] != error_schema:
                    wrong.append((label, status))

    assert wrong == []


def test_the_docs_page_loads_swagger_ui_from_this_server(client):
    response = client.get(DOCS_PAGE)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert {a.rsplit("/", 1)[-1] for a in assets} >= {"swagger-ui.css", "swagger-ui-bundle.js"}
    assert all(a.startswith(ASSETS) for a in assets), assets
    assert f'url: "{DOCUMENT}"' in page


def test_every_asset_the_docs_page_references_loads(client):
    page = client.get(DOCS_PAGE).get_data(as_text=True)

    for asset in re.findall(r'(?:src|href)="([^"]+)"', page):
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert response.mimetype in {"text/css", "text/javascript", "application/javascript"}, asset
        assert len(response.data) > 1000, asset


def test_an_unknown_docs_asset_is_a_json_404(client):
    response = client.get(f"{ASSETS}no-such-file.js")

    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_every_documented_error_names_the_codes_it_can_carry(document):
    def resolved(response):
        ref = response.get("$ref")
        return document["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else response

    unnamed = [(label, status) for label, operation, _parameters in each_operation(document)
               for status, response in operation["responses"].items()
               if status != "default" and int(status) >= 400 and "code: " not in resolved(response)["description"]]

    assert unnamed == []


def test_an_operation_with_a_path_argument_or_a_json_body_documents_the_frameworks_refusals(document):
    login = document["paths"]["/api/v1/auth/login"]["post"]["responses"]
    product = document["paths"]["/api/v1/products/{product_id}"]["get"]["responses"]

    assert {"400", "413", "415", "422"} <= set(login)
    assert product["404"]["description"].endswith("product_not_found, not_found")
    assert set(product["404"]["content"]["application/json"]["examples"]) == {"product_not_found", "not_found"}
