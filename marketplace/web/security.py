"""CSRF for HTML forms and the security headers of every HTML page.

Every POST outside /api/ must carry Flask-WTF's CSRF token (a form field or the
X-CSRFToken header). The JSON API is exempt: it authenticates with bearer tokens
(no ambient credential) or the session cookie, which is SameSite=Lax (so it is
not sent on cross-site POSTs) and whose write operations only take bodies sent
as application/json, which a cross-site HTML form cannot send.

Scripts run only from our own origin or with the request's nonce (the JSON-LD
block carries it too, although browsers never execute that type). A page that
needs more (the card payment page: Stripe.js, its frames and API) says so for
its own response with allow_sources(); every other page keeps the strict policy.
"""

import secrets

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

API_PREFIX = "/api/"


def script_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _protect_html_posts():
    g.pop("csp_nonce", None)  # a fresh nonce for each request, even in a shared app context
    g.pop("csp_extra", None)
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE") or request.path.startswith(API_PREFIX):
        return None
    view = current_app.view_functions.get(request.endpoint)
    limit_key = getattr(view, "_upload_limit_key", None)
    if limit_key:  # a file upload page: its own body limit, set before the CSRF check reads the form
        request.max_content_length = current_app.config[limit_key] + UPLOAD_FORM_OVERHEAD
    csrf.protect()


UPLOAD_FORM_OVERHEAD = 64 * 1024  # the multipart framing and the other fields beside the file


def accepts_upload(limit_config_key: str):
    """Mark a page view that takes a file: its request body may be as large as that config
    value (plus the form around it) instead of MAX_CONTENT_LENGTH."""
    def decorator(view):
        view._upload_limit_key = limit_config_key
        return view

    return decorator


def allow_sources(**directives: list[str]) -> None:
    """Let this response's page reach more origins, e.g. the card payment page
    Stripe.js: allow_sources(script_src=[...], frame_src=[...]). Every other page
    keeps the strict policy."""
    extra = g.setdefault("csp_extra", {})
    for name, origins in directives.items():
        extra.setdefault(name.replace("_", "-"), []).extend(origins)


def _content_security_policy() -> str:
    extra = g.get("csp_extra", {})

    def directive(name: str, *sources: str) -> str:
        return " ".join((name, *sources, *extra.get(name, ())))

    return "; ".join((
        "default-src 'self'",
        directive("script-src", "'self'", f"'nonce-{script_nonce()}'"),
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        directive("connect-src", "'self'"),
        directive("frame-src", "'self'"),
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ))


def _security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html" and not request.path.startswith(API_PREFIX + "v1/docs"):
        headers.setdefault("Content-Security-Policy", _content_security_policy())
    return response


def init_app(app: Flask) -> None:
    # Checked in our own before_request so the API (under /api/) is left out
    # without listing its blueprints one by one.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    csrf.init_app(app)
    app.before_request(_protect_html_posts)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = script_nonce
