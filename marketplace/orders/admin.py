"""Admins see every order, confirm bank transfers, refund, and allocate refunds made in Stripe."""

from flask.views import MethodView
from flask_login import current_user

from marketplace.access import ADMIN
from marketplace.api import Blueprint
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.orders import queries, schemas
from marketplace.orders.models import Order
from marketplace.payments import allocation, services as payments
from marketplace.schemas import page_of

blp = Blueprint("admin_orders", __name__, url_prefix="/api/v1/admin/orders",
                description="Admin: orders, bank transfers and refunds")


def _order(order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    return order


@blp.route("")
class Orders(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.AdminOrderQuerySchema, location="query")
    @blp.response(200, page_of(schemas.AdminOrderSchema))
    def get(self, query):
        """All orders, newest first; found by number, transfer reference, email or phone, and by status"""
        return queries.all_orders(query.get("status"), query.get("payment_method"), query.get("payment_status"),
                                  query["page"], query["per_page"], q=query.get("q"))


@blp.route("/<int:order_id>")
class OrderItem(MethodView):
    @blp.access(ADMIN)
    @blp.response(200, schemas.AdminOrderSchema)
    @blp.errors(404)
    def get(self, order_id):
        """Any order in full"""
        return _order(order_id)


@blp.route("/<int:order_id>/confirm-transfer")
class ConfirmTransfer(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.ConfirmTransferSchema)
    @blp.response(200, schemas.AdminOrderSchema)
    @blp.errors(404, 409)
    def post(self, data, order_id):
        """Confirm a bank transfer arrived; the order's parts are confirmed"""
        payments.confirm_bank_transfer(order_id, data["amount_vnd"], data["bank_reference"], current_user.id)
        return _order(order_id)


@blp.route("/<int:order_id>/sub-orders/<int:sub_order_id>/refunds")
class Refunds(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.RefundSchema)
    @blp.response(201, schemas.AdminOrderSchema)
    @blp.errors(404, 409, 502)
    def post(self, data, order_id, sub_order_id):
        """Refund part or all of a producer's part; card payments go back through Stripe"""
        payments.refund(order_id, sub_order_id, data["amount_vnd"], data["reason"], current_user.id)
        return _order(order_id)


@blp.route("/<int:order_id>/refunds/<int:refund_id>/allocation")
class RefundAllocation(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.RefundAllocationSchema)
    @blp.response(200, schemas.AdminOrderSchema)
    @blp.errors(404, 409)
    def post(self, data, order_id, refund_id):
        """Allocate a refund made in Stripe to the parts whose goods it paid back; the rest is the platform's"""
        shares = [(share["sub_order_id"], share["amount_vnd"]) for share in data["parts"]]
        allocation.allocate_refund(order_id, refund_id, shares, data["reason"], current_user.id)
        return _order(order_id)
