"""Platform admins review producers."""

from flask.views import MethodView

from marketplace.access import ADMIN
from marketplace.api import Blueprint
from marketplace.producers import schemas, services
from marketplace.producers.models import InvalidProducerTransition, ProducerNotFound
from marketplace.schemas import page_of

blp = Blueprint("admin_producers", __name__, url_prefix="/api/v1/admin/producers",
                description="Admin: approve and suspend producers")


@blp.route("")
class Producers(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.AdminProducerQuerySchema, location="query")
    @blp.response(200, page_of(schemas.ProducerSchema))
    def get(self, query):
        """All producers, newest first, optionally by status"""
        return services.list_for_admin(query.get("status"), query["page"], query["per_page"])


@blp.route("/<int:producer_id>/approve")
class Approve(MethodView):
    @blp.access(ADMIN)
    @blp.response(200, schemas.ProducerSchema)
    @blp.errors(ProducerNotFound, InvalidProducerTransition)
    def post(self, producer_id):
        """Approve a pending producer, or reinstate a suspended one"""
        return services.approve(producer_id)


@blp.route("/<int:producer_id>/suspend")
class Suspend(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.SuspendSchema)
    @blp.response(200, schemas.ProducerSchema)
    @blp.errors(ProducerNotFound, InvalidProducerTransition)
    def post(self, data, producer_id):
        """Suspend a producer (or turn down an application); its storefront disappears"""
        return services.suspend(producer_id, data["reason"])
