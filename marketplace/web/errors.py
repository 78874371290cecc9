"""Error pages: HTML, in the shopper's language, for every path outside /api/.

The API keeps its one JSON error shape (marketplace/errors.py): each handler
registered there is wrapped, and called as it was for /api/ paths.
"""

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, render_template, request, url_for
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from marketplace.errors import AuthenticationRequired, DomainError

log = logging.getLogger(__name__)

_WRAPPED = (DomainError, HTTPException, Exception, sa_exc.DBAPIError, sa_exc.TimeoutError)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def status_of(error: Exception) -> int:
    if isinstance(error, DomainError):
        return error.status
    if isinstance(error, HTTPException):
        return error.code or 500
    if isinstance(error, (sa_exc.OperationalError, sa_exc.TimeoutError)):
        return 503
    return 500


def _answers_get(path: str) -> bool:
    try:
        current_app.url_map.bind_to_environ(request.environ).match(path, method="GET")
        return True
    except HTTPException:
        return False


def login_redirect():
    """A page that needs a login, reached without one: off to the login page,
    which brings the shopper back here (303 after a POST, so the browser GETs it).
    A form posted to a path that only takes POSTs comes back to the page that had it."""
    back = request.full_path if request.query_string else request.path
    if request.method == "POST" and not _answers_get(request.path):
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host and referrer.path.startswith("/")
        back = (referrer.path + (f"?{referrer.query}" if referrer.query else "")) if same_site else None
    return redirect(url_for("account_pages.login", next=back), code=303 if request.method == "POST" else 302)


def error_page(error: Exception):
    # Exactly "log in first": a wrong password (a subclass) is the login form's business.
    if type(error) is AuthenticationRequired:
        return login_redirect()
    status = status_of(error)
    if status >= 500:
        log.exception("Error on a page", exc_info=error)
    template = "errors/404.html" if status == 404 else "errors/500.html" if status >= 500 else "errors/error.html"
    response = render_template(template, status=status), status
    return response


def init_app(app: Flask) -> None:
    handlers = app.error_handler_spec.setdefault(None, {}).setdefault(None, {})
    for cls in _WRAPPED:
        api_handler = handlers.get(cls)

        def handle(error, _api_handler=api_handler):
            if is_api_request() and _api_handler is not None:
                return _api_handler(error)
            if isinstance(error, HTTPException) and error.code and error.code < 400:
                return error  # redirects raised as exceptions pass through
            return error_page(error)

        app.register_error_handler(cls, handle)
