"""The Stripe gateway against a recording HTTP client; no Stripe, no database.

The client under test is the real `stripe.StripeClient` built by the gateway;
only its HTTP client is replaced, so every request recorded here carries the
method, URL, headers and form body Stripe itself would receive.
"""

import json
from dataclasses import dataclass
from functools import partial
from urllib.parse import parse_qsl

import pytest
import stripe
from flask import Flask

from marketplace.payments import gateway
from marketplace.payments.gateway import PaymentProviderError

INTENT = {"id": "pi_1", "object": "payment_intent", "status": "requires_payment_method",
          "amount": 250_000, "currency": "vnd", "client_secret": "pi_1_secret_x"}
CANCELED = {**INTENT, "status": "canceled", "client_secret": None}
REFUND = {"id": "re_1", "object": "refund", "amount": 100_000, "status": "succeeded"}
UNREACHABLE = stripe.APIConnectionError("Stripe could not be reached.", should_retry=True)
SERVER_ERROR = (500, {"error": {"type": "api_error", "message": "Something went wrong."}})
CARD_DECLINED = (402, {"error": {"type": "card_error", "code": "card_declined", "message": "Declined."}})
BAD_REQUEST = (400, {"error": {"type": "invalid_request_error", "message": "No such payment_intent."}})


@dataclass
class Request:
    method: str
    path: str
    idempotency_key: str | None
    form: dict


class RecordingHTTPClient(stripe.HTTPClient):
    """Answers from a script of responses ((status, body) or an exception to raise)."""

    name = "recording"

    def __init__(self, *script):
        super().__init__()
        self.script = list(script)
        self.requests: list[Request] = []

    def request(self, method, url, headers, post_data=None):
        self.requests.append(Request(method.upper(), url.removeprefix("https://stripe.test"),
                                     headers.get("Idempotency-Key"), dict(parse_qsl(post_data or ""))))
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return json.dumps(body), status, {"Request-Id": "req_1"}

    def _sleep_time_seconds(self, num_retries, response=None):
        return 0

    def close(self):
        pass


@pytest.fixture(autouse=True)
def app_context():
    app = Flask(__name__)
    app.config.update(STRIPE_API_BASE="https://stripe.test", STRIPE_SECRET_KEY="sk_test_unit",
                      STRIPE_WEBHOOK_SECRET="whsec_unit")
    with app.app_context():
        yield


@pytest.fixture
def stripe_answers(monkeypatch):
    """stripe_answers(*script) → the recording client every gateway call will use."""

    def install(*script):
        http = RecordingHTTPClient(*script)
        monkeypatch.setattr(gateway.stripe, "StripeClient", partial(stripe.StripeClient, http_client=http))
        return http

    return install


def create_intent(payment_id=7):
    return gateway.create_payment_intent(payment_id=payment_id, order_number="OC260101ABCDEF", amount_vnd=250_000)


def cancel_intent():
    return gateway.cancel_payment_intent("pi_1", 7)


def refund():
    return gateway.refund(intent_id="pi_1", amount_vnd=100_000, refund_key="12")


def retrieve_intent():
    return gateway.retrieve_payment_intent("pi_1")


CALLS = [
    pytest.param(create_intent, (200, INTENT), "payment-7-intent", id="create intent"),
    pytest.param(cancel_intent, (200, CANCELED), "payment-7-cancel", id="cancel intent"),
    pytest.param(refund, (200, REFUND), "refund-12", id="refund"),
]


def test_a_payment_intent_is_asked_for_in_dong_for_our_payment(stripe_answers):
    http = stripe_answers((200, INTENT))

    intent = create_intent()

    [sent] = http.requests
    assert (sent.method, sent.path) == ("POST", "/v1/payment_intents")
    assert sent.form == {"amount": "250000", "currency": "vnd", "payment_method_types[0]": "card",
                         "metadata[payment_id]": "7", "metadata[order_number]": "OC260101ABCDEF"}
    assert intent == gateway.Intent("pi_1", "requires_payment_method", 250_000, "pi_1_secret_x")


def test_a_cancellation_names_the_intent(stripe_answers):
    http = stripe_answers((200, CANCELED))

    intent = cancel_intent()

    assert [(r.method, r.path) for r in http.requests] == [("POST", "/v1/payment_intents/pi_1/cancel")]
    assert intent.status == "cancelled"  # Stripe's spelling mapped to ours


def test_a_refund_is_sent_in_dong_against_the_intent(stripe_answers):
    http = stripe_answers((200, REFUND))

    refund_id = refund()

    [sent] = http.requests
    assert (sent.method, sent.path) == ("POST", "/v1/refunds")
    assert sent.form == {"payment_intent": "pi_1", "amount": "100000"}
    assert refund_id == "re_1"


@pytest.mark.parametrize(("call", "answer", "key"), CALLS)
def test_every_call_carries_an_idempotency_key_made_from_our_ids(stripe_answers, call, answer, key):
    http = stripe_answers(answer)

    call()

    assert [r.idempotency_key for r in http.requests] == [key]


@pytest.mark.parametrize(("call", "answer", "key"), CALLS)
def test_a_call_retried_after_a_network_failure_reuses_its_key(stripe_answers, call, answer, key):
    http = stripe_answers(UNREACHABLE, SERVER_ERROR, answer)

    call()

    assert [r.idempotency_key for r in http.requests] == [key, key, key]


def test_calling_again_for_the_same_payment_reuses_the_key_and_another_payment_gets_its_own(stripe_answers):
    http = stripe_answers((200, INTENT), (200, INTENT), (200, {**INTENT, "id": "pi_2"}))

    create_intent(7)
    create_intent(7)
    create_intent(8)

    assert [r.idempotency_key for r in http.requests] == ["payment-7-intent", "payment-7-intent", "payment-8-intent"]


@pytest.mark.parametrize("failure", [
    pytest.param((UNREACHABLE,) * 3, id="unreachable after retries"),
    pytest.param((SERVER_ERROR,) * 3, id="server error after retries"),
    pytest.param((CARD_DECLINED,), id="card error"),
    pytest.param((BAD_REQUEST,), id="invalid request"),
])
@pytest.mark.parametrize("call", [create_intent, cancel_intent, refund, retrieve_intent],
                         ids=["create intent", "cancel intent", "refund", "retrieve intent"])
def test_a_stripe_error_becomes_a_payment_provider_error(stripe_answers, call, failure):
    stripe_answers(*failure)

    with pytest.raises(PaymentProviderError) as raised:
        call()

    assert (raised.value.status, raised.value.code) == (502, "payment_provider_error")
