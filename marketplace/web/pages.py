"""Our own static files and the language switcher."""

from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, send_from_directory, session, url_for

from marketplace import access
from marketplace.access import PUBLIC
from marketplace.web.i18n import LOCALES, SESSION_KEY

blp = Blueprint("web", __name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@blp.get("/static/<path:asset>")
@access.requires(PUBLIC)
def static(asset: str):
    """Our own CSS, JS and icons (send_from_directory refuses paths outside the folder)."""
    return send_from_directory(STATIC_DIR, asset, max_age=3600)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return url_for("storefront.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("storefront.home")
    return target


@blp.post("/ngon-ngu")
@access.requires(PUBLIC)
def switch_language():
    """The switcher's form (works without JavaScript): remember the choice, go back."""
    locale = request.form.get("locale")
    if locale in LOCALES:
        session[SESSION_KEY] = locale
    return redirect(safe_next(request.form.get("next")), code=303)
