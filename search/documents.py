"""The search document of a product: everything search filters, ranks or facets on.

Only active products of approved producers have a document; anything else is
removed from the index. Built from the database in batches, never per row.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.producers.models import Producer, ProducerStatus
from marketplace.regions import divisions
from marketplace.showrooms.models import DisplayPoint, PointStatus, PointStock
from marketplace.text import fold


@dataclass
class ProductDocument:
    product_id: int
    name: str
    producer_id: int
    producer_name: str
    producer_slug: str
    producer_type: str
    description: str
    group: str
    stars: int | None               # awarded stars
    certificate_valid: bool         # valid today
    claimed_stars: int              # stars that count today (0 once expired)
    certificate_valid_until: date | None
    province_code: int
    ward_code: int | None
    region: str
    price_min_vnd: int
    price_max_vnd: int
    in_stock: bool
    certifications: list[str]
    created_at: datetime
    popularity: int = 0             # units sold, once orders exist
    display_point_ids: list[int] = field(default_factory=list)        # open points with it on the shelf
    display_point_provinces: list[int] = field(default_factory=list)
    place_names: str = ""           # province and ward, so "dien bien" finds products from there

    @property
    def text(self) -> str:
        return " ".join((self.name, self.producer_name, self.place_names, self.description))

    @property
    def folded_text(self) -> str:
        return fold(self.text)

    @property
    def folded_name(self) -> str:
        return fold(self.name)

    @property
    def folded_producer(self) -> str:
        return fold(self.producer_name)

    def as_dict(self) -> dict:
        return asdict(self)


def _searchable(product: Product) -> bool:
    return (product.status is ProductStatus.ACTIVE and product.producer.status is ProducerStatus.APPROVED
            and any(v.is_active for v in product.variants))


def build(product: Product, today: date) -> ProductDocument:
    prices = [v.price_vnd for v in product.variants if v.is_active]
    valid = product.certificate_valid_on(today)
    return ProductDocument(
        product_id=product.id, name=product.name, producer_id=product.producer_id,
        producer_name=product.producer.name, producer_slug=product.producer.slug,
        producer_type=product.producer.legal_type.value, description=product.description or "",
        # Stars that await an admin's verification are not the product's yet: they
        # neither match a star filter nor count in the stars facet.
        group=product.group.value, stars=product.verified_stars, certificate_valid=valid,
        claimed_stars=product.claimed_stars(today) or 0, certificate_valid_until=product.ocop_valid_until,
        province_code=product.origin_province_code, ward_code=product.origin_ward_code,
        region=divisions.region_of(product.origin_province_code),
        price_min_vnd=min(prices), price_max_vnd=max(prices),
        in_stock=any(v.in_stock for v in product.variants),
        certifications=sorted(product.certifications or []), created_at=product.created_at,
        place_names=_place_names(product.origin_province_code, product.origin_ward_code),
    )


def _place_names(province_code: int, ward_code: int | None) -> str:
    names = [divisions.provinces()[province_code].name]
    if ward_code in divisions.wards():
        names.append(divisions.wards()[ward_code].name)
    return " ".join(names)


def documents_for(product_ids) -> tuple[list[ProductDocument], list[int]]:
    """Documents for the searchable products among `product_ids`, and the ids to remove."""
    ids = sorted(set(product_ids))
    # populate_existing: build from the rows as they are now, not as the session first loaded them.
    products = db.session.scalars(
        sa.select(Product).where(Product.id.in_(ids))
        .options(selectinload(Product.variants), selectinload(Product.producer))
        .execution_options(populate_existing=True)
    ).all() if ids else []
    today = today_vn()
    docs = [build(p, today) for p in products if _searchable(p)]
    stocked = _stocked_at_points([d.product_id for d in docs])
    for doc in docs:
        points = stocked.get(doc.product_id, [])
        doc.display_point_ids = sorted({point_id for point_id, _ in points})
        doc.display_point_provinces = sorted({province for _, province in points})
    indexed = {d.product_id for d in docs}
    return docs, [i for i in ids if i not in indexed]


def _stocked_at_points(product_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """product id → [(point id, province code)] for open points holding it."""
    if not product_ids:
        return {}
    rows = db.session.execute(
        sa.select(Variant.product_id, DisplayPoint.id, DisplayPoint.province_code)
        .join(PointStock, PointStock.variant_id == Variant.id).join(DisplayPoint, DisplayPoint.id == PointStock.point_id)
        .where(Variant.product_id.in_(product_ids), PointStock.on_hand > 0, DisplayPoint.status == PointStatus.ACTIVE)
        .distinct()
    ).all()
    stocked: dict[int, list[tuple[int, int]]] = {}
    for product_id, point_id, province in rows:
        stocked.setdefault(product_id, []).append((point_id, province))
    return stocked


def all_searchable_ids(batch_size: int = 2000):
    """Ids of every product that may be searchable, in batches (for full reindexing)."""
    stmt = (sa.select(Product.id).join(Producer)
            .where(Product.status == ProductStatus.ACTIVE, Producer.status == ProducerStatus.APPROVED)
            .order_by(Product.id))
    ids = db.session.scalars(stmt).all()  # ids only: 100,000 of them is under a megabyte
    for start in range(0, len(ids), batch_size):
        yield ids[start:start + batch_size]
