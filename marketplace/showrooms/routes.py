"""Public: where to find display points, and where to buy a product in person."""

from flask.views import MethodView

from marketplace.access import PUBLIC
from marketplace.api import Blueprint
from marketplace.schemas import page_of
from marketplace.catalog.models import ProductNotFound
from marketplace.showrooms import queries, schemas
from marketplace.showrooms.models import PointNotFound

blp = Blueprint("display_points", __name__, url_prefix="/api/v1", description="OCOP display points")


@blp.route("/display-points")
class Points(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.PointQuerySchema, location="query")
    @blp.response(200, page_of(schemas.PointSchema))
    def get(self, query):
        """Open OCOP display-and-sales points, optionally in one province"""
        return queries.public_points(query.get("province"), query["page"], query["per_page"])


@blp.route("/display-points/<int:point_id>")
class Point(MethodView):
    @blp.access(PUBLIC)
    @blp.response(200, schemas.PointSchema)
    @blp.errors(PointNotFound)
    def get(self, point_id):
        """One display point: address, hours and contact"""
        return queries.public_point(point_id)


@blp.route("/products/<int:product_id>/display-points")
class WhereToBuy(MethodView):
    @blp.access(PUBLIC)
    @blp.response(200, schemas.WhereToBuySchema(many=True))
    @blp.errors(ProductNotFound)
    def get(self, product_id):
        """Where a product can be bought in person, and whether it is on the shelf"""
        return queries.where_to_buy(product_id)
