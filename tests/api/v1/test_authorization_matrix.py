"""Who may call what: every operation the app answers, called by every role,
gets the answer its declared access rule promises.

Each case builds a fresh world (tests/api/v1/world.py), fills the path from
its sample values, sends an empty JSON body with the role's bearer token, and
checks: a role the rule allows gets past access control (any answer but 401,
403 or 404; a 409 or 422 for the empty body is fine); a role it refuses gets
401 when anonymous, otherwise one of the rule's documented refusals (403 or
404); an operation signed rather than logged into (the bank's notification)
refuses every role, unsigned, with 401; and nobody gets a 5xx. A page (outside /api/) is posted with the
session's CSRF token, so its access rule is what answers, and sends an
anonymous visitor it refuses to the login page instead of answering 401.
"""

import re

import pytest
from flask import Flask
from flask.views import MethodView

from marketplace.access import AUTHENTICATED, PUBLIC
from marketplace.api import Blueprint
from tests.api.v1.operations import (DOCUMENTATION_ENDPOINTS, access_rule, collection_app, fill_path, operations,
                                     undeclared_operations)
from tests.api.v1.world import ROLES, SAMPLE_PATH_VALUES, build_world

REFUSED = {401, 403, 404}

OPERATIONS = [(method, url_rule.rule, url_rule.endpoint) for method, url_rule in operations(collection_app())]


def test_every_operation_declares_an_access_rule(app):
    assert undeclared_operations(app) == [], (
        "Every operation must declare who may call it with @blp.access(rule) "
        "(see marketplace/access.py); these declare none."
    )


def test_the_checker_reports_an_operation_that_declares_no_rule():
    blp = Blueprint("throwaway", __name__, url_prefix="/api/v1/throwaway")

    @blp.route("")
    class Things(MethodView):
        @blp.access(PUBLIC)
        def get(self):
            return "listed"

        def post(self):
            return "created by anyone"

    @blp.route("/<int:thing_id>")
    class Thing(MethodView):
        @blp.access(AUTHENTICATED)
        def delete(self, thing_id):
            return "deleted"

    throwaway = Flask(__name__, static_folder=None)
    throwaway.register_blueprint(blp)

    assert undeclared_operations(throwaway) == ["POST /api/v1/throwaway (endpoint throwaway.Things)"]


def test_every_path_parameter_has_a_sample_value(app):
    names = {name for _method, url_rule in operations(app) for name in url_rule.arguments}

    missing = sorted(names - SAMPLE_PATH_VALUES.keys())

    assert missing == [], f"Add a sample value for path parameter(s) {missing} to SAMPLE_PATH_VALUES."


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "method, route, endpoint", OPERATIONS, ids=[f"{method} {route}" for method, route, _endpoint in OPERATIONS]
)
def test_each_role_gets_the_answer_the_rule_promises(client, method, route, endpoint, role):
    url_rule = next(r for r in client.application.url_map.iter_rules(endpoint) if r.rule == route)
    rule = access_rule(client.application, endpoint, method)
    if rule is None:
        assert endpoint in DOCUMENTATION_ENDPOINTS, f"{method} {route} declares no access rule"
        rule = PUBLIC
    unknown = sorted(set(url_rule.arguments) - SAMPLE_PATH_VALUES.keys())
    if unknown:
        pytest.fail(f"{route}: add a sample value for path parameter(s) {unknown} to SAMPLE_PATH_VALUES.")
    world = build_world(buyer_role=role)
    url = fill_path(url_rule, {name: SAMPLE_PATH_VALUES[name](world) for name in url_rule.arguments})

    is_page = not route.startswith("/api/")
    headers = world.bearer(role)
    if is_page and method == "POST":
        headers = {**headers, "X-CSRFToken": csrf_token_of(client)}
    response = client.open(url, method=method, json={}, headers=headers)

    status = response.status_code
    body = response.get_data()[:300].decode("utf-8", "replace")  # a photo is not text
    context = f"{method} {url} as {role} (rule {rule.name!r}): {status} {body}"
    assert status < 500, context
    if role in rule.allows:
        assert status not in REFUSED, context
    elif role == "anonymous" and is_page:
        # to the login page (with the way back, when the page that posted a form is known)
        assert status in (302, 303) and response.headers["Location"].split("?")[0] == "/dang-nhap", context
    elif role == "anonymous" or rule.signed:
        # A signed callback (the bank's notification) asks no one to log in: without its
        # signature, whoever is logged in is refused as an unknown caller.
        assert status == 401, context
    else:
        assert status in {403, 404} & set(rule.refusals), context


def csrf_token_of(client) -> str:
    """The token every page carries (the language switcher's form), for this client's session."""
    page = client.get("/khong-co-trang-nay").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
