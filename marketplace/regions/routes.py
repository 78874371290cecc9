"""Provinces, wards and socio-economic regions (public reference data)."""

from flask.views import MethodView

from marketplace.access import PUBLIC
from marketplace.api import Blueprint
from marketplace.regions import schemas, services

blp = Blueprint("regions", __name__, url_prefix="/api/v1/regions", description="Provinces, wards and regions")


@blp.route("")
class Regions(MethodView):
    @blp.access(PUBLIC)
    @blp.response(200, schemas.RegionSchema(many=True))
    def get(self):
        """The six socio-economic regions"""
        return services.list_regions()


@blp.route("/provinces")
class Provinces(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.ProvinceQuerySchema, location="query")
    @blp.response(200, schemas.ProvinceSchema(many=True))
    def get(self, query):
        """The 34 provinces in force since 1 July 2025, each with its region"""
        return services.list_provinces(query.get("region"))


@blp.route("/provinces/<int:code>/wards")
class ProvinceWards(MethodView):
    @blp.access(PUBLIC)
    @blp.response(200, schemas.WardSchema(many=True))
    @blp.errors(services.ProvinceNotFound)
    def get(self, code):
        """The communes and wards of a province"""
        return services.list_wards(code)
