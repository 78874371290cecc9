"""Checking an uploaded photo by its content, and making its WebP renditions.

A photo is checked by its content, never by its name or declared type: Pillow
must read it as JPEG, PNG or WebP within the byte and pixel limits (config
UPLOAD_IMAGE_MAX_BYTES, UPLOAD_IMAGE_MAX_PIXELS), which also guards against
decompression bombs. Its renditions are WebP without its metadata (EXIF, GPS
position, camera) at every width of storage.serving.WIDTHS. The request checks
(media.py); a job makes the renditions (photo_jobs.py), from the original kept
under a private key meanwhile (`original_key`).
"""

import io
import warnings
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace import storage
from marketplace.errors import N_, InvalidInput
from marketplace.storage.serving import WIDTHS, photo_key

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
ORIGINALS = "anh-goc/"  # not under anh/: never served


class InvalidUpload(InvalidInput):
    """The file was refused; `errors` names the field and why."""

    message = N_("The file was refused.")

    def __init__(self, field: str, reason: str, **values):
        super().__init__(errors={field: [reason]})
        self.field, self.reason, self.values = field, reason, values


@dataclass(frozen=True)
class Rendition:
    key: str
    data: bytes
    content_type: str = "image/webp"


def read_image(data: bytes, field: str = "image") -> Image.Image:
    """The upload as a decoded image, upright, without metadata.

    Raises InvalidUpload: too large, not an image, not JPEG/PNG/WebP, too many pixels,
    or damaged.
    """
    config = current_app.config
    if len(data) > config["UPLOAD_IMAGE_MAX_BYTES"]:
        raise InvalidUpload(field, N_("The photo is larger than %(mb)d MB."),
                            mb=config["UPLOAD_IMAGE_MAX_BYTES"] // (1024 * 1024))
    if not data:
        raise InvalidUpload(field, N_("Choose a photo to upload."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise InvalidUpload(field, N_("This file is not a JPEG, PNG or WebP photo."))
            # The header's size is checked before any pixel is decoded.
            if image.width * image.height > config["UPLOAD_IMAGE_MAX_PIXELS"]:
                raise InvalidUpload(field, N_("The photo has too many pixels (at most %(mp)d megapixels)."),
                                    mp=config["UPLOAD_IMAGE_MAX_PIXELS"] // 1_000_000)
            image.load()
    except InvalidUpload:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidUpload(field, N_("This file is not a JPEG, PNG or WebP photo.")) from None
    except (OSError, SyntaxError, ValueError):
        raise InvalidUpload(field, N_("The photo is damaged or incomplete.")) from None
    upright = ImageOps.exif_transpose(image)  # a phone's portrait photo stays upright once EXIF is gone
    return upright.convert("RGBA" if upright.mode in ("RGBA", "LA", "P") and _has_alpha(upright) else "RGB")


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA") or "transparency" in image.info


def webp(image: Image.Image, width: int) -> bytes:
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=82, method=4)  # no exif= argument: nothing of the original's metadata
    return out.getvalue()


def rendition_keys(stem: str) -> list[str]:
    return [photo_key(f"{stem}-{width}.webp") for width in WIDTHS]


def product_renditions(image: Image.Image, stem: str) -> list[Rendition]:
    """The photo at every width, widest last (the slow step: a job's)."""
    return [Rendition(key, webp(image, width)) for key, width in zip(rendition_keys(stem), WIDTHS)]


def original_key(stem: str) -> str:
    return f"{ORIGINALS}{stem}"


def store(renditions: list[Rendition]) -> None:
    """All of them or none: what was stored is removed again if one fails."""
    stored = []
    try:
        for rendition in renditions:
            storage.put(rendition.key, rendition.data, rendition.content_type)
            stored.append(rendition.key)
    except BaseException:
        remove(stored)
        raise


def remove(keys) -> None:
    for key in keys:
        storage.delete(key)


def keys_of_url(url: str) -> list[str]:
    """The stored files of one of our photos (every width), none for another site's URL."""
    name = url.rsplit("/", 1)[-1]
    if not url.startswith("/anh/") or "-" not in name:
        return []
    return rendition_keys(name.rsplit("-", 1)[0])
