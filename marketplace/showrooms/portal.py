"""The producer portal: your stock and sales at every display point."""

from flask.views import MethodView

from marketplace.api import Blueprint
from marketplace.producers.access import PRODUCER_MEMBER
from marketplace.schemas import PageArgs, page_of
from marketplace.showrooms import queries, schemas
from marketplace.showrooms.models import MovementKind

blp = Blueprint("portal_display_points", __name__,
                url_prefix="/api/v1/portal/producers/<int:producer_id>/display-points",
                description="Producer portal: stock and sales at display points")


@blp.route("/stock")
class Stock(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(schemas.ProducerStockRowSchema))
    def get(self, query, producer_id):
        """Your stock at every display point"""
        return queries.producer_stock(producer_id, query["page"], query["per_page"])


def _movement_lines(kind: MovementKind, name: str, summary: str):
    class Lines(MethodView):
        @blp.access(PRODUCER_MEMBER)
        @blp.arguments(schemas.DateRangeQuerySchema, location="query")
        @blp.response(200, page_of(schemas.ProducerMovementLineSchema))
        def get(self, query, producer_id):
            return queries.producer_movement_lines(producer_id, kind, query.get("since"), query.get("until"),
                                                   query["page"], query["per_page"])

    Lines.__name__, Lines.get.__doc__ = name, summary
    return Lines


blp.route("/sales")(_movement_lines(MovementKind.SALE, "Sales", "Your products sold at display points"))
blp.route("/returns")(_movement_lines(MovementKind.RETURN_TO_PRODUCER, "Returns",
                                      "Stock display points returned to you"))


@blp.route("/in-transit")
class InTransit(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.response(200, schemas.ProducerTransitLineSchema(many=True))
    def get(self, producer_id):
        """Your stock moving between display points"""
        return queries.producer_in_transit(producer_id)
