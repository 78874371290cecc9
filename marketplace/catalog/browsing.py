"""What shoppers see: approved producers' storefronts and active products. Read-only."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.catalog.models import Product, ProductNotFound, ProductStatus, StorefrontNotFound, Variant
from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.pagination import paginate
from marketplace.producers.models import Producer, ProducerStatus


def list_storefronts(province: int | None, page: int, per_page: int):
    stmt = sa.select(Producer).where(Producer.status == ProducerStatus.APPROVED).order_by(Producer.name, Producer.id)
    if province:
        stmt = stmt.where(Producer.province_code == province)
    return paginate(stmt, page, per_page)


def get_storefront(slug: str) -> Producer:
    """Raises NotFound unless the producer is approved."""
    producer = db.session.scalar(
        sa.select(Producer).where(Producer.slug == slug, Producer.status == ProducerStatus.APPROVED)
    )
    if producer is None:
        raise StorefrontNotFound()
    return producer


def _lowest_price():
    return (sa.select(sa.func.min(Variant.price_vnd))
            .where(Variant.product_id == Product.id, Variant.is_active.is_(True))
            .correlate(Product).scalar_subquery())


def _stars_in_force():
    # An expired or unverified certificate counts as no stars.
    return sa.case((sa.and_(Product.ocop_valid_until >= today_vn(), Product.ocop_verified_at.is_not(None)),
                    Product.ocop_stars), else_=0)


_SORTS = {
    "name": lambda: [Product.name, Product.id],
    "newest": lambda: [Product.published_at.desc(), Product.id.desc()],
    # A product with no active variant has no price; it goes last either way
    # (left alone, PostgreSQL and SQLite put NULLs at opposite ends).
    "price_asc": lambda: [_lowest_price().asc().nulls_last(), Product.id],
    "price_desc": lambda: [_lowest_price().desc().nulls_last(), Product.id],
    "stars": lambda: [_stars_in_force().desc(), Product.name, Product.id],
}


def storefront_products(producer: Producer, sort: str, page: int, per_page: int):
    stmt = (sa.select(Product).options(selectinload(Product.variants))
            .where(Product.producer_id == producer.id, Product.status == ProductStatus.ACTIVE)
            .order_by(*_SORTS[sort]()))
    return paginate(stmt, page, per_page)


def get_public_product(product_id: int) -> Product:
    """Raises NotFound unless the product is active and its producer approved."""
    product = db.session.scalar(
        sa.select(Product).options(selectinload(Product.variants))
        .join(Producer).where(Product.id == product_id, Product.status == ProductStatus.ACTIVE,
                              Producer.status == ProducerStatus.APPROVED)
    )
    if product is None:
        raise ProductNotFound()
    return product


def public_products_by_id(product_ids: list[int]) -> dict[int, Product]:
    """Active products of approved producers among these ids, in one query."""
    if not product_ids:
        return {}
    products = db.session.scalars(
        sa.select(Product).options(selectinload(Product.variants), selectinload(Product.producer))
        .join(Producer).where(Product.id.in_(product_ids), Product.status == ProductStatus.ACTIVE,
                              Producer.status == ProducerStatus.APPROVED)
    ).all()
    return {p.id: p for p in products}
