"""Public browsing: storefronts and product pages."""

from flask.views import MethodView
from marshmallow import fields

from marketplace.access import PUBLIC
from marketplace.api import Blueprint
from marketplace.catalog.models import ProductNotFound, StorefrontNotFound
from marketplace.catalog import browsing, schemas
from marketplace.schemas import StrictSchema, page_of

blp = Blueprint("storefronts", __name__, url_prefix="/api/v1", description="Storefronts and product pages")


class StorefrontPageSchema(StrictSchema):
    producer = fields.Nested(schemas.StorefrontSchema)
    products = fields.Nested(page_of(schemas.ProductCardSchema))


@blp.route("/storefronts")
class Storefronts(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.StorefrontQuerySchema, location="query")
    @blp.response(200, page_of(schemas.StorefrontSchema))
    def get(self, query):
        """Approved producers, optionally in one province"""
        return browsing.list_storefronts(query.get("province"), query["page"], query["per_page"])


@blp.route("/storefronts/<slug>")
class Storefront(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.StorefrontProductsQuerySchema, location="query")
    @blp.response(200, StorefrontPageSchema)
    @blp.errors(StorefrontNotFound)
    def get(self, query, slug):
        """A producer's profile and a page of its active products"""
        producer = browsing.get_storefront(slug)
        products = browsing.storefront_products(producer, query["sort"], query["page"], query["per_page"])
        return {"producer": producer, "products": products}


@blp.route("/products/<int:product_id>")
class ProductPage(MethodView):
    @blp.access(PUBLIC)
    @blp.response(200, schemas.ProductPageSchema)
    @blp.errors(ProductNotFound)
    def get(self, product_id):
        """A product page: certificate, origin and which variants are in stock"""
        return browsing.get_public_product(product_id)
