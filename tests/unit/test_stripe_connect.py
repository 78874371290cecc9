"""The Stripe Connect adapter against a fake Stripe client; no Stripe, no database.

localstripe has no Connect, so the adapter is tested at its boundary: the
fake (tests.money_helpers.fake_stripe_client) exposes `v1.transfers.create`
as `stripe.StripeClient` does, records the params and options it is called
with, and answers with Stripe-shaped Transfer objects or raises the errors
the real client raises.
"""

import pytest
import stripe

from marketplace.payouts import connect
from marketplace.payouts.connect import TransferFailed
from tests.money_helpers import fake_stripe_client

DESTINATION = "acct_1PqRsTuVwXyZ0123"


def test_a_payout_is_transferred_in_dong_to_the_connected_account():
    client = fake_stripe_client()

    transfer_id = connect.transfer(payout_id=42, attempt=1, amount_vnd=1_250_500, destination=DESTINATION,
                                   stripe_client=client)

    [(params, options)] = client.v1.transfers.calls
    assert transfer_id == "tr_1Pq00000000000000000001"
    assert params == {"amount": 1_250_500, "currency": "vnd", "destination": DESTINATION,
                      "transfer_group": "payout-42", "metadata": {"payout_id": "42"}}
    assert options == {"idempotency_key": "payout-42-attempt-1"}


def test_each_attempt_at_a_payout_has_its_own_idempotency_key():
    client = fake_stripe_client()

    for attempt in (1, 2, 3):
        connect.transfer(payout_id=7, attempt=attempt, amount_vnd=300_000, destination=DESTINATION,
                         stripe_client=client)

    keys = [options["idempotency_key"] for _params, options in client.v1.transfers.calls]
    assert keys == ["payout-7-attempt-1", "payout-7-attempt-2", "payout-7-attempt-3"]
    assert {params["transfer_group"] for params, _options in client.v1.transfers.calls} == {"payout-7"}


def test_a_retried_attempt_reuses_its_key_so_stripe_pays_it_once():
    client = fake_stripe_client()

    for _ in range(2):
        connect.transfer(payout_id=7, attempt=2, amount_vnd=300_000, destination=DESTINATION,
                         stripe_client=client)

    keys = [options["idempotency_key"] for _params, options in client.v1.transfers.calls]
    assert keys == ["payout-7-attempt-2", "payout-7-attempt-2"]


NO_SUCH_DESTINATION = stripe.InvalidRequestError(
    f"No such destination: '{DESTINATION}'", "destination", code="resource_missing", http_status=400,
    json_body={"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "destination",
                         "message": f"No such destination: '{DESTINATION}'"}})
INSUFFICIENT_FUNDS = stripe.InvalidRequestError(
    "You have insufficient available funds in your Stripe account.", None, code="balance_insufficient",
    http_status=400)
UNREACHABLE = stripe.APIConnectionError("Could not connect to Stripe (api.stripe.com).", should_retry=True)
RATE_LIMITED = stripe.RateLimitError("Too many requests hit the API too quickly.", http_status=429,
                                     code="rate_limit")


@pytest.mark.parametrize(("error", "message"), [
    (NO_SUCH_DESTINATION, f"No such destination: '{DESTINATION}'"),
    (INSUFFICIENT_FUNDS, "You have insufficient available funds in your Stripe account."),
    (UNREACHABLE, "Could not connect to Stripe (api.stripe.com)."),
    (RATE_LIMITED, "Too many requests hit the API too quickly."),
], ids=["no such destination", "insufficient funds", "connection error", "rate limited"])
def test_a_stripe_error_becomes_transfer_failed_with_stripes_message(error, message):
    with pytest.raises(TransferFailed) as failed:
        connect.transfer(payout_id=9, attempt=1, amount_vnd=500_000, destination=DESTINATION,
                         stripe_client=fake_stripe_client(error))

    assert str(failed.value) == message
    assert failed.value.__cause__ is error


def test_an_error_other_than_stripes_is_not_mistaken_for_a_failed_transfer():
    with pytest.raises(KeyError):
        connect.transfer(payout_id=9, attempt=1, amount_vnd=500_000, destination=DESTINATION,
                         stripe_client=fake_stripe_client(KeyError("bug")))
