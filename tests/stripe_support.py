"""localstripe, a stateful fake Stripe server, for the payment tests.

It is started once per test session on a free loopback port. Stripe is never
reached over the network. Webhooks are delivered by localstripe itself, with
real Stripe signatures, to the app served on another loopback port.
"""

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.http_server import serving

WEBHOOK_SECRET = "whsec_test_ocop_marketplace"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@pytest.fixture(scope="session")
def localstripe_url():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from localstripe.server import start; start()", "--port", str(port),
         "--from-scratch"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def stripe_config(app, localstripe_url, monkeypatch):
    """Point the app's Stripe client at localstripe for this test."""
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", localstripe_url)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_ocop")
    monkeypatch.setitem(app.config, "STRIPE_PUBLISHABLE_KEY", "pk_test_ocop")
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    return localstripe_url


@pytest.fixture
def live_server(app, stripe_config):
    """The app on a loopback port, registered as localstripe's webhook endpoint."""
    with serving(app) as base:
        response = requests.post(f"{stripe_config}/_config/webhooks/ocop",
                                 data={"url": f"{base}/api/v1/payments/stripe/webhook", "secret": WEBHOOK_SECRET})
        response.raise_for_status()
        yield base


def pay_with_card(localstripe_url: str, intent_id: str, number: str = "4242424242424242") -> dict:
    """Do what Stripe.js does in the shopper's browser: attach a card and confirm."""
    auth = {"Authorization": "Bearer sk_test_ocop"}
    method = requests.post(f"{localstripe_url}/v1/payment_methods", headers=auth, data={
        "type": "card", "card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2030",
        "card[cvc]": "123"}).json()
    requests.post(f"{localstripe_url}/v1/payment_intents/{intent_id}", headers=auth,
                  data={"payment_method": method["id"]}).raise_for_status()
    return requests.post(f"{localstripe_url}/v1/payment_intents/{intent_id}/confirm", headers=auth).json()


def eventually(check, timeout: float = 15.0, interval: float = 0.2):
    """Poll `check` until it returns something truthy (webhooks arrive after ~1 s)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def signed(payload: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    """A webhook body and a valid Stripe-Signature header for it."""
    body = json.dumps(payload).encode()
    timestamp = timestamp or int(time.time())
    signature = hmac.new(secret.encode(), b"%d." % timestamp + body, hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={signature}"
