"""A product's photos and its certificate's decision document, stored through
marketplace.storage.

Photos are checked by their content, never by their name or declared type: Pillow
must read them as JPEG, PNG or WebP within the byte and pixel limits (config
UPLOAD_IMAGE_MAX_BYTES, UPLOAD_IMAGE_MAX_PIXELS), which also guards against
decompression bombs. Each is re-encoded as WebP without its metadata (EXIF, GPS
position, camera) at every width of storage.serving.WIDTHS, and the product's
image_urls gains the widest one (the storefront shows image_urls in order).

A document is a PDF (its %PDF- magic and UPLOAD_DOCUMENT_MAX_BYTES) or a photo
(checked and re-encoded as above). It is private: only the producer's members and
admins fetch it (catalog/portal_pages.py certificate_document).

Files are written before the transaction that records them and removed again if
it fails; files a change replaces are removed after it commits. A refused upload
stores nothing.

Use cases: add_image, move_image, remove_image, attach_certificate_document,
certificate_document.
"""

import io
import secrets
import warnings
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace import storage
from marketplace.catalog.models import Product
from marketplace.catalog.services import get_product
from marketplace.database import transactional, utcnow
from marketplace.errors import N_, InvalidInput, NotFound
from marketplace.storage.serving import WIDTHS, photo_key

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
DOCUMENT_IMAGE_WIDTH = 2000  # a scanned decision stays readable
PDF_MAGIC = b"%PDF-"


class InvalidUpload(InvalidInput):
    """The file was refused; `errors` names the field and why."""

    message = N_("The file was refused.")

    def __init__(self, field: str, reason: str, **values):
        super().__init__(errors={field: [reason]})
        self.field, self.reason, self.values = field, reason, values


class TooManyImages(InvalidUpload):
    def __init__(self, limit: int):
        super().__init__("image", N_("A product has at most %(limit)d photos. Remove one first."), limit=limit)


class ImageNotFound(NotFound):
    code, message = "image_not_found", N_("No such photo.")


class DocumentNotFound(NotFound):
    code, message = "document_not_found", N_("No decision document has been uploaded.")


@dataclass(frozen=True)
class Rendition:
    key: str
    data: bytes
    content_type: str = "image/webp"


# --- checking and re-encoding ------------------------------------------------------

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


def _webp(image: Image.Image, width: int) -> bytes:
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=82, method=4)  # no exif= argument: nothing of the original's metadata
    return out.getvalue()


def product_renditions(image: Image.Image, stem: str) -> list[Rendition]:
    """The photo at every width. The step a job queue can take over: it is the slow one."""
    return [Rendition(photo_key(f"{stem}-{width}.webp"), _webp(image, width)) for width in WIDTHS]


def _store(renditions: list[Rendition]) -> None:
    stored = []
    try:
        for rendition in renditions:
            storage.put(rendition.key, rendition.data, rendition.content_type)
            stored.append(rendition.key)
    except BaseException:
        _remove(stored)
        raise


def _remove(keys) -> None:
    for key in keys:
        storage.delete(key)


def _keys_of_url(url: str) -> list[str]:
    """The stored files of one of our photos (every width), none for another site's URL."""
    name = url.rsplit("/", 1)[-1]
    if not url.startswith("/anh/") or "-" not in name:
        return []
    stem = name.rsplit("-", 1)[0]
    return [photo_key(f"{stem}-{width}.webp") for width in WIDTHS]


# --- photos --------------------------------------------------------------------------

def add_image(producer_id: int, product_id: int, data: bytes) -> Product:
    """Check, re-encode and store a photo, then add it last in the product's photos.

    Raises ProductNotFound, InvalidUpload, TooManyImages.
    """
    product = get_product(producer_id, product_id)
    limit = current_app.config["PRODUCT_MAX_IMAGES"]
    if len(product.image_urls or []) >= limit:
        raise TooManyImages(limit)
    image = read_image(data)
    renditions = product_renditions(image, f"sp{product.id}-{secrets.token_hex(5)}")
    _store(renditions)
    try:
        return _append_image(producer_id, product_id, storage.url(renditions[-1].key), limit)
    except BaseException:
        _remove(r.key for r in renditions)  # the row was not written: neither are the files
        raise


@transactional
def _append_image(producer_id: int, product_id: int, url: str, limit: int) -> Product:
    product = get_product(producer_id, product_id, for_update=True)
    if len(product.image_urls or []) >= limit:
        raise TooManyImages(limit)
    product.image_urls = [*(product.image_urls or []), url]  # a new list: the JSON column sees the change
    return product


@transactional
def move_image(producer_id: int, product_id: int, index: int, step: int) -> Product:
    """Move photo `index` (0-based) one place earlier (step -1) or later (+1); at either
    end it stays. The first photo is the one product cards show.

    Raises ProductNotFound, ImageNotFound.
    """
    product = get_product(producer_id, product_id, for_update=True)
    urls = list(product.image_urls or [])
    if not 0 <= index < len(urls):
        raise ImageNotFound()
    target = index + step
    if 0 <= target < len(urls):
        urls[index], urls[target] = urls[target], urls[index]
        product.image_urls = urls
    return product


def remove_image(producer_id: int, product_id: int, index: int) -> Product:
    """Raises ProductNotFound, ImageNotFound."""
    product, url = _drop_image(producer_id, product_id, index)
    _remove(_keys_of_url(url))  # after the commit: a failed change keeps its files
    return product


@transactional
def _drop_image(producer_id: int, product_id: int, index: int):
    product = get_product(producer_id, product_id, for_update=True)
    urls = list(product.image_urls or [])
    if not 0 <= index < len(urls):
        raise ImageNotFound()
    url = urls.pop(index)
    product.image_urls = urls
    return product, url


# --- the certificate's decision document ---------------------------------------

def _document_rendition(producer_id: int, product_id: int, data: bytes) -> Rendition:
    stem = f"giay-to/{producer_id}/sp{product_id}-{secrets.token_hex(8)}"
    if data.startswith(PDF_MAGIC):
        limit = current_app.config["UPLOAD_DOCUMENT_MAX_BYTES"]
        if len(data) > limit:
            raise InvalidUpload("document", N_("The document is larger than %(mb)d MB."), mb=limit // (1024 * 1024))
        return Rendition(f"{stem}.pdf", data, "application/pdf")
    try:
        image = read_image(data, field="document")
    except InvalidUpload as refusal:
        if refusal.reason == N_("This file is not a JPEG, PNG or WebP photo."):
            raise InvalidUpload("document", N_("The document must be a PDF or a JPEG, PNG or WebP photo.")) from None
        raise
    return Rendition(f"{stem}.webp", _webp(image, DOCUMENT_IMAGE_WIDTH))


def attach_certificate_document(producer_id: int, product_id: int, data: bytes) -> Product:
    """Store the decision document of the product's OCOP certificate, replacing any
    earlier one. A new document means the admin has to look again: the verification
    is cleared and the certificate joins the end of the queue.

    Raises ProductNotFound, InvalidUpload.
    """
    get_product(producer_id, product_id)
    if not data:
        raise InvalidUpload("document", N_("Choose a file to upload."))
    rendition = _document_rendition(producer_id, product_id, data)
    _store([rendition])
    try:
        product, previous = _record_document(producer_id, product_id, rendition.key)
    except BaseException:
        _remove([rendition.key])
        raise
    if previous:
        _remove([previous])
    return product


@transactional
def _record_document(producer_id: int, product_id: int, key: str):
    product = get_product(producer_id, product_id, for_update=True)
    previous = product.ocop_document_key
    product.ocop_document_key = key
    product.ocop_verified_at = product.ocop_verified_by_id = None
    product.ocop_declared_at = utcnow()
    return product, previous


def certificate_document(product: Product) -> tuple[bytes, str]:
    """The document's bytes and type, for someone already allowed to see it.

    Raises DocumentNotFound.
    """
    key = product.ocop_document_key
    if not key:
        raise DocumentNotFound()
    try:
        data = storage.get(key)
    except storage.StoredFileMissing:
        raise DocumentNotFound() from None
    return data, "application/pdf" if key.endswith(".pdf") else "image/webp"
