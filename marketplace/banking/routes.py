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
        """A transfer into the platform's account, signed; it pays its order on an exact match, else waits for an admin

        Sent by the bank-notification service (or a relay in front of SePay or Casso) for
        each credit to the platform's account. X-Signature is the hex HMAC-SHA256 of the raw
        body keyed with BANK_WEBHOOK_SECRET; a wrong or missing one is answered 401 and
        nothing is written (and every request is, while the secret is unset).

        An exact match pays the order at once (status matched): an order's transfer
        reference ("OCOP" and 8 characters) in the description, ignoring case, spaces,
        punctuation and diacritics, and the order's total, while the order awaits payment.
        Anything else is recorded and waits for an admin (status queued) with its reason:
        partial, overpaid, unknown_reference, order_expired, order_cancelled or
        already_paid, its likely order and a suggested action.

        Each bank_reference is recorded once: the same notification again, or concurrently,
        is answered 200 with that transaction and duplicate true, and changes nothing; the
        same reference with another amount is refused (409 bank_reference_reused)."""
        recorded = intake.record(IncomingTransfer(**body), Source.WEBHOOK)
        transaction = recorded.transaction
        return {"id": transaction.id, "bank_reference": transaction.bank_reference,
                "amount_vnd": transaction.amount_vnd, "status": transaction.status, "reason": transaction.reason,
                "suggested_action": transaction.suggested_action,
                "order_number": transaction.order.number if transaction.order else None,
                "duplicate": recorded.duplicate}
