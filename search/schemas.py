from marshmallow import ValidationError, fields, validate, validates_schema

from marketplace.catalog.certification import OtherCertification
from marketplace.catalog.models import ProductGroup
from marketplace.catalog.schemas import ProductCardSchema, ProducerSummarySchema
from marketplace.producers.models import LegalType
from marketplace.regions import divisions
from marketplace.regions.schemas import ProvinceCode, ProvinceSchema
from marketplace.schemas import Int, MAX_PER_PAGE, StrictSchema, Text
from search.query import SORTS
from marketplace.errors import N_

MAX_PAGE = 500  # deep pages beyond 10,000 results are refused (as Elasticsearch does)


def _ward_exists(code: int) -> None:
    if code not in divisions.wards():
        raise ValidationError(N_("Unknown ward code."))


def _choices(enum_cls):
    return fields.Enum(enum_cls, by_value=True)


class SearchArgsSchema(StrictSchema):
    q = Text(max_length=200, min_length=0, load_default="")
    province = fields.List(ProvinceCode(strict=False), load_default=list, validate=validate.Length(max=34))
    region = fields.List(fields.String(validate=validate.OneOf(list(divisions.REGIONS))), load_default=list)
    ward = fields.List(Int(strict=False, validate=_ward_exists), load_default=list, validate=validate.Length(max=50))
    stars = fields.List(Int(strict=False, validate=validate.OneOf([3, 4, 5])), load_default=list)
    min_stars = Int(strict=False, validate=validate.Range(min=3, max=5))
    group = fields.List(_choices(ProductGroup), load_default=list)
    certification = fields.List(_choices(OtherCertification), load_default=list)
    producer_type = fields.List(_choices(LegalType), load_default=list)
    price_min = Int(strict=False, validate=validate.Range(min=0, max=1_000_000_000))
    price_max = Int(strict=False, validate=validate.Range(min=0, max=1_000_000_000))
    in_stock = fields.Boolean()
    available_in_province = ProvinceCode(strict=False, metadata={
        "description": "Only products stocked at a display point in this province"})
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    page = Int(strict=False, load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = Int(strict=False, load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))

    @validates_schema
    def price_range_is_ordered(self, data, **kwargs):
        if data.get("price_min") is not None and data.get("price_max") is not None \
                and data["price_min"] > data["price_max"]:
            raise ValidationError({"price_max": [N_("Must not be below price_min.")]})
        if data["page"] * data["per_page"] > 10_000:
            raise ValidationError({"page": [N_("Results beyond the first 10,000 are not available; narrow the search.")]})


class SearchHitSchema(ProductCardSchema):
    highlight = fields.String(dump_only=True, metadata={
        "description": "HTML: the matching text, escaped, with <mark> around matches"})
    producer = fields.Nested(ProducerSummarySchema, dump_only=True)
    origin_province = fields.Nested(ProvinceSchema, dump_only=True)


class FacetValueSchema(StrictSchema):
    value = fields.Raw()
    label = fields.String()
    count = fields.Integer()


class FacetsSchema(StrictSchema):
    province = fields.List(fields.Nested(FacetValueSchema))
    region = fields.List(fields.Nested(FacetValueSchema))
    stars = fields.List(fields.Nested(FacetValueSchema))
    group = fields.List(fields.Nested(FacetValueSchema))
    certification = fields.List(fields.Nested(FacetValueSchema))
    available_in = fields.List(fields.Nested(FacetValueSchema), metadata={
        "description": "Provinces where an open display point stocks the products (filter: available_in_province)"})


class SearchResultSchema(StrictSchema):
    items = fields.List(fields.Nested(SearchHitSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    facets = fields.Nested(FacetsSchema)


class SuggestArgsSchema(StrictSchema):
    q = Text(max_length=100, required=True)


class SuggestionSchema(StrictSchema):
    text = fields.String()
    kind = fields.String(metadata={"description": "product | producer"})
    product_id = fields.Integer(allow_none=True)
    producer_slug = fields.String(allow_none=True)


class SuggestResultSchema(StrictSchema):
    suggestions = fields.List(fields.Nested(SuggestionSchema))
