"""A product's photos and its certificate's decision document, stored through
marketplace.storage.

A photo is checked by its content in the request (catalog/images.py: JPEG, PNG
or WebP within the byte and pixel limits; anything else is refused and nothing
is stored). The upload is then kept under a private key and recorded as a
PendingImage, which counts towards the product's photo limit, and the job
media.product_renditions (catalog/photo_jobs.py) makes its WebP renditions after
the commit and adds the photo last in the product's image_urls. Until then the
portal shows it as being processed; the producer may remove it meanwhile.

A document is a PDF (its %PDF- magic and UPLOAD_DOCUMENT_MAX_BYTES) or a photo
(checked and re-encoded at once, it is small). It is private: only the
producer's members and admins fetch it (catalog/portal_pages.py certificate_document).

Files are written before the transaction that records them and removed again if
it fails; files a change replaces are removed after it commits. A refused upload
stores nothing.

Use cases: add_image, remove_pending_image, move_image, remove_image,
attach_certificate_document, certificate_document.
"""

import secrets

import sqlalchemy as sa
from flask import current_app

from marketplace import jobs, storage
from marketplace.catalog.images import (InvalidUpload, Rendition, keys_of_url, original_key, read_image, remove,
                                        store, webp)
from marketplace.catalog.job_models import PendingImage
from marketplace.catalog.models import Product
from marketplace.catalog.services import get_product
from marketplace.database import transactional, utcnow
from marketplace.errors import N_, NotFound
from marketplace.extensions import db

__all__ = ["InvalidUpload", "TooManyImages", "ImageNotFound", "DocumentNotFound", "add_image", "remove_pending_image",
           "move_image", "remove_image", "attach_certificate_document", "certificate_document"]

DOCUMENT_IMAGE_WIDTH = 2000  # a scanned decision stays readable
PDF_MAGIC = b"%PDF-"


class TooManyImages(InvalidUpload):
    def __init__(self, limit: int):
        super().__init__("image", N_("A product has at most %(limit)d photos. Remove one first."), limit=limit)


class ImageNotFound(NotFound):
    code, message = "image_not_found", N_("No such photo.")


class DocumentNotFound(NotFound):
    code, message = "document_not_found", N_("No decision document has been uploaded.")


def _photo_count(product: Product) -> int:
    """The photos it has and those still being processed: both count towards the limit
    (counted afresh: a collection loaded before the product's lock may be stale)."""
    pending = db.session.scalar(sa.select(sa.func.count()).where(PendingImage.product_id == product.id))
    return len(product.image_urls or []) + pending


# --- photos --------------------------------------------------------------------------

def add_image(producer_id: int, product_id: int, data: bytes) -> Product:
    """Check a photo and keep it as uploaded; a job makes its renditions after the
    commit and adds it last in the product's photos.

    Raises ProductNotFound, InvalidUpload, TooManyImages.
    """
    product = get_product(producer_id, product_id)
    limit = current_app.config["PRODUCT_MAX_IMAGES"]
    if _photo_count(product) >= limit:
        raise TooManyImages(limit)
    read_image(data)  # refuses anything that is not a whole JPEG, PNG or WebP photo within the limits
    stem = f"sp{product.id}-{secrets.token_hex(5)}"
    storage.put(original_key(stem), data, "application/octet-stream")
    try:
        return _record_pending(producer_id, product_id, stem, limit)
    except BaseException:
        storage.delete(original_key(stem))  # the row was not written: neither is the file
        raise


@transactional
def _record_pending(producer_id: int, product_id: int, stem: str, limit: int) -> Product:
    product = get_product(producer_id, product_id, for_update=True)
    if _photo_count(product) >= limit:
        raise TooManyImages(limit)
    pending = PendingImage(product_id=product.id, stem=stem)
    db.session.add(pending)
    db.session.flush()
    jobs.enqueue("media.product_renditions", pending_id=pending.id)  # handed on once this commits
    return product


def remove_pending_image(producer_id: int, product_id: int, pending_id: int) -> Product:
    """Give up a photo still being processed (its job then finds nothing to do).

    Raises ProductNotFound, ImageNotFound.
    """
    product, key = _drop_pending(producer_id, product_id, pending_id)
    storage.delete(key)  # after the commit
    return product


@transactional
def _drop_pending(producer_id: int, product_id: int, pending_id: int):
    product = get_product(producer_id, product_id, for_update=True)
    pending = db.session.scalar(sa.select(PendingImage).where(PendingImage.id == pending_id,
                                                               PendingImage.product_id == product.id))
    if pending is None:
        raise ImageNotFound()
    db.session.delete(pending)
    return product, pending.original_key


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
    remove(keys_of_url(url))  # after the commit: a failed change keeps its files
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
    return Rendition(f"{stem}.webp", webp(image, DOCUMENT_IMAGE_WIDTH))


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
    store([rendition])
    try:
        product, previous = _record_document(producer_id, product_id, rendition.key)
    except BaseException:
        remove([rendition.key])
        raise
    if previous:
        remove([previous])
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
