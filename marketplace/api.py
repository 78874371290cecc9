"""flask-smorest glue: our error schema in the OpenAPI document, and blueprints
whose every operation declares who may call it."""

import http

import marshmallow as ma
import flask_smorest
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter

from marketplace import access
from marketplace.errors import handle_http_exception


class RowIdConverter(IntegerConverter):
    """`<int:...>` in routes: a row id. A number beyond the database's integer
    range names no row, so it is a 404 rather than a driver overflow (500)."""

    def __init__(self, url_map, *args, max=2**31 - 1, **kwargs):
        super().__init__(url_map, *args, max=max, **kwargs)


class FieldErrorsSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE


class ErrorSchema(ma.Schema):
    status = ma.fields.Integer(metadata={"description": "HTTP status", "example": 422})
    code = ma.fields.String(metadata={"description": "Machine-readable error code", "example": "validation_error"})
    message = ma.fields.String(metadata={"description": "Human-readable explanation"})
    errors = ma.fields.Dict(
        metadata={"description": "Field errors by location, e.g. {\"json\": {\"price_vnd\": [\"...\"]}}"}
    )


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return handle_http_exception(error)


# Either scheme of config.API_SPEC_OPTIONS signs a caller in.
_SIGNED_IN = [{"bearerToken": []}, {"sessionCookie": []}]


class StrictQueryParser(FlaskParser):
    """Unknown query parameters are refused, as unknown body fields are: a typo
    such as ?provice=11 would otherwise silently return everything."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint whose views declare an access rule.

    ``@blp.access(rule)`` goes outermost, above ``@blp.arguments``, so that an
    unauthorised caller is refused before its input is even parsed. It also
    documents the 401/403/404 answers the rule can give.
    """

    ARGUMENTS_PARSER = StrictQueryParser()

    def access(self, rule: "access.Rule"):
        def decorator(func):
            wrapped = access.requires(rule)(func)
            for status in rule.documented_errors:
                wrapped = self.alt_response(status, response=_response_name(status))(wrapped)
            wrapped = self.doc(security=_SIGNED_IN if rule.login_required else [])(wrapped)
            wrapped._access_rule = rule
            return wrapped

        return decorator

    def errors(self, *statuses: int):
        """Document the domain errors an operation can answer with."""

        def decorator(func):
            for status in statuses:
                func = self.alt_response(status, response=_response_name(status))(func)
            return func

        return decorator


def _response_name(status: int) -> str:
    """flask-smorest registers a response component per HTTP status, named like NOT_FOUND."""
    return http.HTTPStatus(status).name
