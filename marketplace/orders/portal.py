"""The producer portal: each producer fulfils its own part of every order."""

from flask.views import MethodView
from flask_login import current_user

from marketplace.api import Blueprint
from marketplace.orders import fulfilment, queries, schemas
from marketplace.orders.errors import CashNotRecorded, CashOnlyOnDelivery, SubOrderNotFound
from marketplace.orders.lifecycle import IllegalTransition
from marketplace.payments.gateway import PaymentProviderError
from marketplace.producers.access import PRODUCER_MEMBER
from marketplace.schemas import page_of

blp = Blueprint("portal_orders", __name__, url_prefix="/api/v1/portal/producers/<int:producer_id>/orders",
                description="Producer portal: fulfil your part of each order")


@blp.route("")
class SubOrders(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.SubOrderQuerySchema, location="query")
    @blp.response(200, page_of(schemas.ProducerSubOrderSchema))
    def get(self, query, producer_id):
        """Your parts of orders, newest first; found by number, email or phone, and by status and date"""
        return queries.sub_orders_of(producer_id, query.get("status"), query.get("since"), query.get("until"),
                                     query["page"], query["per_page"], q=query.get("q"))


@blp.route("/<int:sub_order_id>")
class SubOrder(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.response(200, schemas.ProducerSubOrderSchema)
    @blp.errors(SubOrderNotFound)
    def get(self, producer_id, sub_order_id):
        """One part of an order: items, address, payment and history"""
        return fulfilment.sub_order_of(producer_id, sub_order_id)


@blp.route("/<int:sub_order_id>/pack")
class Pack(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.response(200, schemas.ProducerSubOrderSchema)
    @blp.errors(SubOrderNotFound, IllegalTransition)
    def post(self, producer_id, sub_order_id):
        """Mark a confirmed part packed"""
        return fulfilment.pack(producer_id, sub_order_id, current_user.id)


@blp.route("/<int:sub_order_id>/ship")
class Ship(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.ShipSchema)
    @blp.response(200, schemas.ProducerSubOrderSchema)
    @blp.errors(SubOrderNotFound, IllegalTransition)
    def post(self, data, producer_id, sub_order_id):
        """Hand a part to the carrier, with its tracking number"""
        return fulfilment.ship(producer_id, sub_order_id, current_user.id, data["carrier"], data["tracking_number"])


@blp.route("/<int:sub_order_id>/deliver")
class Deliver(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.DeliverSchema)
    @blp.response(200, schemas.ProducerSubOrderSchema)
    @blp.errors(SubOrderNotFound, IllegalTransition, CashNotRecorded, CashOnlyOnDelivery)
    def post(self, data, producer_id, sub_order_id):
        """Mark a part delivered; for cash on delivery, record the cash collected"""
        return fulfilment.deliver(producer_id, sub_order_id, current_user.id, data["cash_collected_vnd"])


@blp.route("/<int:sub_order_id>/cancel")
class Cancel(MethodView):
    @blp.access(PRODUCER_MEMBER)
    @blp.arguments(schemas.ProducerCancelSchema)
    @blp.response(200, schemas.ProducerSubOrderSchema)
    @blp.errors(SubOrderNotFound, IllegalTransition, PaymentProviderError)
    def post(self, data, producer_id, sub_order_id):
        """Cancel your part before it ships, with a reason; the shopper is refunded"""
        return fulfilment.cancel_by_producer(producer_id, sub_order_id, current_user.id, data["reason"])
