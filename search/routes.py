"""GET /api/v1/catalog/search and /suggest."""

from flask.views import MethodView

from marketplace.access import PUBLIC
from marketplace.api import Blueprint
from search import results, schemas, service
from search.query import SearchQuery

blp = Blueprint("catalog_search", __name__, url_prefix="/api/v1/catalog", description="Catalogue search")


def to_query(args: dict) -> SearchQuery:
    return SearchQuery(
        q=args["q"], provinces=tuple(args["province"]), regions=tuple(args["region"]), wards=tuple(args["ward"]),
        stars=tuple(args["stars"]), min_stars=args.get("min_stars"),
        groups=tuple(g.value for g in args["group"]),
        certifications=tuple(c.value for c in args["certification"]),
        producer_types=tuple(t.value for t in args["producer_type"]),
        price_min=args.get("price_min"), price_max=args.get("price_max"), in_stock=args.get("in_stock"),
        available_in_province=args.get("available_in_province"),
        sort=args["sort"], page=args["page"], per_page=args["per_page"],
    )


@blp.route("/search")
class Search(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.SearchArgsSchema, location="query")
    @blp.response(200, schemas.SearchResultSchema)
    @blp.errors(service.SearchUnavailable)
    def get(self, args):
        """Search OCOP products by text, region, stars, group, certification and price, with facets"""
        return results.catalogue_page(to_query(args))


@blp.route("/suggest")
class Suggest(MethodView):
    @blp.access(PUBLIC)
    @blp.arguments(schemas.SuggestArgsSchema, location="query")
    @blp.response(200, schemas.SuggestResultSchema)
    @blp.errors(service.SearchUnavailable)
    def get(self, args):
        """Autocomplete over product and producer names (at most 10)"""
        return {"suggestions": service.suggest(args["q"], limit=10)}
