"""The app's operations (route × method) and the access rule each declares,
shared by the authorization-matrix and OpenAPI tests."""

import re
from functools import cache

from flask import Flask
from werkzeug.routing import Rule as UrlRule

from config import TestConfig
from marketplace import create_app
from marketplace.access import Rule

# Served by flask-smorest and docs.py for humans and tools; public by design,
# and the only operations allowed to declare no access rule.
DOCUMENTATION_ENDPOINTS = frozenset({
    "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
    "docs_assets.swagger_asset",
})

IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})

_PATH_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@cache
def collection_app() -> Flask:
    """An app built once, without a database, to list operations when tests are collected."""
    return create_app(TestConfig)


def operations(app: Flask) -> list[tuple[str, UrlRule]]:
    """Every (method, URL rule) the app answers, HEAD and OPTIONS aside."""
    return [(method, url_rule) for url_rule in app.url_map.iter_rules()
            for method in sorted(url_rule.methods - IGNORED_METHODS)]


def access_rule(app: Flask, endpoint: str, method: str) -> Rule | None:
    """The rule set by @blp.access on the view handling `method`, or None."""
    view = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, method.lower(), None) if view_class else view
    return getattr(handler, "_access_rule", None)


def undeclared_operations(app: Flask) -> list[str]:
    """Operations that declare no access rule and are not documentation."""
    return [f"{method} {url_rule.rule} (endpoint {url_rule.endpoint})" for method, url_rule in operations(app)
            if url_rule.endpoint not in DOCUMENTATION_ENDPOINTS
            and access_rule(app, url_rule.endpoint, method) is None]


def openapi_path(url_rule: UrlRule) -> str:
    """/products/<int:product_id> → /products/{product_id}"""
    return _PATH_PARAMETER.sub(r"{\1}", url_rule.rule)


def fill_path(url_rule: UrlRule, values: dict) -> str:
    return _PATH_PARAMETER.sub(lambda match: str(values[match.group(1)]), url_rule.rule)
