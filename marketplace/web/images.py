"""Product photos the marketplace serves itself, at /anh/<photo>, from a folder of
the instance (config PRODUCT_IMAGES_DIR, by default instance/anh). The demo draws
them (marketplace.demo.images); a product's image_urls names the widest file.

Each photo exists in every width of WIDTHS, named ``...-<width>.webp``, so a
template can offer them all in ``srcset`` (see `srcset`, a template filter). A
name never changes meaning, so browsers may keep a file for a year.
"""

import re
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory

from marketplace import access
from marketplace.access import PUBLIC

WIDTHS = (320, 640)
ONE_YEAR = 365 * 24 * 3600
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-(\d+)\.webp$")
_OWN = re.compile(r"^/anh/(?P<stem>[a-z0-9-]+)-(?P<width>\d+)\.webp$")

blp = Blueprint("images", __name__)


def image_name(producer_slug: str, product_slug: str, index: int, width: int) -> str:
    return f"{producer_slug}-{product_slug}-{index}-{width}.webp"


def images_dir() -> Path:
    configured = current_app.config.get("PRODUCT_IMAGES_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "anh"


@blp.get("/anh/<photo>")
@access.requires(PUBLIC)
def product_image(photo: str):
    """A product photo (send_from_directory refuses paths outside the folder)."""
    match = _NAME.match(photo)
    if not match or int(match.group(1)) not in WIDTHS:
        abort(404)
    response = send_from_directory(images_dir(), photo, mimetype="image/webp", max_age=ONE_YEAR)
    response.cache_control.immutable = True
    return response


def srcset(url: str) -> str:
    """Every width of one of our photos for `srcset` ("... 320w, ... 640w"); another site's
    photo as it is."""
    match = _OWN.match(url or "")
    if not match:
        return url
    return ", ".join(f"/anh/{match['stem']}-{width}.webp {width}w" for width in WIDTHS)


def sized(url: str, width: int) -> str:
    """One of our photos at `width` (another site's photo as it is)."""
    match = _OWN.match(url or "")
    return f"/anh/{match['stem']}-{width}.webp" if match else url


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
    app.jinja_env.filters.update(srcset=srcset, sized=sized)
