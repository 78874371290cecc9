"""The one place that talks to Stripe. Every outgoing call carries an
idempotency key derived from our own ids, so a retried call never charges or
refunds twice. Callers must not hold database row locks while calling it."""

import json
import time
from dataclasses import dataclass

import stripe
from flask import current_app

from marketplace.errors import DomainError


class PaymentProviderError(DomainError):
    status, code, message = 502, "payment_provider_error", "The card payment provider could not be reached. Try again."


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount: int
    client_secret: str | None
    last_error: str = ""


def card_payments_enabled() -> bool:
    """Cards are offered only with both Stripe keys: the secret one to create
    intents, the publishable one for card entry in the browser."""
    return bool(current_app.config["STRIPE_SECRET_KEY"] and current_app.config["STRIPE_PUBLISHABLE_KEY"])


def _client() -> stripe.StripeClient:
    config = current_app.config
    base = config["STRIPE_API_BASE"] or stripe.DEFAULT_API_BASE
    return stripe.StripeClient(
        config["STRIPE_SECRET_KEY"] or "sk_test_unset",
        base_addresses={"api": base},
        max_network_retries=2,
    )


# Stripe spells it "canceled"; the marketplace has one spelling, "cancelled".
_STATUSES = {"canceled": "cancelled"}


def _intent(resource) -> Intent:
    obj = resource.to_dict()
    error = obj.get("last_payment_error") or {}
    status = _STATUSES.get(obj["status"], obj["status"])
    return Intent(obj["id"], status, obj["amount"], obj.get("client_secret"), error.get("message", ""))


def create_payment_intent(*, payment_id: int, order_number: str, amount_vnd: int) -> Intent:
    """VND is zero-decimal for Stripe: the amount is in đồng, not hundredths."""
    try:
        obj = _client().v1.payment_intents.create(
            params={"amount": amount_vnd, "currency": "vnd", "payment_method_types": ["card"],
                    "metadata": {"payment_id": str(payment_id), "order_number": order_number}},
            options={"idempotency_key": f"payment-{payment_id}-intent"},
        )
    except stripe.StripeError as exc:
        raise PaymentProviderError() from exc
    return _intent(obj)


def retrieve_payment_intent(intent_id: str) -> Intent:
    try:
        return _intent(_client().v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as exc:
        raise PaymentProviderError() from exc


def cancel_payment_intent(intent_id: str, payment_id: int) -> Intent:
    """Raises PaymentProviderError, e.g. when the intent already succeeded."""
    try:
        return _intent(_client().v1.payment_intents.cancel(
            intent_id, options={"idempotency_key": f"payment-{payment_id}-cancel"}))
    except stripe.StripeError as exc:
        raise PaymentProviderError() from exc


def refund(*, intent_id: str, amount_vnd: int, refund_key: str) -> str:
    """Refund part or all of a card payment. Returns Stripe's refund id."""
    try:
        obj = _client().v1.refunds.create(
            params={"payment_intent": intent_id, "amount": amount_vnd},
            options={"idempotency_key": f"refund-{refund_key}"},
        )
    except stripe.StripeError as exc:
        raise PaymentProviderError() from exc
    return obj.to_dict()["id"]


# How far a webhook's signing time may be from ours, either way. Stripe's own
# check (construct_event's tolerance) refuses only old signatures; one dated in
# the future would stay replayable until that date, so it is refused too.
WEBHOOK_TOLERANCE_S = 300


def verify_webhook(payload: bytes, signature: str | None):
    """The body of a webhook signed with our secret within the last or next five
    minutes, parsed from JSON: a value of any shape, for the caller to check.

    Raises stripe.SignatureVerificationError, or ValueError for a body that isn't
    JSON (RecursionError for one nested too deep to parse).
    """
    stripe.WebhookSignature.verify_header(payload, signature or "", current_app.config["STRIPE_WEBHOOK_SECRET"],
                                          WEBHOOK_TOLERANCE_S)
    if _signed_at(signature) > time.time() + WEBHOOK_TOLERANCE_S:
        raise stripe.SignatureVerificationError("Timestamp in the future, outside the tolerance zone",
                                                signature, payload)
    return json.loads(payload)


def _signed_at(signature: str) -> int:
    """The header's timestamp, read as Stripe reads it (the first t=); verify_header has parsed it already."""
    return int(next(value for key, _, value in (item.partition("=") for item in signature.split(",")) if key == "t"))
