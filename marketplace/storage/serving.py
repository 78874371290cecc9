"""Product photos, served at /anh/<photo> from the storage module (key ``anh/<photo>``):
the demo's drawings (marketplace.demo.images) and producers' uploads
(marketplace.catalog.media). A product's image_urls names each photo at its widest.

Each photo exists in every width of WIDTHS up to its widest, named ``...-<width>.webp``,
so a template can offer them in ``srcset`` (see `srcset`, a template filter). A name
never changes meaning, so browsers may keep a file for a year.
"""

import re
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, send_from_directory

from marketplace import access, storage
from marketplace.access import PUBLIC
from marketplace.storage.backends import LocalBackend, StoredFileMissing

WIDTHS = (320, 640, 1280)
PREFIX = "anh/"
ONE_YEAR = 365 * 24 * 3600
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-(\d+)\.webp$")
_OWN = re.compile(r"^/anh/(?P<stem>[a-z0-9-]+)-(?P<width>\d+)\.webp$")

blp = Blueprint("images", __name__)


def image_name(producer_slug: str, product_slug: str, index: int | str, width: int) -> str:
    return f"{producer_slug}-{product_slug}-{index}-{width}.webp"


def photo_key(name: str) -> str:
    return PREFIX + name


def images_dir() -> Path:
    """The folder of the photos, when they are stored on this machine's disk."""
    local = storage.backend()
    assert isinstance(local, LocalBackend), "photos are not on the local disk"
    return local.root / PREFIX.rstrip("/")


@blp.get("/anh/<photo>")
@access.requires(PUBLIC)
def product_image(photo: str):
    """A product photo; only names we make are looked up at all."""
    match = _NAME.match(photo)
    if not match or int(match.group(1)) not in WIDTHS:
        abort(404)
    backend = storage.backend()
    if isinstance(backend, LocalBackend):  # send_from_directory refuses paths outside the folder
        response = send_from_directory(backend.root / "anh", photo, mimetype="image/webp", max_age=ONE_YEAR)
    else:
        try:
            response = Response(backend.get(photo_key(photo)), mimetype="image/webp")
        except StoredFileMissing:
            abort(404)
        response.cache_control.max_age, response.cache_control.public = ONE_YEAR, True
    response.cache_control.immutable = True
    return response


def _widths_to(widest: int) -> tuple[int, ...]:
    return tuple(width for width in WIDTHS if width <= widest) or (widest,)


def srcset(url: str) -> str:
    """Every width of one of our photos for `srcset` ("... 320w, ... 640w"); another site's
    photo as it is."""
    match = _OWN.match(url or "")
    if not match:
        return url
    return ", ".join(f"/anh/{match['stem']}-{width}.webp {width}w" for width in _widths_to(int(match["width"])))


def sized(url: str, width: int) -> str:
    """One of our photos at `width` (another site's photo as it is)."""
    match = _OWN.match(url or "")
    return f"/anh/{match['stem']}-{width}.webp" if match else url


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
    app.jinja_env.filters.update(srcset=srcset, sized=sized)
