"""The producer portal: listings, variants, prices and stock."""

from flask.views import MethodView

from marketplace.api import Blueprint
from marketplace.catalog import schemas, services
from marketplace.catalog.certification import InvalidCertificate
from marketplace.catalog.models import (CannotPublish, InvalidProductTransition, NegativeStock, ProductNotFound,
                                        VariantNotFound)
from marketplace.producers.access import PRODUCER_MEMBER
from marketplace.schemas import page_of

blp = Blueprint("portal_catalog", __name__, url_prefix="/api/v1/portal/producers/<int:producer_id>/products",
                description="Producer portal: products and variants")


@blp.route("")
class Products(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.PortalProductQuerySchema, location="query")
    @blp.response(200, page_of(schemas.ProductSchema))
    def get(self, query, producer_id):
        """Your products, drafts included"""
        return services.list_products(producer_id, query.get("status"), query["page"], query["per_page"])

    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.ProductWriteSchema)
    @blp.response(201, schemas.ProductSchema)
    @blp.errors(services.ProductSlugTaken, InvalidCertificate)
    def post(self, data, producer_id):
        """Create a draft product"""
        return services.create_product(producer_id, data)


@blp.route("/<int:product_id>")
class ProductItem(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.response(200, schemas.ProductSchema)
    @blp.errors(ProductNotFound)
    def get(self, producer_id, product_id):
        """One of your products"""
        return services.get_product(producer_id, product_id)

    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.ProductPatchSchema(partial=True))
    @blp.response(200, schemas.ProductSchema)
    @blp.errors(ProductNotFound, services.ProductSlugTaken, InvalidCertificate)
    def patch(self, changes, producer_id, product_id):
        """Edit a product; a changed certificate needs verifying again"""
        return services.update_product(producer_id, product_id, changes)


def _transition(name: str, summary: str, *refusals):
    service = getattr(services, name)

    class Transition(MethodView):
        @blp.access(PRODUCER_MEMBER)
        @blp.response(200, schemas.ProductSchema)
        @blp.errors(ProductNotFound, InvalidProductTransition, *refusals)
        def post(self, producer_id, product_id):
            return service(producer_id, product_id)

    Transition.post.__doc__ = summary
    Transition.__name__ = f"{name.title()}Product"
    blp.route(f"/<int:product_id>/{name}")(Transition)


_transition("publish", "Put a product on sale (needs a certificate and an active variant)", CannotPublish)
_transition("unpublish", "Take a product off sale, back to draft")
_transition("archive", "Archive a product; it leaves the storefront and search")


@blp.route("/<int:product_id>/variants")
class Variants(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.VariantWriteSchema)
    @blp.response(201, schemas.VariantSchema)
    @blp.errors(ProductNotFound, services.GtinTaken)
    def post(self, data, producer_id, product_id):
        """Add a variant (pack size, price in VND, barcode, stock)"""
        return services.add_variant(producer_id, product_id, data)


@blp.route("/<int:product_id>/variants/<int:variant_id>")
class VariantItem(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.VariantPatchSchema(partial=True))
    @blp.response(200, schemas.VariantSchema)
    @blp.errors(ProductNotFound, VariantNotFound, services.GtinTaken, NegativeStock)
    def patch(self, changes, producer_id, product_id, variant_id):
        """Set a variant's price, stock, barcode or label, or deactivate it"""
        return services.update_variant(producer_id, product_id, variant_id, changes)
