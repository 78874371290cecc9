"""Who may call what: every operation the app answers, called by every role,
gets the answer its declared access rule promises.

A role the rule allows must get past access control (any answer but 401, 403
or 404; a 409 or 422 for the empty body is fine). A role it refuses gets 401
when anonymous, otherwise one of the rule's documented refusals (403 or 404).
"""

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from factory.alchemy import SQLAlchemyModelFactory
from flask import Flask
from flask.views import MethodView

from config import TestConfig
from marketplace import create_app
from marketplace.access import AUTHENTICATED, PUBLIC
from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.services import create_token
from marketplace.api import Blueprint
from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.producers.models import MemberRole, Producer, ProducerMember
from tests.api.v1.operations import DOCUMENTATION_ENDPOINTS, access_rule, fill_path, operations, undeclared_operations
from tests import factories
from tests.factories import DIEN_BIEN, MemberFactory, ProducerFactory, ProductFactory, UserFactory, member_of

# "operator" (display points) has no routes yet; add it here with them.
ROLES = ("anonymous", "shopper", "owner", "staff", "other_producer", "admin")

REFUSED = {401, 403, 404}


@dataclass
class World:
    producer: Producer
    draft: Product
    product: Product
    variant: Variant
    staff_membership: ProducerMember
    users: dict[str, User]
    token: ApiToken
    bearer: dict


@contextmanager
def _flushing_factories():
    """Factories flush instead of committing each row, so a world is one transaction."""
    model_factories = [f for f in vars(factories).values()
                       if isinstance(f, type) and issubclass(f, SQLAlchemyModelFactory) and not f._meta.abstract]
    saved = {f: f._meta.sqlalchemy_session_persistence for f in model_factories}
    for f in model_factories:
        f._meta.sqlalchemy_session_persistence = "flush"
    try:
        yield
    finally:
        for f, persistence in saved.items():
            f._meta.sqlalchemy_session_persistence = persistence


def build_world(role: str) -> World:
    """Producer A (owner, staff, a draft and an active product), producer B
    with its own owner, an admin and a shopper; `role`'s account holds a
    token (the shopper's does when the caller is anonymous)."""
    with _flushing_factories():
        producer = ProducerFactory()
        owner = member_of(producer, MemberRole.OWNER)
        staff_membership = MemberFactory(producer=producer, role=MemberRole.STAFF)
        draft = ProductFactory(producer=producer, status=ProductStatus.DRAFT, published_at=None)
        product = ProductFactory(producer=producer)
        users = {
            "shopper": UserFactory(),
            "owner": owner,
            "staff": staff_membership.user,
            "other_producer": member_of(ProducerFactory(), MemberRole.OWNER),
            "admin": UserFactory(is_admin=True),
        }
    token, plaintext = create_token(users.get(role, users["shopper"]), "matrix")  # commits the world
    bearer = {} if role == "anonymous" else {"Authorization": f"Bearer {plaintext}"}
    return World(producer, draft, product, product.variants[0], staff_membership, users, token, bearer)


# A sample value for every path parameter, by name. The product is the active
# one, because the public product page shows nothing else.
SAMPLE_PATH_VALUES = {
    "producer_id": lambda world: world.producer.id,
    "product_id": lambda world: world.product.id,
    "variant_id": lambda world: world.variant.id,
    "member_id": lambda world: world.staff_membership.id,
    "slug": lambda world: world.producer.slug,
    "code": lambda world: DIEN_BIEN,
    "token_id": lambda world: world.token.id,
    "filename": lambda world: "swagger-ui.css",
}


def _collect_operations():
    return [(method, url_rule.rule, url_rule.endpoint) for method, url_rule in operations(create_app(TestConfig))]


OPERATIONS = _collect_operations()


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
    world = build_world(role)
    unknown = sorted(set(url_rule.arguments) - SAMPLE_PATH_VALUES.keys())
    assert not unknown, f"Add a sample value for path parameter(s) {unknown} to SAMPLE_PATH_VALUES."
    url = fill_path(url_rule, {name: SAMPLE_PATH_VALUES[name](world) for name in url_rule.arguments})

    response = client.open(url, method=method, json={}, headers=world.bearer)

    status = response.status_code
    context = f"{method} {url} as {role} (rule {rule.name!r}) answered {status}: {response.get_data(as_text=True)[:300]}"
    assert status < 500, context
    if role in rule.allows:
        assert status not in REFUSED, context
    elif role == "anonymous":
        assert status == 401, context
    else:
        assert status in {403, 404} & set(rule.refusals), context
