from marshmallow import ValidationError, fields, validate
from stdnum import ean

from marketplace.catalog.certification import IssuingLevel, OtherCertification
from marketplace.catalog.models import NetUnit, ProductGroup, ProductStatus
from marketplace.clock import today_vn
from marketplace.money import format_vnd
from marketplace.producers.models import LegalType
from marketplace.producers.schemas import Slug
from marketplace.regions.schemas import ProvinceCode, ProvinceSchema, WardCode, WardSchema, ward_in_province
from marketplace.schemas import Date, Int, LocalDateTime, PageArgs, PriceVnd, StrictSchema, Text, VndDisplay
from marketplace.errors import N_

MAX_STOCK = 10_000_000


class Gtin(fields.String):
    """GTIN-8/12/13/14 barcode with its check digit verified."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        if len(raw) > 14 or not raw.isdigit() or not ean.is_valid(raw):
            raise ValidationError(N_("Not a valid GTIN barcode (8, 12, 13 or 14 digits with a correct check digit)."))
        # str.isdigit() also passes full-width digits (IME input); store ASCII so
        # the uniqueness check and barcode scanners see the same code.
        return ean.compact(raw)


def _unique(values):
    if len(values) != len(set(values)):
        raise ValidationError(N_("List items must be unique."))


class WholeNested(fields.Nested):
    """A nested object that is always sent whole, even inside a PATCH (partial) body:
    a certificate is replaced as a unit, never merged field by field."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        return super()._deserialize(value, attr, data, partial=False, **kwargs)


class CertificationInSchema(StrictSchema):
    stars = Int(required=True, validate=validate.OneOf([3, 4, 5]))
    decision_number = Text(max_length=80, required=True, metadata={"description": "Số quyết định, e.g. 1234/QĐ-UBND"})
    issuing_level = fields.Enum(IssuingLevel, by_value=True, required=True)
    issued_on = Date(required=True)
    valid_until = Date(load_default=None, allow_none=True,
                       metadata={"description": "Defaults to 36 months after issued_on"})


class ProductWriteSchema(StrictSchema):
    name = Text(max_length=200, required=True)
    slug = Slug()
    group = fields.Enum(ProductGroup, by_value=True, required=True)
    description = Text(max_length=10_000, min_length=0, load_default="")
    image_urls = fields.List(fields.Url(schemes={"https", "http"}, validate=validate.Length(max=500)),
                             validate=validate.Length(max=10), load_default=list)
    origin_province_code = ProvinceCode(required=True)
    origin_ward_code = WardCode(load_default=None, allow_none=True)
    certification = WholeNested(CertificationInSchema)
    certifications = fields.List(fields.Enum(OtherCertification, by_value=True), validate=_unique, load_default=list)
    shelf_life_days = Int(validate=validate.Range(min=1, max=3650), load_default=None, allow_none=True)
    available_months = fields.List(Int(validate=validate.Range(min=1, max=12)), validate=_unique, load_default=list,
                                   metadata={"description": "Months in season; empty means all year"})

    ward_lies_in_province = ward_in_province("origin_province_code", "origin_ward_code")


class ProductPatchSchema(ProductWriteSchema):
    """The same fields, all optional (use with partial=True)."""


class VariantWriteSchema(StrictSchema):
    label = Text(max_length=80, required=True, metadata={"description": "Pack size, e.g. 'Hũ 500 g'"})
    net_quantity = Int(required=True, validate=validate.Range(min=1, max=10_000_000))
    net_unit = fields.Enum(NetUnit, by_value=True, required=True)
    price_vnd = PriceVnd(required=True)
    gtin = Gtin(load_default=None, allow_none=True)
    stock_quantity = Int(load_default=0, validate=validate.Range(min=0, max=MAX_STOCK))
    is_active = fields.Boolean(load_default=True)


class VariantPatchSchema(VariantWriteSchema):
    """The same fields, all optional (use with partial=True)."""


# --- output ------------------------------------------------------------------

class VariantSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    label = fields.String(dump_only=True)
    net_quantity = fields.Integer(dump_only=True)
    net_unit = fields.Enum(NetUnit, by_value=True, dump_only=True)
    price_vnd = fields.Integer(dump_only=True)
    price_display = VndDisplay("price_vnd")
    gtin = fields.String(dump_only=True, allow_none=True)
    stock_quantity = fields.Integer(dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    in_stock = fields.Boolean(dump_only=True)


class PublicVariantSchema(VariantSchema):
    class Meta:
        exclude = ("stock_quantity", "is_active")


def certificate_view(product) -> dict | None:
    """What a shopper is told about the certificate today. One that awaits an
    admin's verification, or has expired, says so and claims no stars."""
    certificate = product.certificate
    if certificate is None:
        return None
    today = today_vn()
    valid = certificate.is_valid_on(today)
    verified = product.certificate_verified
    if not valid:
        status = "expired" if today > certificate.valid_until else "not_yet_valid"
    else:
        status = "valid" if verified else "awaiting_verification"
    view = {
        "status": status,
        "stars": product.claimed_stars(today),
        "awarded_stars": product.verified_stars,
        "decision_number": certificate.decision_number,
        "issuing_level": certificate.issuing_level.value,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "verified": verified,
    }
    if status != "valid":
        view["notice"] = _CERTIFICATE_NOTICES[status].format(valid_until=certificate.valid_until.isoformat())
    return view


_CERTIFICATE_NOTICES = {
    "expired": "The OCOP certificate expired on {valid_until}; this product no longer carries its OCOP stars.",
    "not_yet_valid": "The OCOP certificate is not in force yet.",
    "awaiting_verification": "The OCOP certificate awaits verification by the OCOP office; "
                             "its stars are shown once it is verified.",
}


def _certification_field():
    return fields.Function(certificate_view, dump_only=True, metadata={"description": "OCOP certificate as of today"})


class ProductSchema(StrictSchema):
    """A product as its producer's members and admins see it."""

    id = fields.Integer(dump_only=True)
    producer_id = fields.Integer(dump_only=True)
    slug = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    group = fields.Enum(ProductGroup, by_value=True, dump_only=True)
    description = fields.String(dump_only=True)
    image_urls = fields.List(fields.String(), dump_only=True)
    origin_province = fields.Nested(ProvinceSchema, dump_only=True)
    origin_ward = fields.Nested(WardSchema, dump_only=True, allow_none=True)
    certification = _certification_field()
    declared_stars = fields.Integer(attribute="ocop_stars", dump_only=True, allow_none=True, metadata={
        "description": "The stars on the certificate as the producer declared it; shoppers see them once verified"})
    certificate_declared_at = LocalDateTime(attribute="ocop_declared_at", dump_only=True, allow_none=True)
    certifications = fields.List(fields.String(), dump_only=True)
    shelf_life_days = fields.Integer(dump_only=True, allow_none=True)
    available_months = fields.List(fields.Integer(), dump_only=True)
    status = fields.Enum(ProductStatus, by_value=True, dump_only=True)
    published_at = LocalDateTime(dump_only=True, allow_none=True)
    created_at = LocalDateTime(dump_only=True)
    updated_at = LocalDateTime(dump_only=True)
    variants = fields.List(fields.Nested(VariantSchema), dump_only=True)


class ProducerSummarySchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    slug = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    legal_type = fields.Enum(LegalType, by_value=True, dump_only=True)
    province = fields.Nested(ProvinceSchema, dump_only=True)


class ProductPageSchema(ProductSchema):
    """The public product page."""

    class Meta:
        exclude = ("status", "updated_at", "created_at", "declared_stars", "certificate_declared_at")

    producer = fields.Nested(ProducerSummarySchema, dump_only=True)
    variants = fields.Method("active_variants", dump_only=True)
    in_stock = fields.Function(lambda p: any(v.in_stock for v in p.variants), dump_only=True)

    def active_variants(self, product):
        return PublicVariantSchema(many=True).dump([v for v in product.variants if v.is_active])


class ProductCardSchema(StrictSchema):
    """A product in a storefront listing."""

    id = fields.Integer(dump_only=True)
    slug = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    group = fields.Enum(ProductGroup, by_value=True, dump_only=True)
    image_url = fields.Function(lambda p: p.image_urls[0] if p.image_urls else None, dump_only=True)
    certification = _certification_field()
    price_from_vnd = fields.Function(lambda p: _price_from(p), dump_only=True)
    price_from_display = fields.Function(lambda p: format_vnd(_price_from(p)) if _price_from(p) else None, dump_only=True)
    in_stock = fields.Function(lambda p: any(v.in_stock for v in p.variants), dump_only=True)


def _price_from(product) -> int | None:
    prices = [v.price_vnd for v in product.variants if v.is_active]
    return min(prices) if prices else None


class StorefrontSchema(ProducerSummarySchema):
    description = fields.String(dump_only=True)
    ward = fields.Nested(WardSchema, dump_only=True, allow_none=True)
    district_note = fields.String(dump_only=True)
    street_address = fields.String(dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)


class StorefrontQuerySchema(PageArgs):
    province = ProvinceCode(strict=False)


class StorefrontProductsQuerySchema(PageArgs):
    sort = fields.String(load_default="name",
                         validate=validate.OneOf(["name", "newest", "price_asc", "price_desc", "stars"]))


class PortalProductQuerySchema(PageArgs):
    status = fields.Enum(ProductStatus, by_value=True)


class AdminProductQuerySchema(PageArgs):
    verified = fields.Boolean()
    status = fields.Enum(ProductStatus, by_value=True)
