"""Stripe Connect transfers: the optional rail for producers with a connected
account. (Stripe cannot pay out to Vietnamese bank accounts, so bank transfer
is the default.) localstripe has no Connect, so this adapter is tested with
Stripe-shaped responses at this boundary."""

import stripe
from flask import current_app


class TransferFailed(Exception):
    pass


def client() -> stripe.StripeClient:
    config = current_app.config
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"] or "sk_test_unset",
                               base_addresses={"api": config["STRIPE_API_BASE"] or stripe.DEFAULT_API_BASE},
                               max_network_retries=2)


def transfer(*, payout_id: int, attempt: int, amount_vnd: int, destination: str, stripe_client=None) -> str:
    """One transfer per payout attempt. Returns the transfer id; raises TransferFailed.

    The idempotency key names the attempt, so a network retry of one attempt
    never pays twice, while a deliberate retry after a failure can go through.
    """
    try:
        transfer = (stripe_client or client()).v1.transfers.create(
            params={"amount": amount_vnd, "currency": "vnd", "destination": destination,
                    "transfer_group": f"payout-{payout_id}", "metadata": {"payout_id": str(payout_id)}},
            options={"idempotency_key": f"payout-{payout_id}-attempt-{attempt}"},
        )
    except stripe.StripeError as exc:
        raise TransferFailed(getattr(exc, "user_message", None) or str(exc) or type(exc).__name__) from exc
    return transfer["id"]
