"""The Stripe Connect adapter against a fake Stripe client; no Stripe, no database.

localstripe has no Connect, so the adapter is tested at its boundary: the
fake (tests.money_helpers.fake_stripe_client) exposes `v1.transfers.create`
and `v1.transfers.list` as `stripe.StripeClient` does, records the params and
options it is called with, and answers with Stripe-shaped Transfer objects or
raises the errors the real client builds from Stripe's answers.
"""

import pytest
import stripe

from marketplace.payouts import stripe_connect
from marketplace.payouts.stripe_connect import TransferFailed, TransferOutcomeUnknown
from tests.money_helpers import MadeThenLost, fake_stripe_client

DESTINATION = "acct_1PqRsTuVwXyZ0123"


def test_a_payout_is_transferred_in_dong_to_the_connected_account():
    client = fake_stripe_client()

    transfer_id = stripe_connect.transfer(payout_id=42, attempt=1, amount_vnd=1_250_500, destination=DESTINATION,
                                   stripe_client=client)

    [(params, options)] = client.v1.transfers.calls
    assert transfer_id == "tr_1Pq00000000000000000001"
    assert params == {"amount": 1_250_500, "currency": "vnd", "destination": DESTINATION,
                      "transfer_group": "payout-42", "metadata": {"payout_id": "42"}}
    assert options == {"idempotency_key": "payout-42-attempt-1"}


def test_each_attempt_at_a_payout_has_its_own_idempotency_key():
    client = fake_stripe_client()

    for attempt in (1, 2, 3):
        stripe_connect.transfer(payout_id=7, attempt=attempt, amount_vnd=300_000, destination=DESTINATION,
                         stripe_client=client)

    keys = [options["idempotency_key"] for _params, options in client.v1.transfers.calls]
    assert keys == ["payout-7-attempt-1", "payout-7-attempt-2", "payout-7-attempt-3"]
    assert {params["transfer_group"] for params, _options in client.v1.transfers.calls} == {"payout-7"}


def test_a_retried_attempt_reuses_its_key_so_stripe_makes_one_transfer():
    client = fake_stripe_client()

    ids = [stripe_connect.transfer(payout_id=7, attempt=1, amount_vnd=300_000, destination=DESTINATION,
                            stripe_client=client) for _ in range(2)]

    assert ids[0] == ids[1]
    assert [t["id"] for t in client.v1.transfers.made] == [ids[0]]


def stripe_says(error_class, status, message, error_type="invalid_request_error", code=None, param=None):
    """A Stripe error as stripe-python builds it from Stripe's answer."""
    body = {"error": {"type": error_type, "message": message, "code": code, "param": param}}
    if error_class in (stripe.InvalidRequestError, stripe.CardError):
        return error_class(message, param, code=code, http_status=status, json_body=body)
    return error_class(message, http_status=status, json_body=body, code=code)


NO_SUCH_DESTINATION = stripe_says(stripe.InvalidRequestError, 400, f"No such destination: '{DESTINATION}'",
                                  code="resource_missing", param="destination")
INSUFFICIENT_FUNDS = stripe_says(stripe.InvalidRequestError, 400,
                                 "You have insufficient available funds in your Stripe account.",
                                 code="balance_insufficient")
BAD_KEY = stripe_says(stripe.AuthenticationError, 401, "Invalid API Key provided: sk_live_****1234")
NOT_CONNECTED = stripe_says(stripe.PermissionError, 403,
                            "The provided key does not have access to account 'acct_1PqRsTuVwXyZ0123'.")
UNREACHABLE = stripe.APIConnectionError("Could not connect to Stripe (api.stripe.com).", should_retry=True)
TIMED_OUT = stripe.APIConnectionError("Request timed out after the request was sent.", should_retry=True)
SERVER_ERROR = stripe_says(stripe.APIError, 500, "An unknown error occurred", error_type="api_error")
KEY_IN_USE = stripe_says(stripe.APIError, 409, "There is currently another in-progress request using this "
                         "Idempotent Key.", error_type="invalid_request_error", code="idempotency_key_in_use")
RATE_LIMITED = stripe_says(stripe.RateLimitError, 429, "Too many requests hit the API too quickly.",
                           code="rate_limit")
KEY_REUSED = stripe_says(stripe.IdempotencyError, 400, "Keys for idempotent requests can only be used with the "
                         "same parameters they were first used with.", error_type="idempotency_error")


@pytest.mark.parametrize("error", [NO_SUCH_DESTINATION, INSUFFICIENT_FUNDS, BAD_KEY, NOT_CONNECTED],
                         ids=["no such destination", "insufficient funds", "bad API key", "no access to account"])
def test_stripe_refusing_the_transfer_is_a_failed_transfer_with_stripes_message(error):
    with pytest.raises(TransferFailed) as failed:
        stripe_connect.transfer(payout_id=9, attempt=1, amount_vnd=500_000, destination=DESTINATION,
                         stripe_client=fake_stripe_client(error))

    assert str(failed.value) == error.user_message
    assert failed.value.__cause__ is error


@pytest.mark.parametrize("error", [UNREACHABLE, TIMED_OUT, SERVER_ERROR, KEY_IN_USE, RATE_LIMITED, KEY_REUSED,
                                   stripe.StripeError("Something Stripe-shaped nobody has seen before")],
                         ids=["unreachable", "timed out", "500", "key in use (409)", "rate limited",
                              "key reused with other parameters", "an unknown Stripe error"])
def test_an_error_that_does_not_say_stripe_refused_leaves_the_outcome_unknown(error):
    with pytest.raises(TransferOutcomeUnknown) as unknown:
        stripe_connect.transfer(payout_id=9, attempt=1, amount_vnd=500_000, destination=DESTINATION,
                         stripe_client=fake_stripe_client(error))

    assert str(unknown.value) == error.user_message
    assert unknown.value.__cause__ is error
    assert not isinstance(unknown.value, TransferFailed)


def test_an_error_other_than_stripes_is_not_mistaken_for_a_failed_transfer():
    with pytest.raises(KeyError):
        stripe_connect.transfer(payout_id=9, attempt=1, amount_vnd=500_000, destination=DESTINATION,
                         stripe_client=fake_stripe_client(KeyError("bug")))


# --- looking a payout up at Stripe ------------------------------------------------------------

def test_a_payout_is_looked_up_by_its_transfer_group():
    client = fake_stripe_client(MadeThenLost(TIMED_OUT))
    with pytest.raises(TransferOutcomeUnknown):
        stripe_connect.transfer(payout_id=42, attempt=1, amount_vnd=300_000, destination=DESTINATION, stripe_client=client)
    stripe_connect.transfer(payout_id=43, attempt=1, amount_vnd=300_000, destination=DESTINATION, stripe_client=client)

    found = stripe_connect.transfers_of(42, stripe_client=client)

    assert client.v1.transfers.list_calls == [{"transfer_group": "payout-42", "limit": 10}]
    assert [(t["id"], t["transfer_group"], t["amount"]) for t in found] == [
        ("tr_1Pq00000000000000000001", "payout-42", 300_000)]
    assert stripe_connect.transfers_of(44, stripe_client=client) == []


@pytest.mark.parametrize("error", [UNREACHABLE, SERVER_ERROR, BAD_KEY], ids=["unreachable", "500", "bad API key"])
def test_a_failed_look_up_leaves_the_outcome_unknown(error):
    with pytest.raises(TransferOutcomeUnknown) as unknown:
        stripe_connect.transfers_of(42, stripe_client=fake_stripe_client(lookups=[error]))

    assert unknown.value.__cause__ is error


def held(*transfers):
    client = fake_stripe_client()
    for number, fields in enumerate(transfers, 1):
        params = {"amount": 300_000, "currency": "vnd", "destination": DESTINATION, "transfer_group": "payout-42",
                  "metadata": {"payout_id": "42"}}
        client.v1.transfers.make(f"tr_{number}", {**params, **{k: v for k, v in fields.items() if k in params}},
                                 **{k: v for k, v in fields.items() if k not in params})
    return client.v1.transfers.made


@pytest.mark.parametrize(("transfers", "paid_by"), [
    (held({}), "tr_1"),
    (held(), None),
    (held({}, {}), None),
    (held({"amount": 299_999}), None),
    (held({"currency": "usd"}), None),
    (held({"amount_reversed": 300_000, "reversed": True}), None),
    (held({"amount_reversed": 1}), None),
], ids=["one transfer of the amount", "none", "two", "another amount", "another currency", "reversed",
        "partly reversed"])
def test_only_one_whole_transfer_of_the_amount_confirms_a_payout(transfers, paid_by):
    assert stripe_connect.the_transfer_paying(transfers, 300_000) == paid_by
