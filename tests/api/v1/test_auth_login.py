"""Logging in: an unknown email costs what a wrong password costs, and the
throttle slows a guesser without locking the owner out."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher, extract_parameters

from marketplace.database import utcnow
from marketplace.extensions import db
from tests.factories import PASSWORD, UserFactory

LOGIN = "/api/v1/auth/login"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def login_from(client, address, email, password=PASSWORD):
    return client.post(LOGIN, json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def verified_hashes(monkeypatch):
    """The hashes Argon2 verifies passwords against, in order."""
    hashes = []
    verify = PasswordHasher.verify

    def spy(self, password_hash, password):
        hashes.append(password_hash)
        return verify(self, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return hashes


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, which a test can move on."""
    now = [utcnow()]
    monkeypatch.setattr("marketplace.accounts.throttle.utcnow", lambda: now[0])

    class Clock:
        def advance(self, seconds):
            now[0] += timedelta(seconds=seconds)

    return Clock()


# --- timing: both paths verify one Argon2 hash -----------------------------------

def test_an_unknown_email_verifies_one_argon2_hash_like_a_wrong_password(client, auth, verified_hashes):
    user = UserFactory(email="ha@example.vn")

    auth.login("nobody@example.vn", password="wrong password")
    auth.login("ha@example.vn", password="wrong password")

    assert len(verified_hashes) == 2
    unknown, known = verified_hashes
    assert unknown.startswith("$argon2id$")
    assert known == user.password_hash
    # Argon2 costs what the hash's parameters say: the dummy must cost what a real hash does.
    assert extract_parameters(unknown) == extract_parameters(known)


def test_an_unknown_email_is_still_refused_when_the_password_is_the_dummys(auth):
    assert auth.login("nobody@example.vn", password="not-a-real-password").status_code == 401


# --- lock-out: the throttle is per email and address -------------------------------

def test_an_attacker_elsewhere_cannot_lock_the_owner_out(client):
    UserFactory(email="ha@example.vn")
    attacks = [login_from(client, ATTACKER, "ha@example.vn", password=f"guess {n}").status_code for n in range(10)]

    response = login_from(client, OWNER, "ha@example.vn")

    assert attacks == [401] * 5 + [429] * 5
    assert response.status_code == 200


def test_after_five_failures_each_wait_doubles(app, client, clock):
    UserFactory(email="ha@example.vn")
    for n in range(5):
        assert login_from(client, ATTACKER, "ha@example.vn", password=f"guess {n}").status_code == 401
    waits = []
    for n in range(4):
        refused = login_from(client, ATTACKER, "ha@example.vn", password="too soon")
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(waits[-1])
        assert login_from(client, ATTACKER, "ha@example.vn", password=f"late guess {n}").status_code == 401

    base = app.config["LOGIN_BACKOFF_SECONDS"]
    assert waits == [base, 2 * base, 4 * base, 8 * base]


def test_the_wait_never_exceeds_the_window(app, client, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_WINDOW_SECONDS", 100)
    monkeypatch.setitem(app.config, "LOGIN_BACKOFF_SECONDS", 30)
    UserFactory(email="ha@example.vn")
    for n in range(5):
        login_from(client, ATTACKER, "ha@example.vn", password=f"guess {n}")
    waits = []
    for n in range(3):
        waits.append(int(login_from(client, ATTACKER, "ha@example.vn", password="too soon").headers["Retry-After"]))
        clock.advance(waits[-1])
        login_from(client, ATTACKER, "ha@example.vn", password=f"late guess {n}")

    assert waits == [30, 60, 100]


def test_the_owner_at_the_attackers_address_can_log_in_once_the_wait_is_over(client, clock):
    UserFactory(email="ha@example.vn")
    for n in range(5):
        login_from(client, ATTACKER, "ha@example.vn", password=f"guess {n}")
    wait = int(login_from(client, ATTACKER, "ha@example.vn").headers["Retry-After"])

    clock.advance(wait)

    assert login_from(client, ATTACKER, "ha@example.vn").status_code == 200


def test_many_failures_from_one_address_are_refused_for_every_email_until_the_window_passes(app, client, clock):
    UserFactory(email="ha@example.vn")
    limit = app.config["LOGIN_MAX_FAILURES_PER_IP"]
    for n in range(limit):
        assert login_from(client, ATTACKER, f"guess{n}@example.vn", password="wrong").status_code == 401

    refused = login_from(client, ATTACKER, "ha@example.vn")

    assert refused.status_code == 429
    assert refused.json["code"] == "login_throttled"
    assert login_from(client, OWNER, "ha@example.vn").status_code == 200
    clock.advance(app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    assert login_from(client, ATTACKER, "ha@example.vn").status_code == 200


def test_successful_logins_do_not_count_against_the_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 3)
    users = [UserFactory() for _ in range(5)]
    statuses = [login_from(client, OWNER, user.email).status_code for user in users]
    statuses.append(login_from(client, OWNER, "nobody@example.vn", password="wrong").status_code)

    assert statuses == [200] * 5 + [401]


def test_a_throttled_attempt_checks_no_password(client, verified_hashes):
    UserFactory(email="ha@example.vn")
    for n in range(5):
        login_from(client, ATTACKER, "ha@example.vn", password=f"guess {n}")
    checked = len(verified_hashes)

    login_from(client, ATTACKER, "ha@example.vn")

    assert (checked, len(verified_hashes)) == (5, 5)


def test_behind_a_trusted_proxy_the_throttle_keys_on_the_forwarded_address(app):
    UserFactory(email="lan@example.vn")
    """With TRUSTED_PROXY_HOPS=1, an attacker behind the proxy slows only themselves."""
    from config import TestConfig
    from marketplace import create_app

    class BehindProxy(TestConfig):
        SQLALCHEMY_DATABASE_URI = db.engine.url.render_as_string(hide_password=False)
        TRUSTED_PROXY_HOPS = 1

    proxied = create_app(BehindProxy).test_client()
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(8):
        proxied.post("/api/v1/auth/login", json={"email": "lan@example.vn", "password": "wrong"}, headers=attacker)

    owner = proxied.post("/api/v1/auth/login", json={"email": "lan@example.vn", "password": PASSWORD},
                         headers={"X-Forwarded-For": "198.51.100.7"})
    assert owner.status_code == 200
