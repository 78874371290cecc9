"""Stripe webhooks: verified, deduplicated by event id, dispatched by type.

Events can arrive late, twice or out of order, so handlers never trust the
event's copy of a PaymentIntent: they re-read it from Stripe and apply its
current state, which is idempotent.

A signature proves who sent a body, not that it is an event we can read: each
body is checked for the fields its handler uses before anything is done, and
one that lacks them is refused (400) and recorded as rejected.
"""

import logging

import stripe
from sqlalchemy.exc import IntegrityError

from marketplace.database import transactional
from marketplace.errors import N_, DomainError
from marketplace.extensions import db
from marketplace.payments import gateway, services
from marketplace.payments.models import RejectedStripeEvent, StripeEvent

log = logging.getLogger(__name__)

PAYLOAD_KEPT_CHARS = 65_536  # of a rejected event's body: enough for any real event


class BadSignature(DomainError):
    status, code, message = 400, "bad_signature", N_("The Stripe signature is missing or invalid.")


class MalformedEvent(DomainError):
    status, code = 400, "malformed_event"


def _payment_intent_changed(event: dict) -> None:
    intent = gateway.retrieve_payment_intent(event["data"]["object"]["id"])
    services.apply_intent(intent, event)


def _charge_refunded(event: dict) -> None:
    charge = event["data"]["object"]
    if charge["payment_intent"] is None:  # a charge made without a PaymentIntent: never one of ours
        log.info("Ignoring refund of charge %s, which has no PaymentIntent", charge.get("id"))
        _record_only(event)
        return
    services.apply_charge_refunded(charge["payment_intent"], charge["amount_refunded"], event)


@transactional
def _record_only(event: dict) -> None:
    services.record_event(event)


def _text(value, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# What each handler reads of data.object: field → check, and what it should be.
_INTENT = {"id": (lambda v: _text(v, 255), "a PaymentIntent id")}
_CHARGE = {"payment_intent": (lambda v: v is None or _text(v, 255), "a PaymentIntent id or null"),
           "amount_refunded": (_whole, "a whole number of đồng, 0 or more")}

HANDLERS = {
    "payment_intent.succeeded": (_payment_intent_changed, _INTENT),
    "payment_intent.payment_failed": (_payment_intent_changed, _INTENT),
    "payment_intent.canceled": (_payment_intent_changed, _INTENT),
    "charge.refunded": (_charge_refunded, _CHARGE),
}


def _problem(event) -> str | None:
    """Why the body can't be handled as the event it claims to be, or None."""
    if not isinstance(event, dict):
        return "The body is not a JSON object."
    if not _text(event.get("id"), 255) or not _text(event.get("type"), 100):
        return "An event needs an id and a type."
    if event["type"] not in HANDLERS:
        return None  # ignored: nothing of it is read
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        return f"A {event['type']} event needs data.object."
    for field, (valid, expected) in HANDLERS[event["type"]][1].items():
        if field not in obj or not valid(obj[field]):
            return f"data.object.{field} of a {event['type']} event must be {expected}."
    return None


@transactional
def _reject(event, payload: bytes, reason: str) -> None:
    event_id, event_type = ((event.get("id"), event.get("type")) if isinstance(event, dict) else (None, None))
    event_id = event_id if _text(event_id, 255) else None
    event_type = event_type if _text(event_type, 100) else None
    log.warning("Rejected a signed Stripe webhook (event %s, type %s): %s", event_id, event_type, reason)
    db.session.add(RejectedStripeEvent(event_id=event_id, event_type=event_type, reason=reason[:500],
                                       payload=payload.decode("utf-8", "replace")[:PAYLOAD_KEPT_CHARS]))


def handle(payload: bytes, signature: str | None) -> str:
    """Returns "processed", "duplicate" or "ignored". Raises BadSignature, MalformedEvent."""
    try:
        event = gateway.verify_webhook(payload, signature)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature() from exc
    except RecursionError:
        event, problem = None, "The body is nested too deeply to read."
    else:
        problem = _problem(event)
    if problem:
        _reject(event, payload, problem)
        raise MalformedEvent(f"The event is signed but can't be handled: {problem}")
    if db.session.get(StripeEvent, event["id"]) is not None:
        return "duplicate"
    if event["type"] not in HANDLERS:
        log.info("Ignoring Stripe event type %s", event["type"])
        return "ignored"
    handler, _shape = HANDLERS[event["type"]]
    try:
        handler(event)
    except IntegrityError:
        db.session.rollback()  # the same event, delivered twice at once: the other delivery applied it
        return "duplicate"
    return "processed"
