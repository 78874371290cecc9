"""Catalog use cases for the producer portal and admins. One transaction each.

Every portal function takes the producer id from the URL and loads rows scoped
to it, so a member of producer A can never reach producer B's rows: they are
simply not found.
"""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace import audit
from marketplace.catalog.certification import Certificate
from marketplace.catalog.models import Product, ProductNotFound, ProductStatus, Variant, VariantNotFound
from marketplace.clock import today_vn
from marketplace.database import transactional, utcnow
from marketplace.errors import N_, Conflict
from marketplace import events
from marketplace.extensions import db
from marketplace.locking import for_update as locked, lock_one
from marketplace.pagination import paginate
from marketplace.producers.services import slug_from_name


class ProductSlugTaken(Conflict):
    code, message = "slug_taken", N_("This producer already has a product with this slug.")

    def __init__(self):
        super().__init__(errors={"json": {"slug": [N_("Already used by another of your products.")]}})


class GtinTaken(Conflict):
    code, message = "gtin_taken", N_("This GTIN is already registered to another variant.")

    def __init__(self):
        super().__init__(errors={"json": {"gtin": [N_("Already registered to another variant.")]}})


def _product_query():
    return sa.select(Product).options(selectinload(Product.variants))


def get_product(producer_id: int, product_id: int, *, for_update: bool = False) -> Product:
    """A product of this producer. Raises NotFound for anyone else's."""
    stmt = _product_query().where(Product.id == product_id, Product.producer_id == producer_id)
    product = db.session.scalar(locked(stmt, of=Product) if for_update else stmt)
    if product is None:
        raise ProductNotFound()
    return product


def list_products(producer_id: int, status: ProductStatus | None, page: int, per_page: int,
                  search: str | None = None):
    """Newest first; `search` matches part of the name (case-insensitive) or a variant's GTIN."""
    stmt = _product_query().where(Product.producer_id == producer_id).order_by(Product.id.desc())
    if status:
        stmt = stmt.where(Product.status == status)
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(sa.or_(sa.func.lower(Product.name).like(pattern.lower(), escape="\\"),
                                 Product.variants.any(Variant.gtin == search.strip())))
    return paginate(stmt, page, per_page)


def _ensure_slug_free(producer_id: int, slug: str, product_id: int | None = None) -> None:
    clash = db.session.scalar(sa.select(Product.id).where(Product.producer_id == producer_id, Product.slug == slug))
    if clash is not None and clash != product_id:
        raise ProductSlugTaken()


def _ensure_gtin_free(gtin: str | None, variant_id: int | None = None) -> None:
    if gtin is None:
        return
    clash = db.session.scalar(sa.select(Variant.id).where(Variant.gtin == gtin))
    if clash is not None and clash != variant_id:
        raise GtinTaken()


def _apply_certificate(product: Product, fields: dict | None) -> None:
    if fields:
        product.certify(Certificate.issue(**fields, today=today_vn()))


@transactional
def create_product(producer_id: int, data: dict) -> Product:
    """Create a draft product.

    Raises ProductSlugTaken, InvalidCertificate.
    """
    certification = data.pop("certification", None)
    data["slug"] = data.get("slug") or slug_from_name(data["name"])
    _ensure_slug_free(producer_id, data["slug"])
    product = Product(producer_id=producer_id, status=ProductStatus.DRAFT, **data)
    _apply_certificate(product, certification)
    db.session.add(product)
    db.session.flush()
    if certification:
        events.publish("certificate.declared", product=product)  # after the flush: it has its id
    return product


@transactional
def update_product(producer_id: int, product_id: int, changes: dict) -> Product:
    """Raises ProductNotFound, ProductSlugTaken, InvalidCertificate."""
    product = get_product(producer_id, product_id)
    certification = changes.pop("certification", None)
    if "slug" in changes:
        _ensure_slug_free(producer_id, changes["slug"], product.id)
    if "origin_province_code" in changes and "origin_ward_code" not in changes:
        changes["origin_ward_code"] = None
    for name, value in changes.items():
        setattr(product, name, value)
    _apply_certificate(product, certification)
    if certification:
        events.publish("certificate.declared", product=product)
    return product


@transactional
def publish(producer_id: int, product_id: int) -> Product:
    """Raises ProductNotFound, CannotPublish, InvalidProductTransition."""
    product = get_product(producer_id, product_id)
    product.publish(utcnow())
    return product


@transactional
def unpublish(producer_id: int, product_id: int) -> Product:
    """Raises ProductNotFound, InvalidProductTransition."""
    product = get_product(producer_id, product_id)
    product.unpublish()
    return product


@transactional
def archive(producer_id: int, product_id: int) -> Product:
    """Raises ProductNotFound, InvalidProductTransition."""
    product = get_product(producer_id, product_id)
    product.archive()
    return product


@transactional
def add_variant(producer_id: int, product_id: int, data: dict) -> Variant:
    """Raises ProductNotFound, GtinTaken."""
    product = get_product(producer_id, product_id)
    _ensure_gtin_free(data.get("gtin"))
    variant = Variant(product=product, **data)
    db.session.add(variant)
    db.session.flush()
    return variant


@transactional
def update_variant(producer_id: int, product_id: int, variant_id: int, changes: dict) -> Variant:
    """Edit a variant: label, price, barcode, stock or active flag.

    The row is locked for the rest of the transaction, so a stock count set
    here cannot interleave with a checkout reserving the same variant.

    Raises ProductNotFound, VariantNotFound, GtinTaken, NegativeStock.
    """
    get_product(producer_id, product_id)
    # get_product loaded this variant before the lock; re-read it under the lock
    # (today that copy is only dropped because nothing keeps the product referenced).
    variant = lock_one(sa.select(Variant).where(Variant.id == variant_id, Variant.product_id == product_id))
    if variant is None:
        raise VariantNotFound()
    if "gtin" in changes:
        _ensure_gtin_free(changes["gtin"], variant.id)
    stock = changes.pop("stock_quantity", None)
    for name, value in changes.items():
        setattr(variant, name, value)
    if stock is not None:
        variant.set_stock(stock)
    return variant


# --- admin -------------------------------------------------------------------

def list_for_admin(verified: bool | None, status: ProductStatus | None, page: int, per_page: int):
    """All products, newest first; verified=False is the verification queue: the
    certificates awaiting an admin, the longest-waiting first."""
    stmt = _product_query().order_by(Product.id.desc())
    if verified is not None:
        stmt = stmt.where(Product.ocop_stars.is_not(None))
        stmt = stmt.where(Product.ocop_verified_at.is_not(None) if verified else Product.ocop_verified_at.is_(None))
    if verified is False:
        stmt = stmt.order_by(None).order_by(Product.ocop_declared_at.asc().nulls_first(), Product.id)
    if status:
        stmt = stmt.where(Product.status == status)
    return paginate(stmt, page, per_page)


@transactional
def verify_certificate(product_id: int, admin_id: int) -> Product:
    """Raises ProductNotFound, NoCertificate."""
    product = db.session.get(Product, product_id)
    if product is None:
        raise ProductNotFound()
    product.verify_certificate(admin_id, utcnow())
    audit.record("certificate.verified", "product", product.id, admin_id, name=product.name,
                 stars=product.ocop_stars, decision_number=product.ocop_decision_number)
    return product
