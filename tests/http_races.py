"""Races over real HTTP, for the PostgreSQL concurrency tests that reproduce
what was seen against a running server (issue #10).

`live_url` serves the test's app on a loopback port with a threaded werkzeug
server: every request runs in a thread of its own, with its own app context,
database session and connection, exactly as in production. `race_http` sends
its requests from threads released together by a barrier.
"""

import threading
from collections import Counter

import pytest
import requests

from marketplace.extensions import db
from tests.concurrency import run_in_threads
from tests.http_server import serving


@pytest.fixture
def live_url(app):
    with serving(app) as base:
        yield base


def post(url: str, json: dict, headers: dict, key: str):
    """An attempt for race_http: POST `json` with this Idempotency-Key."""
    return lambda: requests.post(url, json=json, headers={**headers, "Idempotency-Key": key}, timeout=30)


def race_http(attempts) -> list:
    """Run each attempt (a callable that sends one request) in its own thread,
    all released at once. Returns the responses, or the exception an attempt
    raised, in order. The test's session then reads what the server committed."""
    db.session.commit()  # the server's threads see only what the test has committed
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(index, attempt):
        barrier.wait(timeout=30)
        try:
            results[index] = attempt()
        except Exception as exc:  # reported, never lost with its thread
            results[index] = exc

    run_in_threads(run, attempts)
    db.session.expire_all()
    return results


def outcomes(results) -> Counter:
    """(status, error code) of each response; a request that failed outright fails the test."""
    failed = [r for r in results if isinstance(r, Exception)]
    assert failed == [], failed
    return Counter((r.status_code, r.json().get("code")) for r in results)
