"""Admins see every order, confirm bank transfers, refund, and allocate refunds made in Stripe."""

from flask.views import MethodView
from flask_login import current_user

from marketplace.access import ADMIN
from marketplace.api import Blueprint
from marketplace.orders import fulfilment, payment_outcomes, queries, refunds, schemas
from marketplace.orders.errors import (NotPaid, OrderNotFound, RefundNotAwaitingAllocation, RefundNotFound,
                                       SharesDoNotFit, SubOrderNotFound)
from marketplace.orders.lifecycle import IllegalTransition
from marketplace.payments.gateway import PaymentProviderError
from marketplace.payments.models import (NotBankTransfer, RefundTooLarge, TransferAlreadyConfirmed, TransferTooLate,
                                         WrongTransferAmount)
from marketplace.schemas import page_of

blp = Blueprint("admin_orders", __name__, url_prefix="/api/v1/admin/orders",
                description="Admin: orders, bank transfers and refunds")


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
    @blp.errors(OrderNotFound)
    def get(self, order_id):
        """Any order in full"""
        return fulfilment.any_order(order_id)


@blp.route("/<int:order_id>/confirm-transfer")
class ConfirmTransfer(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.ConfirmTransferSchema)
    @blp.response(200, schemas.AdminOrderSchema)
    @blp.errors(OrderNotFound, NotBankTransfer, TransferAlreadyConfirmed, TransferTooLate,
                WrongTransferAmount)
    def post(self, data, order_id):
        """Confirm a bank transfer arrived; the order's parts are confirmed"""
        return payment_outcomes.confirm_bank_transfer(order_id, data["amount_vnd"], data["bank_reference"],
                                                      current_user.id)


@blp.route("/<int:order_id>/sub-orders/<int:sub_order_id>/refunds")
class Refunds(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.RefundSchema)
    @blp.response(201, schemas.AdminOrderSchema)
    @blp.errors(OrderNotFound, SubOrderNotFound, NotPaid, IllegalTransition, RefundTooLarge, PaymentProviderError)
    def post(self, data, order_id, sub_order_id):
        """Refund part or all of a producer's part; card payments go back through Stripe"""
        refund = refunds.refund(order_id, sub_order_id, data["amount_vnd"], data["reason"], current_user.id)
        return refund.payment.order


@blp.route("/<int:order_id>/refunds/<int:refund_id>/allocation")
class RefundAllocation(MethodView):
    @blp.access(ADMIN)
    @blp.arguments(schemas.RefundAllocationSchema)
    @blp.response(200, schemas.AdminOrderSchema)
    @blp.errors(OrderNotFound, RefundNotFound, RefundNotAwaitingAllocation, SharesDoNotFit)
    def post(self, data, order_id, refund_id):
        """Allocate a refund made in Stripe to the parts whose goods it paid back; the rest is the platform's"""
        shares = [(share["sub_order_id"], share["amount_vnd"]) for share in data["parts"]]
        refund = refunds.allocate_refund(order_id, refund_id, shares, data["reason"], current_user.id)
        return refund.payment.order
