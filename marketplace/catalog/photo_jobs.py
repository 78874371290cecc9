"""The job that finishes an uploaded photo: `media.product_renditions`.

It reads the original kept by media.add_image, makes and stores the WebP
renditions, then, in one transaction under the product's lock, adds the photo
last in image_urls and deletes the PendingImage. It is safe to run twice: the
renditions' names come from the pending photo's stem (a retry overwrites the
same files), and a pending photo already gone means done (or given up by the
producer, whose renditions it then removes). A photo over the limit, reached
meanwhile by other means (the API's image_urls), is dropped with its files.
"""

import logging

import sqlalchemy as sa
from flask import current_app

from marketplace import storage
from marketplace.catalog.images import read_image, remove, product_renditions, store
from marketplace.catalog.job_models import PendingImage
from marketplace.catalog.services import get_product
from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.jobs import job

log = logging.getLogger("marketplace.catalog")


@job("media.product_renditions")
def make_product_renditions(pending_id: int) -> str:
    """Returns what it did: "added", "already done", "given up" or "over the limit"."""
    pending = db.session.get(PendingImage, pending_id)
    if pending is None:
        return "already done"
    producer_id, product_id = pending.product.producer_id, pending.product_id
    stem, key = pending.stem, pending.original_key
    db.session.rollback()  # no transaction stays open over the slow part
    try:
        data = storage.get(key)
    except storage.StoredFileMissing:
        if db.session.get(PendingImage, pending_id) is None:
            return "given up"  # the producer removed it as this started
        raise
    renditions = product_renditions(read_image(data), stem)
    store(renditions)
    url = storage.url(renditions[-1].key)
    outcome = _add_to_product(producer_id, product_id, pending_id, url, current_app.config["PRODUCT_MAX_IMAGES"])
    if outcome in ("given up", "over the limit"):
        remove(r.key for r in renditions)
    if outcome != "already done":
        storage.delete(key)
    return outcome


@transactional
def _add_to_product(producer_id: int, product_id: int, pending_id: int, url: str, limit: int) -> str:
    product = get_product(producer_id, product_id, for_update=True)  # photo changes queue up on this lock
    urls = list(product.image_urls or [])
    pending = db.session.scalar(sa.select(PendingImage).where(PendingImage.id == pending_id))
    if pending is None:
        return "already done" if url in urls else "given up"
    db.session.delete(pending)
    if url in urls:
        return "already done"
    if len(urls) >= limit:
        log.warning("Photo %s of product %s dropped: the product has %d photos already", url, product_id, len(urls))
        return "over the limit"
    product.image_urls = [*urls, url]  # a new list: the JSON column sees the change
    return "added"
