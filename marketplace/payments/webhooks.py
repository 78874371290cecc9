"""Stripe webhooks: verified, deduplicated by event id, dispatched by type.

Events can arrive late, twice or out of order, so handlers never trust the
event's copy of a PaymentIntent: they re-read it from Stripe and apply its
current state, which is idempotent.
"""

import logging

import stripe
from sqlalchemy.exc import IntegrityError

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.payments import gateway, services
from marketplace.payments.models import StripeEvent

log = logging.getLogger(__name__)


class BadSignature(DomainError):
    status, code, message = 400, "bad_signature", "The Stripe signature is missing or invalid."


def _payment_intent_changed(event: dict) -> None:
    intent = gateway.retrieve_payment_intent(event["data"]["object"]["id"])
    services.apply_intent(intent, event)


def _charge_refunded(event: dict) -> None:
    charge = event["data"]["object"]
    services.apply_charge_refunded(charge["payment_intent"], charge["amount_refunded"], event)


HANDLERS = {
    "payment_intent.succeeded": _payment_intent_changed,
    "payment_intent.payment_failed": _payment_intent_changed,
    "payment_intent.canceled": _payment_intent_changed,
    "charge.refunded": _charge_refunded,
}


def handle(payload: bytes, signature: str | None) -> str:
    """Returns "processed", "duplicate" or "ignored". Raises BadSignature."""
    try:
        event = gateway.verify_webhook(payload, signature)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature() from exc
    if db.session.get(StripeEvent, event["id"]) is not None:
        return "duplicate"
    handler = HANDLERS.get(event["type"])
    if handler is None:
        log.info("Ignoring Stripe event type %s", event["type"])
        return "ignored"
    try:
        handler(event)
    except IntegrityError:
        db.session.rollback()  # the same event, delivered twice at once: the other delivery applied it
        return "duplicate"
    return "processed"
