"""What a producer should act on in its catalogue: variants running low online,
and OCOP certificates about to expire."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.clock import today_vn
from marketplace.extensions import db

LOW_STOCK_ONLINE = 5  # units left of an active variant before the dashboard warns


def low_stock_variants(producer_id: int, threshold: int = LOW_STOCK_ONLINE, limit: int = 20) -> list[Variant]:
    """Active variants of the producer's live products with `threshold` units or fewer, fewest first."""
    return db.session.scalars(
        sa.select(Variant).join(Variant.product).options(contains_eager(Variant.product))
        .where(Product.producer_id == producer_id, Product.status == ProductStatus.ACTIVE, Variant.is_active,
               Variant.stock_quantity <= threshold)
        .order_by(Variant.stock_quantity, Product.name, Variant.id).limit(limit)).unique().all()


def certificates_expiring(producer_id: int, days: int = 90) -> list[Product]:
    """The producer's products whose OCOP certificate ends within `days` (or has ended), soonest first."""
    return db.session.scalars(
        sa.select(Product).where(Product.producer_id == producer_id, Product.status != ProductStatus.ARCHIVED,
                                 Product.ocop_valid_until.is_not(None),
                                 Product.ocop_valid_until <= today_vn() + timedelta(days=days))
        .order_by(Product.ocop_valid_until, Product.id)).all()
