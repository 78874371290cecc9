"""Platform admins verify OCOP certificates."""

from flask.views import MethodView
from flask_login import current_user

from marketplace.access import ADMIN
from marketplace.api import Blueprint
from marketplace.catalog.models import NoCertificate, ProductNotFound
from marketplace.catalog import schemas, services
from marketplace.schemas import page_of

blp = Blueprint("admin_catalog", __name__, url_prefix="/api/v1/admin/products",
                description="Admin: products and certificate verification")


@blp.route("")
class Products(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.AdminProductQuerySchema, location="query")
    @blp.response(200, page_of(schemas.ProductSchema))
    def get(self, query):
        """All products, newest first; verified=false is the queue of certificates awaiting verification, oldest first"""
        return services.list_for_admin(query.get("verified"), query.get("status"), query["page"], query["per_page"])


@blp.route("/<int:product_id>/verify-certificate")
class VerifyCertificate(MethodView):
    @blp.access(ADMIN)
    @blp.response(200, schemas.ProductSchema)
    @blp.errors(ProductNotFound, NoCertificate)
    def post(self, product_id):
        """Confirm a product's OCOP certificate against the official decision"""
        return services.verify_certificate(product_id, current_user.id)
