"""The bank-notification service calls us here when money arrives."""

from flask.views import MethodView

from marketplace.api import Blueprint
from marketplace.banking import intake
from marketplace.banking.intake import BankReferenceReused, IncomingTransfer
from marketplace.banking.models import Source
from marketplace.banking.schemas import IncomingTransferResultSchema, IncomingTransferSchema
from marketplace.banking.signature import SIGNED_BY_BANK

blp = Blueprint("bank", __name__, url_prefix="/api/v1/bank", description="Bank notifications of incoming transfers")


@blp.route("/incoming-transfers")
class IncomingTransfers(MethodView):
    @blp.access(SIGNED_BY_BANK)
    @blp.arguments(IncomingTransferSchema)
    @blp.response(200, IncomingTransferResultSchema)
    @blp.errors(BankReferenceReused)
    def post(self, body):
        """A transfer into the platform's account, signed (X-Signature); it pays its order on an exact match, else waits for an admin; each bank reference counts once"""
        recorded = intake.record(IncomingTransfer(**body), Source.WEBHOOK)
        transaction = recorded.transaction
        return {"id": transaction.id, "bank_reference": transaction.bank_reference,
                "amount_vnd": transaction.amount_vnd, "status": transaction.status, "reason": transaction.reason,
                "suggested_action": transaction.suggested_action,
                "order_number": transaction.order.number if transaction.order else None,
                "duplicate": recorded.duplicate}
