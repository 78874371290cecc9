"""Stripe Connect transfers: the optional rail for producers with a connected
account. (Stripe cannot pay out to Vietnamese bank accounts, so bank transfer
is the default.) localstripe has no Connect, so this adapter is tested with
Stripe-shaped responses at this boundary.

A transfer call ends in one of three ways, and the difference is money:
it went through (a transfer id), Stripe refused it (TransferFailed: nothing
moved, the payout can fail), or nobody knows (TransferOutcomeUnknown: the
transfer may exist at Stripe, so the payout must not fail and must not be
paid again by a new payout until Stripe has been asked).
"""

import stripe
from flask import current_app


class TransferFailed(Exception):
    """Stripe answered and refused the transfer: no money moved."""


class TransferOutcomeUnknown(Exception):
    """No definite answer from Stripe: the transfer may or may not exist."""


# Stripe answered 4xx: it did not carry the request out, and it would replay
# the same refusal for the same idempotency key. (stripe-python retries with
# the same key, so an earlier timed-out try that did go through would have
# been replayed as a success instead.) Everything else is ambiguous:
# - APIConnectionError: the request may have reached Stripe before the timeout or reset;
# - APIError: a 5xx (Stripe's outcome is undefined) or a 409 (a request with this key is still running);
# - RateLimitError: this try was refused, but after a retried try that may have gone through;
# - IdempotencyError: this key was already used (with other parameters): that request may have paid;
# - any error this list does not know.
REFUSALS = (stripe.InvalidRequestError, stripe.CardError, stripe.AuthenticationError, stripe.PermissionError)


def client() -> stripe.StripeClient:
    config = current_app.config
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"] or "sk_test_unset",
                               base_addresses={"api": config["STRIPE_API_BASE"] or stripe.DEFAULT_API_BASE},
                               max_network_retries=2)


def transfer_group(payout_id: int) -> str:
    return f"payout-{payout_id}"


def idempotency_key(payout_id: int, attempt: int) -> str:
    return f"payout-{payout_id}-attempt-{attempt}"


def transfer(*, payout_id: int, attempt: int, amount_vnd: int, destination: str, stripe_client=None) -> str:
    """One transfer per payout attempt. Returns the transfer id; raises
    TransferFailed, TransferOutcomeUnknown.

    The idempotency key names the attempt: sending the same attempt again
    (a network retry, or a retry after an unknown outcome) never pays twice.
    """
    try:
        transfer = (stripe_client or client()).v1.transfers.create(
            params={"amount": amount_vnd, "currency": "vnd", "destination": destination,
                    "transfer_group": transfer_group(payout_id), "metadata": {"payout_id": str(payout_id)}},
            options={"idempotency_key": idempotency_key(payout_id, attempt)},
        )
    except REFUSALS as exc:
        raise TransferFailed(_message(exc)) from exc
    except stripe.StripeError as exc:
        raise TransferOutcomeUnknown(_message(exc)) from exc
    return transfer["id"]


def transfers_of(payout_id: int, stripe_client=None) -> list:
    """The transfers Stripe holds for a payout (its transfer group), newest
    first. Raises TransferOutcomeUnknown when Stripe cannot be asked."""
    try:
        page = (stripe_client or client()).v1.transfers.list(
            params={"transfer_group": transfer_group(payout_id), "limit": 10})
    except stripe.StripeError as exc:
        raise TransferOutcomeUnknown(_message(exc)) from exc
    return list(page.data)


def the_transfer_paying(transfers: list, amount_vnd: int) -> str | None:
    """The id of the transfer that paid a payout of amount_vnd, when what
    Stripe holds for the payout is exactly that: one transfer of the amount,
    in đồng, not reversed. Anything else (none, two, another amount, a
    reversal) is not a payment this code can confirm."""
    if len(transfers) != 1:
        return None
    [found] = transfers
    if (found["amount"], found["currency"]) != (amount_vnd, "vnd") or found["amount_reversed"]:
        return None
    return found["id"]


def _message(exc: stripe.StripeError) -> str:
    return getattr(exc, "user_message", None) or str(exc) or type(exc).__name__
