"""Our own static files and the language switcher."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, session, url_for

from marketplace.web.i18n import LOCALES, SESSION_KEY

blp = Blueprint("web", __name__, static_folder="../static", static_url_path="/static")


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return url_for("storefront.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("storefront.home")
    return target


@blp.post("/ngon-ngu")
def switch_language():
    """The switcher's form (works without JavaScript): remember the choice, go back."""
    locale = request.form.get("locale")
    if locale in LOCALES:
        session[SESSION_KEY] = locale
    return redirect(safe_next(request.form.get("next")), code=303)
