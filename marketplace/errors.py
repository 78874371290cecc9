"""The one error format, and how domain errors become HTTP responses.

Every failure leaves the API as::

    {"status": 422, "code": "validation_error", "message": "...", "errors": {"json": {"field": ["..."]}}}

Domain code raises the named errors below (or subclasses of them); it never
builds a response. Views never catch them: the handlers registered here do.

Messages are written in English and marked with ``N_`` where they are written
(pybabel extracts that keyword, see babel.cfg). They stay English in the
domain; the response translates them, and every field error beside them, into
the request's language (marketplace.web.i18n.select_locale: the switcher's
choice, else Accept-Language, else Vietnamese). ``code`` values never change:
clients key on them. marketplace.api_messages marks marshmallow's and
werkzeug's own messages the same way.
"""

import logging
import re

from flask import Flask, has_request_context, jsonify
from flask_babel import gettext
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

_MESSAGES: set[str] = set()
_TEMPLATES: list[tuple[re.Pattern, str]] = []  # the messages with {placeholders}, longest first
_PLACEHOLDER = re.compile(r"\\\{(\w+)(?:![rsa])?\\\}")


def N_(message: str, **params) -> str:
    """Mark an API message for translation; return it in English, formatted with `params`.

    The response translates the template and formats it again with the values,
    which it finds by matching the English text (see translate_message)."""
    if message not in _MESSAGES:
        _MESSAGES.add(message)
        if "{" in message:
            pattern = _PLACEHOLDER.sub(lambda m: f"(?P<{m.group(1)}>.+?)", re.escape(message))
            _TEMPLATES.append((re.compile(f"^{pattern}$", re.DOTALL), message))
            _TEMPLATES.sort(key=lambda entry: -len(entry[1]))
    return message.format(**params) if params else message


def translate_message(text):
    """`text` in the request's language, when it is a marked message or an instance of
    a marked template; anything else (a product name, an id) is returned unchanged."""
    if not isinstance(text, str) or not has_request_context():
        return text
    if text in _MESSAGES:
        return gettext(text)
    for pattern, template in _TEMPLATES:
        match = pattern.match(text)
        if match:
            return gettext(template).format(**match.groupdict())
    return text


def translate_errors(errors):
    """Field errors as marshmallow nests them (dicts of lists of messages), translated."""
    if isinstance(errors, dict):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [translate_errors(value) for value in errors]
    return translate_message(errors)


class DomainError(Exception):
    """A rule of the domain refused the request. Subclasses set status and code."""

    status = 400
    code = "bad_request"
    message = N_("The request could not be processed.")

    def __init__(self, message: str | None = None, *, errors: dict | None = None,
                 code: str | None = None, headers: dict | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.errors = errors or {}
        self.headers = headers or {}
        if code:
            self.code = code


class AuthenticationRequired(DomainError):
    status, code, message = 401, "authentication_required", N_("Log in or send a valid bearer token.")


class Forbidden(DomainError):
    status, code, message = 403, "forbidden", N_("You are not allowed to do this.")


class NotFound(DomainError):
    status, code, message = 404, "not_found", N_("Not found.")


class Conflict(DomainError):
    status, code, message = 409, "conflict", N_("The request conflicts with the current state.")


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a domain rule; errors are per field."""

    status, code, message = 422, "validation_error", N_("The input is invalid.")

    def __init__(self, message: str | None = None, *, errors: dict | None = None,
                 location: str = "json", **kwargs):
        super().__init__(message, errors={location: errors} if errors else None, **kwargs)


class TooManyRequests(DomainError):
    status, code, message = 429, "too_many_requests", N_("Too many attempts. Try again later.")


class UnsupportedMediaType(DomainError):
    status, code, message = 415, "unsupported_media_type", N_("Send the body as JSON (Content-Type: application/json).")


# Codes for errors raised by Flask, werkzeug and webargs rather than the domain.
_HTTP_CODES = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


def error_body(status: int, code: str, message: str, errors: dict | None = None) -> dict:
    return {"status": status, "code": code, "message": message, "errors": errors or {}}


def _json_error(status, code, message, errors=None, headers=None):
    response = jsonify(error_body(status, code, translate_message(message), translate_errors(errors)))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def handle_domain_error(error: DomainError):
    return _json_error(error.status, error.code, error.message, error.errors, error.headers)


def handle_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    status = error.code or 500
    message = data.get("message") or error.description or error.name
    if status == 400 and _is_malformed_json(errors):
        return _json_error(400, "malformed_json", N_("The request body is not valid JSON."), errors)
    if status == 422:
        message = data.get("message") or N_("The input is invalid.")
    headers = dict(data.get("headers") or {})
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return _json_error(status, _HTTP_CODES.get(status, "error"), message, errors, headers)


def handle_unexpected_error(error: Exception):
    log.exception("Unhandled error", exc_info=error)
    return _json_error(500, "internal_error", N_("Something went wrong on our side."))


def _is_malformed_json(errors: dict) -> bool:
    return isinstance(errors.get("json"), list) and any("JSON" in str(m) for m in errors["json"])


def register_error_handlers(app: Flask) -> None:
    from marketplace import api_messages  # noqa: F401  (marks the libraries' messages)

    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
    register_database_error_handlers(app)


# --- the database, when it is away or busy -----------------------------------------------

_RETRY_AFTER_SECONDS = "1"
_CONFLICT_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock (see database.transactional)


def handle_database_error(error: sa_exc.DBAPIError):
    """A dropped connection or an unreachable database (OperationalError), and a
    deadlock or serialization failure that outlived the service's own retries:
    503 with Retry-After, never a 500. Anything else from the driver is a bug."""
    if isinstance(error, sa_exc.OperationalError) or error.connection_invalidated:
        sqlstate = getattr(error.orig, "sqlstate", None)
        log.warning("Database unavailable (%s): %s", sqlstate or type(error.orig).__name__, error.orig)
        if sqlstate in _CONFLICT_SQLSTATES:  # still in conflict after the service's retries
            return _json_error(503, "database_busy", N_("The database is busy with concurrent changes. "
                                  "Nothing was saved; try again."), headers={"Retry-After": _RETRY_AFTER_SECONDS})
        return _json_error(503, "database_unavailable", N_("The database is unavailable for a moment. "
                              "Try again shortly (with the same Idempotency-Key, if the request had one)."),
                           headers={"Retry-After": _RETRY_AFTER_SECONDS})
    return handle_unexpected_error(error)


def handle_pool_timeout(error: sa_exc.TimeoutError):
    log.warning("No database connection free: %s", error)
    return _json_error(503, "database_unavailable", N_("The database is unavailable for a moment. Try again shortly."),
                       headers={"Retry-After": _RETRY_AFTER_SECONDS})


def register_database_error_handlers(app: Flask) -> None:
    app.register_error_handler(sa_exc.DBAPIError, handle_database_error)
    app.register_error_handler(sa_exc.TimeoutError, handle_pool_timeout)
