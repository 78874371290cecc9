"""Stripe calls us here."""

from flask import request
from flask.views import MethodView
from marshmallow import fields

from marketplace.access import PUBLIC
from marketplace.api import Blueprint
from marketplace.payments import webhooks
from marketplace.schemas import StrictSchema

blp = Blueprint("payments", __name__, url_prefix="/api/v1/payments", description="Payment provider callbacks")


class WebhookResultSchema(StrictSchema):
    received = fields.Boolean()
    result = fields.String(metadata={"description": "processed | duplicate | ignored"})


@blp.route("/stripe/webhook")
class StripeWebhook(MethodView):
    @blp.access(PUBLIC)
    @blp.response(200, WebhookResultSchema)
    @blp.errors(400)
    def post(self):
        """Stripe events, verified by signature on the raw body; each event is applied once"""
        result = webhooks.handle(request.get_data(), request.headers.get("Stripe-Signature"))
        return {"received": True, "result": result}
