"""Products and their variants (SKUs)."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.catalog.certification import Certificate, IssuingLevel
from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace.errors import N_, Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.producers.models import Producer


class ProductGroup(enum.StrEnum):
    FOOD = "food"                  # thực phẩm
    BEVERAGES = "beverages"        # đồ uống
    HERBAL = "herbal"              # thảo dược
    TEXTILES = "textiles"          # vải, may mặc
    HANDICRAFTS = "handicrafts"    # lưu niệm, nội thất, trang trí
    TOURISM = "tourism"            # dịch vụ du lịch cộng đồng


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class NetUnit(enum.StrEnum):
    GRAM = "g"
    MILLILITRE = "ml"
    PIECE = "piece"


class CannotPublish(Conflict):
    code, message = "cannot_publish", N_("This product cannot be published yet.")


class InvalidProductTransition(Conflict):
    code, message = "invalid_status_transition", N_("The product cannot move to that status from its current one.")


class ProductNotFound(NotFound):
    code, message = "product_not_found", N_("No such product.")


class VariantNotFound(NotFound):
    code, message = "variant_not_found", N_("No such variant.")


class StorefrontNotFound(NotFound):
    code, message = "storefront_not_found", N_("No such storefront.")


class NegativeStock(InvalidInput):
    message = N_("Stock cannot be negative.")  # code: validation_error

    def __init__(self):
        super().__init__(errors={"stock_quantity": [N_("Must be 0 or more.")]})


class NoCertificate(Conflict):
    code, message = "no_certificate", N_("This product has no OCOP certificate to verify.")


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        sa.UniqueConstraint("producer_id", "slug"),
        sa.CheckConstraint("ocop_stars IS NULL OR ocop_stars BETWEEN 3 AND 5", name="ocop_stars_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producers.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(120))
    name: Mapped[str] = mapped_column(sa.String(200))
    group: Mapped[ProductGroup] = mapped_column(enum_column(ProductGroup))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    image_urls: Mapped[list] = mapped_column(sa.JSON, default=list)
    origin_province_code: Mapped[int] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    origin_ward_code: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.code"))

    ocop_stars: Mapped[int | None] = mapped_column(sa.SmallInteger)
    ocop_decision_number: Mapped[str | None] = mapped_column(sa.String(80))
    ocop_issuing_level: Mapped[IssuingLevel | None] = mapped_column(enum_column(IssuingLevel))
    ocop_issued_on: Mapped[date | None]
    ocop_valid_until: Mapped[date | None]
    ocop_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ocop_verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # When the certificate now on file was declared: the verification queue is oldest first.
    ocop_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The decision document (PDF or photo) in marketplace.storage; private (catalog/media.py).
    ocop_document_key: Mapped[str | None] = mapped_column(sa.String(200))

    certifications: Mapped[list] = mapped_column(sa.JSON, default=list)
    shelf_life_days: Mapped[int | None]
    available_months: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[ProductStatus] = mapped_column(enum_column(ProductStatus), default=ProductStatus.DRAFT, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    producer: Mapped[Producer] = relationship()
    variants: Mapped[list["Variant"]] = relationship(back_populates="product", order_by="Variant.id",
                                                     cascade="all, delete-orphan")
    origin_province = relationship("Province", lazy="joined")
    origin_ward = relationship("Ward", lazy="joined")

    # --- certification -------------------------------------------------------

    @property
    def certificate(self) -> Certificate | None:
        if self.ocop_stars is None:
            return None
        return Certificate(self.ocop_stars, self.ocop_decision_number, self.ocop_issuing_level,
                           self.ocop_issued_on, self.ocop_valid_until)

    def certify(self, certificate: Certificate) -> None:
        """Record a (new) certificate. Any earlier admin verification no longer applies."""
        if certificate != self.certificate:
            self.ocop_verified_at = self.ocop_verified_by_id = None
            self.ocop_declared_at = utcnow()
        self.ocop_stars = certificate.stars
        self.ocop_decision_number = certificate.decision_number
        self.ocop_issuing_level = certificate.issuing_level
        self.ocop_issued_on = certificate.issued_on
        self.ocop_valid_until = certificate.valid_until

    def verify_certificate(self, admin_id: int, now: datetime) -> None:
        """Raises NoCertificate."""
        if self.certificate is None:
            raise NoCertificate()
        self.ocop_verified_at, self.ocop_verified_by_id = now, admin_id

    def certificate_valid_on(self, day: date) -> bool:
        return self.certificate is not None and self.certificate.is_valid_on(day)

    @property
    def certificate_verified(self) -> bool:
        """An admin has checked the certificate against its decision. Until then
        it is the producer's own claim, and shows no stars."""
        return self.certificate is not None and self.ocop_verified_at is not None

    @property
    def verified_stars(self) -> int | None:
        """The stars on a verified certificate (whether or not in force today)."""
        return self.ocop_stars if self.certificate_verified else None

    def claimed_stars(self, day: date) -> int | None:
        """The stars a product may show: none while its certificate awaits
        verification, and none once it has expired."""
        return self.ocop_stars if self.certificate_verified and self.certificate_valid_on(day) else None

    # --- lifecycle -----------------------------------------------------------

    def publish(self, now: datetime) -> None:
        """draft/archived → active.

        Raises CannotPublish listing what is missing.
        """
        missing = {}
        if self.certificate is None:
            missing["certification"] = [N_("An OCOP certificate is required to sell on the marketplace.")]
        if not any(v.is_active for v in self.variants):
            missing["variants"] = [N_("Add at least one active variant with a price.")]
        if missing:
            raise CannotPublish(errors={"json": missing})
        if self.status is ProductStatus.ACTIVE:
            raise InvalidProductTransition(N_("This product is already published."))
        self.status, self.published_at = ProductStatus.ACTIVE, now

    def unpublish(self) -> None:
        """active → draft. Raises InvalidProductTransition."""
        if self.status is not ProductStatus.ACTIVE:
            raise InvalidProductTransition(N_("Only a published product can be unpublished."))
        self.status = ProductStatus.DRAFT

    def archive(self) -> None:
        """Any → archived. Raises InvalidProductTransition when already archived."""
        if self.status is ProductStatus.ARCHIVED:
            raise InvalidProductTransition(N_("This product is already archived."))
        self.status = ProductStatus.ARCHIVED

    def is_public(self) -> bool:
        return self.status is ProductStatus.ACTIVE and self.producer.is_public


class Variant(db.Model):
    """A sellable pack (SKU). Online stock lives here; display-point stock does not."""

    __tablename__ = "variants"
    __table_args__ = (
        sa.CheckConstraint("price_vnd > 0", name="price_positive"),
        sa.CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        sa.CheckConstraint("net_quantity > 0", name="net_quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(80))
    net_quantity: Mapped[int]
    net_unit: Mapped[NetUnit] = mapped_column(enum_column(NetUnit, 10))
    price_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    gtin: Mapped[str | None] = mapped_column(sa.String(14), unique=True)
    stock_quantity: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def in_stock(self) -> bool:
        return self.is_active and self.stock_quantity > 0

    def set_stock(self, quantity: int) -> None:
        """Raises NegativeStock."""
        if quantity < 0:
            raise NegativeStock()
        self.stock_quantity = quantity
