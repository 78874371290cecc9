"""The display-point operator's API: stock, the till, transfers, counts and cash."""

from flask import request
from flask.views import MethodView
from flask_login import current_user

from marketplace.access import AUTHENTICATED
from marketplace.accounts.throttle import LoginThrottled
from marketplace.api import Blueprint
from marketplace.idempotency import IdempotencyHeaderSchema, IdempotencyKeyRequired
from marketplace.schemas import page_of
from marketplace.showrooms import operations, price_override, queries, schemas, services, shelf, till, transfers
from marketplace.showrooms.access import POINT_OPERATOR
from marketplace.showrooms.models import (LinesRefused, MoreCashThanHeld, NotConsigned, PointNotFound, PointNotOpen,
                                          SamePoint, StockNotFound, TransferAlreadyReceived, TransferNotFound,
                                          UnknownVariants)
from marketplace.showrooms.stock_ledger import InsufficientPointStock

blp = Blueprint("points", __name__, url_prefix="/api/v1/points", description="Display-point operators")


@blp.route("")
class MyPoints(MethodView):
    @blp.access(AUTHENTICATED)
    @blp.response(200, schemas.PointSchema(many=True))
    def get(self):
        """The display points you operate"""
        return queries.points_of_operator(current_user.id)


@blp.route("/<int:point_id>/stock")
class Stock(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.StockQuerySchema, location="query")
    @blp.response(200, page_of(schemas.StockRowSchema))
    def get(self, query, point_id):
        """On-hand stock by variant, with low-stock flags"""
        return queries.stock_page(point_id, query["low_only"], query["page"], query["per_page"])


@blp.route("/<int:point_id>/stock/<int:variant_id>")
class StockItem(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.ThresholdSchema)
    @blp.response(200, schemas.StockRowSchema)
    @blp.errors(StockNotFound)
    def put(self, data, point_id, variant_id):
        """Set a variant's low-stock threshold at this point"""
        return services.set_low_stock_threshold(point_id, variant_id, data["low_stock_threshold"])


@blp.route("/<int:point_id>/items/scan")
class ScanItem(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.ScanQuerySchema, location="query")
    @blp.response(200, schemas.ShelfItemSchema)
    @blp.errors(shelf.ItemNotFound)
    def get(self, query, point_id):
        """The item a scanned barcode names: price, units left and the lot a sale takes next"""
        return shelf.by_gtin(point_id, query["gtin"])


@blp.route("/<int:point_id>/items")
class Items(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.ItemQuerySchema, location="query")
    @blp.response(200, schemas.ShelfItemSchema(many=True))
    def get(self, query, point_id):
        """Items by name without diacritics ("mat ong"), or the items sold here lately"""
        return shelf.search(point_id, query["q"]) if query["q"].strip() else shelf.recent(point_id)


@blp.route("/<int:point_id>/near-expiry")
class NearExpiry(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.NearExpiryQuerySchema, location="query")
    @blp.response(200, page_of(schemas.LotSchema))
    def get(self, query, point_id):
        """Lots expiring within `days` (already expired ones first)"""
        return queries.near_expiry(point_id, query["days"], query["page"], query["per_page"])


@blp.route("/<int:point_id>/movements")
class Movements(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.MovementQuerySchema, location="query")
    @blp.response(200, page_of(schemas.MovementSchema))
    def get(self, query, point_id):
        """Every stock movement, newest first, by kind, variant and date"""
        return queries.movements(point_id, query.get("kind"), query.get("variant_id"), query.get("since"),
                                 query.get("until"), query["page"], query["per_page"])


@blp.route("/<int:point_id>/receipts")
class Receipts(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.ReceiptSchema)
    @blp.response(201, schemas.MovementSchema)
    @blp.errors(PointNotOpen, NotConsigned, UnknownVariants, LinesRefused)
    def post(self, data, point_id):
        """Receive a producer's delivery in lots, with expiry dates"""
        return operations.receive(point_id, current_user.id, data["producer_id"], data["delivery_note"],
                                  data["lines"], data["note"])


@blp.route("/<int:point_id>/sales")
class Sales(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(schemas.SaleSchema)
    @blp.response(201, schemas.MovementSchema)
    @blp.alt_response(200, schema=schemas.MovementSchema, description="A retry with the same Idempotency-Key")
    @blp.errors(PointNotOpen, NotConsigned, InsufficientPointStock, UnknownVariants, IdempotencyKeyRequired,
                till.SaleKeyReused, price_override.OverridesRefused, price_override.OverrideApprovalNeeded,
                price_override.ApproverNotLead, price_override.ApprovalRefused, LoginThrottled,
                till.TenderedTooLittle, till.TenderedNotCash)
    def post(self, headers, sale, point_id):
        """Ring up a sale: first-expiring lots first; cash (with the amount tendered), card or bank transfer; a lowered price with its reason"""
        movement, created = till.sell(point_id, current_user.id, sale, headers["key"], request.remote_addr or "")
        return movement, 201 if created else 200


@blp.route("/<int:point_id>/sales/today")
class TodaysSales(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.response(200, schemas.SalesSummarySchema)
    def get(self, point_id):
        """Today's takings by payment method, and the cash to hand over"""
        return queries.sales_summary(point_id)


@blp.route("/<int:point_id>/returns")
class Returns(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.ReturnSchema)
    @blp.response(201, schemas.MovementSchema)
    @blp.errors(InsufficientPointStock, UnknownVariants, LinesRefused)
    def post(self, data, point_id):
        """Return stock to its producer"""
        return operations.return_to_producer(point_id, current_user.id, data["producer_id"], data["reference"],
                                             data["lines"], data["note"])


@blp.route("/<int:point_id>/transfers")
class Transfers(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.TransferOutSchema)
    @blp.response(201, schemas.TransferSchema)
    @blp.errors(PointNotFound, PointNotOpen, InsufficientPointStock, SamePoint, UnknownVariants)
    def post(self, data, point_id):
        """Send stock to another point; it is in transit until received there"""
        return transfers.transfer_out(point_id, current_user.id, data["to_point_id"], data["lines"], data["note"])


@blp.route("/<int:point_id>/transfers/incoming")
class IncomingTransfers(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.response(200, schemas.TransferSchema(many=True))
    def get(self, point_id):
        """Transfers on their way to this point"""
        return queries.incoming_transfers(point_id)


@blp.route("/<int:point_id>/transfers/<int:transfer_id>/receive")
class ReceiveTransfer(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.ReceiveTransferSchema)
    @blp.response(200, schemas.TransferSchema)
    @blp.errors(TransferNotFound, TransferAlreadyReceived, LinesRefused)
    def post(self, data, point_id, transfer_id):
        """Receive a transfer, recording any discrepancy"""
        received = {line["transfer_line_id"]: line["quantity_received"] for line in data["lines"]}
        return transfers.receive_transfer(point_id, current_user.id, transfer_id, received, data["note"])


@blp.route("/<int:point_id>/adjustments")
class Adjustments(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.AdjustmentSchema)
    @blp.response(201, schemas.MovementSchema)
    @blp.errors(InsufficientPointStock, UnknownVariants, LinesRefused)
    def post(self, data, point_id):
        """Count or adjust stock with a reason: damaged, expired, lost or count correction"""
        return operations.adjust(point_id, current_user.id, data["reason"], data["lines"], data["note"])


@blp.route("/<int:point_id>/cash-handovers")
class CashHandovers(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.arguments(schemas.HandoverInSchema)
    @blp.response(201, schemas.HandoverSchema)
    @blp.errors(MoreCashThanHeld)
    def post(self, data, point_id):
        """Hand cash from the till over to the platform"""
        return operations.hand_over_cash(point_id, current_user.id, data["amount_vnd"], data["reference"])


@blp.route("/<int:point_id>/consignments")
class Consignments(MethodView):
    @blp.access(POINT_OPERATOR)
    @blp.response(200, schemas.ConsignmentSchema(many=True))
    def get(self, point_id):
        """Which producers this point carries, and the commission it keeps"""
        return services.consignments_of(point_id)
