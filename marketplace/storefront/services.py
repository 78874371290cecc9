"""What a producer's storefront page shows, read in one use case (the page calls
`producer_storefront`; the API's storefront endpoints call catalog.browsing)."""

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.catalog import browsing
from marketplace.catalog.models import Product, ProductStatus
from marketplace.catalog.schemas import certificate_view
from marketplace.extensions import db
from marketplace.schemas import Page
from marketplace.producers.models import Producer
from marketplace.regions import divisions
from marketplace.showrooms.queries import points_stocking_producer


@dataclass
class ProducerStorefront:
    producer: Producer
    province: object  # the regions package's province (name, code), or None
    products: Page  # this page of its active products, in the order asked for
    certificates: list[dict]  # {"product": Product, "certificate": certificate_view(...)}, most stars first
    other_certifications: list[str]  # codes (VietGAP, organic…) held by any of its products
    points: list[dict]  # showrooms.queries.points_stocking_producer


def producer_storefront(slug: str, sort: str, page: int, per_page: int) -> ProducerStorefront:
    """Raises StorefrontNotFound unless the producer is approved."""
    producer = browsing.get_storefront(slug)
    active = db.session.scalars(sa.select(Product).where(
        Product.producer_id == producer.id, Product.status == ProductStatus.ACTIVE).order_by(Product.name)).all()
    certificates = [{"product": p, "certificate": certificate_view(p)} for p in active if p.certificate]
    certificates.sort(key=lambda c: (-(c["certificate"]["stars"] or 0), c["product"].name))
    others = sorted({code for p in active for code in (p.certifications or [])})
    return ProducerStorefront(
        producer=producer, province=divisions.provinces().get(producer.province_code),
        products=browsing.storefront_products(producer, sort, page, per_page), certificates=certificates,
        other_certifications=others, points=points_stocking_producer(producer.id))
