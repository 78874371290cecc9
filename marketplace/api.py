"""flask-smorest glue: our error schema in the OpenAPI document, and blueprints
whose every operation declares who may call it."""

import marshmallow as ma
import flask_smorest

from marketplace import access
from marketplace.errors import handle_http_exception


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


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint whose views declare an access rule.

    ``@blp.access(rule)`` goes outermost, above ``@blp.arguments``, so that an
    unauthorised caller is refused before its input is even parsed. It also
    documents the 401/403/404 answers the rule can give.
    """

    def access(self, rule: "access.Rule"):
        def decorator(func):
            wrapped = access.requires(rule)(func)
            for status in rule.documented_errors:
                wrapped = self.alt_response(status, response=_RESPONSE_NAMES[status])(wrapped)
            wrapped._access_rule = rule
            return wrapped

        return decorator

    def errors(self, *statuses: int):
        """Document the domain errors an operation can answer with."""

        def decorator(func):
            for status in statuses:
                func = self.alt_response(status, response=_RESPONSE_NAMES[status])(func)
            return func

        return decorator


_RESPONSE_NAMES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    422: "UNPROCESSABLE_ENTITY",
    429: "TOO_MANY_REQUESTS",
    503: "SERVICE_UNAVAILABLE",
}
