"""Schemathesis fuzzes every operation in /api/v1/openapi.json. None may answer
5xx, every answer must match the document (response_schema_conformance: a null
where a string is documented fails), and input the document calls invalid must
be refused with a 4xx (negative_data_rejection).

Each operation is its own test, called by someone its access rule lets in, so
the fuzzed input reaches the code behind access control: anonymous for public
operations, the owner of producer A for account and portal operations, the
admin for admin ones, and P's operator for display-point ones. The `app`
fixture empties the tables after each test, so each operation starts from the
same small world (tests/api/v1/world.py).

The producer or point an access rule checks is always the world's. Other ids
point at the world's rows in about half the examples, so bodies reach the
services and the database, and keep the generated value in the rest, so
unknown and out-of-range ids are tried too.
"""

import hashlib
import hmac
import io
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, not_a_server_error, response_schema_conformance

from tests.api.v1.operations import access_rule, collection_app, openapi_path, operations
from tests.api.v1.world import SAMPLE_PATH_VALUES, build_world

_APP = collection_app()

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _APP,
    # The coverage phase's hundreds of boundary cases per operation would take
    # minutes; examples and fuzzing, bounded below, keep this under a minute.
    config=schemathesis.Config.from_dict({
        "seed": 20251122,
        # Each case is sent with the credentials of a caller its access rule lets in
        # (world.bearer), so schemathesis must not make up its own Authorization or
        # session cookie: replaced by ours, a "negative" one would be a false alarm.
        "generation": {"database": "none", "with-security-parameters": False},
        "phases": {"coverage": {"enabled": False}},
    }),
)

RULES = {(openapi_path(url_rule), method): access_rule(_APP, url_rule.endpoint, method)
         for method, url_rule in operations(_APP)}

CALLERS = ("anonymous", "owner", "admin", "operator")
def documented_error_code(ctx, response, case):
    """An error answers with a code its operation documents for that status (issue #11: each
    operation's documented errors list the code values it can return)."""
    if response.status_code < 400:
        return None
    try:
        code = (response.json() or {}).get("code")
    except ValueError:  # not JSON: every error of ours is
        code = None
    documented = documented_codes(case.operation.path, case.operation.method.lower(), response.status_code)
    assert code in documented, (f"{case.operation.label} answered {response.status_code} {code!r}, "
                                f"but documents {sorted(documented)} for that status")
    return None


def documented_codes(path: str, method: str, status: int) -> set[str]:
    responses = _DOCUMENT["paths"][path][method]["responses"]
    response = responses.get(str(status)) or responses["default"]
    if "$ref" in response:
        response = _DOCUMENT["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return set(response["description"].partition("code: ")[2].split(", ")) - {""}


_DOCUMENT = _APP.test_client().get("/api/v1/openapi.json").get_json()

CHECKS = [not_a_server_error, response_schema_conformance, negative_data_rejection, documented_error_code]
ALWAYS_AIMED = {"producer_id", "point_id"}


def caller_for(case) -> str:
    rule = RULES[(case.operation.path, case.operation.method.upper())]
    if rule.signed:  # no one logs in: the body is signed instead (signing_bodies)
        return "anonymous"
    return next(role for role in CALLERS if role in rule.allows)


def signing_bodies(wsgi_app, secret: str):
    """The app behind a signer: each request reaches it with X-Signature, the HMAC of
    its body as schemathesis serialised it, so a signed operation's fuzzed input gets
    past the signature to the code behind it."""
    def signed(environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        environ["HTTP_X_SIGNATURE"] = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return wsgi_app(environ, start_response)

    return signed


def aim_at_world(case, world) -> None:
    for name, value in (case.path_parameters or {}).items():
        if name in ALWAYS_AIMED or zlib.crc32(str(value).encode()) % 2 == 0:
            case.path_parameters[name] = SAMPLE_PATH_VALUES[name](world)


@pytest.fixture
def world(app, stripe_config):
    return build_world(buyer_role="owner")


@schema.parametrize()
@settings(max_examples=10, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case, app, world, monkeypatch):
    aim_at_world(case, world)
    if RULES[(case.operation.path, case.operation.method.upper())].signed:
        monkeypatch.setattr(app, "wsgi_app", signing_bodies(app.wsgi_app, app.config["BANK_WEBHOOK_SECRET"]))

    case.call_and_validate(app=app, headers=world.bearer(caller_for(case)), checks=CHECKS)
