"""Stripe calls us here; shoppers ask what they can pay with."""

from flask import request
from flask.views import MethodView

from marketplace.access import PUBLIC
from marketplace.api import Blueprint
from marketplace.payments import options, webhooks
from marketplace.payments.gateway import PaymentProviderError
from marketplace.payments.schemas import CheckoutOptionsSchema, WebhookResultSchema

blp = Blueprint("payments", __name__, url_prefix="/api/v1/payments", description="Payment provider callbacks")
checkout_blp = Blueprint("checkout_options", __name__, url_prefix="/api/v1/checkout", description="Checkout")


@blp.route("/stripe/webhook")
class StripeWebhook(MethodView):
    @blp.access(PUBLIC)
    @blp.response(200, WebhookResultSchema)
    @blp.errors(webhooks.BadSignature, webhooks.MalformedEvent, PaymentProviderError)
    def post(self):
        """Stripe events, verified by signature on the raw body; each event is applied once"""
        result = webhooks.handle(request.get_data(), request.headers.get("Stripe-Signature"))
        return {"received": True, "result": result}


@checkout_blp.route("/options")
class CheckoutOptions(MethodView):
    @checkout_blp.access(PUBLIC)
    @checkout_blp.response(200, CheckoutOptionsSchema)
    def get(self):
        """The payment methods on offer now (card only while Stripe is configured), bank details and shipping fees"""
        return options.checkout_options()
