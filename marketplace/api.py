"""flask-smorest glue: our error schema in the OpenAPI document, and blueprints
whose every operation declares who may call it."""

import functools
import http

import marshmallow as ma
import flask_smorest
from flask_smorest.utils import prepare_response
from flask import current_app, request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from marketplace import access, json_body
from marketplace.api_errors_plugin import FrameworkErrors
from marketplace.errors import _HTTP_CODES, InvalidInput, NotFound, UnsupportedMediaType, handle_http_exception


class RowIdConverter(IntegerConverter):
    """`<int:...>` in routes: a row id. A number beyond the database's integer
    range names no row, so it is a 404 rather than a driver overflow (500)."""

    def __init__(self, url_map, *args, max=2**31 - 1, **kwargs):
        super().__init__(url_map, *args, max=max, **kwargs)


class ErrorSchema(ma.Schema):
    status = ma.fields.Integer(metadata={"description": "HTTP status", "example": 422})
    code = ma.fields.String(metadata={"description": "Machine-readable error code", "example": "validation_error"})
    message = ma.fields.String(metadata={"description": "Human-readable explanation"})
    errors = ma.fields.Dict(
        metadata={"description": "Field errors by location, e.g. {\"json\": {\"price_vnd\": [\"...\"]}}"}
    )


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *args, **kwargs):
        kwargs.setdefault("spec_kwargs", {}).setdefault("extra_plugins", [FrameworkErrors()])
        super().init_app(app, *args, **kwargs)
        app.before_request(refuse_unstorable_url)

    def handle_http_exception(self, error):
        return handle_http_exception(error)

    def _register_responses(self):
        """flask-smorest's shared responses (a 422 from input parsing, say), each
        naming the codes it carries."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
                codes = GENERIC_CODES.get(status) or [_HTTP_CODES.get(status, "error")]
                response["description"] = f"{status.phrase}. code: {', '.join(codes)}"
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Any other error. code: internal_error", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


# Codes of the errors raised while parsing input rather than by the domain.
GENERIC_CODES = {400: ["bad_request", "malformed_json"], 422: ["validation_error"]}

# Either scheme of config.API_SPEC_OPTIONS signs a caller in.
_SIGNED_IN = [{"bearerToken": []}, {"sessionCookie": []}]


def refuse_unstorable_url() -> None:
    """A NUL (or a lone surrogate) in the path names nothing: 404, before it can reach
    the database as a slug. In the query string it is a field error (422)."""
    if not json_body.storable(request.path):
        raise NotFound()
    errors = {json_body.printable(name): [json_body.UNSTORABLE_MESSAGE]
              for name, value in request.args.items(multi=True)
              if not (json_body.storable(name) and json_body.storable(value))}
    if errors:
        raise InvalidInput(errors=errors, location="query")


class StrictQueryParser(FlaskParser):
    """The one parser of every operation's input.

    Unknown query parameters are refused, as unknown body fields are: a typo
    such as ?provice=11 would otherwise silently return everything.

    A body sent to an operation that takes JSON must be JSON: under another
    Content-Type it is refused (415), not ignored, which would drop every
    field in it (a payout run's producer filter, say) without a word. The body
    is read by json_body.load, which bounds its nesting and refuses text that
    cannot be stored; MAX_CONTENT_LENGTH bounds its size (413).
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def _raw_load_json(self, req):
        raw = req.get_data(cache=True)
        if not is_json_request(req):
            if raw.strip():
                raise UnsupportedMediaType()
            return core.missing
        return json_body.load(raw, current_app.config["MAX_JSON_DEPTH"])


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint whose views declare an access rule.

    ``@blp.access(rule)`` goes outermost, above ``@blp.arguments``, so that an
    unauthorised caller is refused before its input is even parsed. It also
    documents the 401/403/404 answers the rule can give.
    """

    ARGUMENTS_PARSER = StrictQueryParser()

    def access(self, rule: "access.Rule"):
        """Also documents, per status, every code the operation can answer with:
        its rule's refusals and the errors its view declared with `errors`."""

        def decorator(func):
            wrapped = access.requires(rule)(func)
            wrapped = self._document_errors(wrapped, (*rule.documented_raises, *getattr(func, "_raises", ())))
            wrapped = self.doc(security=_SIGNED_IN if rule.login_required else list(rule.security))(wrapped)
            wrapped._access_rule = rule
            return wrapped

        return decorator

    def arguments(self, schema, *, location="json", **kwargs):
        """flask-smorest's arguments, and one 422 for all of an operation's input:
        when this argument is refused, the field errors of the arguments parsed
        after it (those listed below it) are reported with its own. A schema
        may name the error its refusal answers with (`refusal`, a DomainError
        taking the errors by location): a refused Idempotency-Key header answers
        idempotency.IdempotencyKeyRequired, which names the header, still with
        the body's field errors."""
        parse_kwargs = {name: kwargs[name] for name in ("unknown", "validate") if name in kwargs}
        document_and_parse = super().arguments(schema, location=location, **kwargs)

        def decorator(func):
            inner = getattr(func, "_parsed_arguments", ())
            parsed = document_and_parse(func)

            @functools.wraps(parsed)
            def wrapper(*args, **view_kwargs):
                try:
                    return parsed(*args, **view_kwargs)
                except HTTPException as exc:
                    errors = _field_errors(exc)
                    if errors is None or location not in errors:
                        raise  # not this argument's refusal (an inner one's, or no field errors)
                    for other_schema, other_location, other_kwargs in inner:
                        errors.update(self._field_errors_of(other_schema, other_location, other_kwargs))
                    refusal = getattr(schema, "refusal", None)
                    if refusal is not None:
                        raise refusal(errors) from exc
                    exc.data["messages"] = errors
                    raise

            wrapper._parsed_arguments = ((schema, location, parse_kwargs), *inner)
            return wrapper

        return decorator

    def _field_errors_of(self, schema, location: str, parse_kwargs: dict) -> dict:
        """The field errors of one argument ({} when it is valid, or refused otherwise than field by field)."""
        try:
            self.ARGUMENTS_PARSER.parse(schema, location=location, **parse_kwargs)
        except HTTPException as exc:
            return _field_errors(exc) or {}
        except Exception:  # a body that is not JSON, say: the refused argument's answer stands
            return {}
        return {}

    def errors(self, *raised):
        """Declare the errors an operation can answer with: named errors
        (DomainError subclasses, each documented with its status and code) or,
        for an error raised by the framework, a bare HTTP status. `access`,
        above it, documents them together with its rule's refusals: each status's
        description lists its codes, and each code has an example."""

        def decorator(func):
            if hasattr(func, "_access_rule"):  # put below `access`: document them on their own
                return self._document_errors(func, raised)
            func._raises = (*getattr(func, "_raises", ()), *raised)
            return func

        return decorator

    def _document_errors(self, func, raised):
        for status, codes in sorted(error_codes(raised).items()):
            if not codes:
                func = self.alt_response(status, response=_response_name(status))(func)
                continue
            examples = {code: {"value": {"status": status, "code": code, "message": message, "errors": {}}}
                        for code, message in codes.items()}
            func = self.alt_response(status, schema=ErrorSchema, examples=examples, description=(
                f"{http.HTTPStatus(status).phrase}. code: {', '.join(codes)}"))(func)
        return func


def _field_errors(exc: HTTPException) -> dict | None:
    """webargs' field errors by location ({"json": {...}}) on a 422, else None."""
    messages = (getattr(exc, "data", None) or {}).get("messages")
    return dict(messages) if exc.code == 422 and isinstance(messages, dict) else None


def error_codes(raised) -> dict[int, dict[str, str]]:
    """{status: {code: message}} of named errors and bare statuses. A 422 can
    always be the input's own validation_error too."""
    by_status: dict[int, dict[str, str]] = {}
    for item in raised:
        if isinstance(item, int):
            by_status.setdefault(item, {})
        else:
            by_status.setdefault(item.status, {})[item.code] = item.message
    if by_status.get(422):
        by_status[422].setdefault("validation_error", "The input is invalid.")
    return by_status


def _response_name(status: int) -> str:
    """flask-smorest registers a response component per HTTP status, named like NOT_FOUND."""
    return http.HTTPStatus(status).name
