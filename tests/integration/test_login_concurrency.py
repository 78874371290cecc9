"""Login attempts sent all at once, over HTTP, to a threaded server on
PostgreSQL: each is counted before its password is checked, so no more are
checked than the throttle allows."""

import threading
from collections import Counter

import pytest
import requests
import sqlalchemy as sa
from argon2 import PasswordHasher

from tests.concurrency import crashes, race
from tests.factories import UserFactory
from tests.http_server import http_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("postgresql_only")


@pytest.fixture
def checks(monkeypatch):
    """How many passwords Argon2 verified, from any thread."""
    count = Counter()
    lock = threading.Lock()
    verify = PasswordHasher.verify

    def counted(self, password_hash, password):
        with lock:
            count["verified"] += 1
        return verify(self, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return count


def login_attempt(base, email, password):
    return lambda: requests.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password},
                                 timeout=30).status_code


def test_forty_wrong_passwords_at_once_get_only_five_checks(app, http_server, checks):
    UserFactory(email="ha@example.vn")
    limit = app.config["LOGIN_MAX_FAILURES"]

    results = race(app, [login_attempt(http_server, "ha@example.vn", f"guess {n}") for n in range(40)])

    assert crashes(results) == []
    assert Counter(results) == {401: limit, 429: 40 - limit}
    assert checks["verified"] == limit


def test_sixty_unknown_emails_at_once_from_one_address_get_only_thirty_checks(app, http_server, checks):
    limit = app.config["LOGIN_MAX_FAILURES_PER_IP"]

    results = race(app, [login_attempt(http_server, f"guess{n}@example.vn", "wrong") for n in range(60)])

    assert crashes(results) == []
    assert Counter(results) == {401: limit, 429: 60 - limit}
    assert checks["verified"] == limit


def test_a_login_checked_against_the_old_password_opens_no_session_once_it_has_changed(app, client, monkeypatch):
    """The password is checked without a lock; a change that commits between
    that check and the new session must not leave the old password a session."""
    from marketplace.accounts import services
    from marketplace.accounts.models import User, UserSession
    from marketplace.extensions import db

    user_id = UserFactory(email="ha@example.vn").id
    verify = services.verify_password

    def change_password_meanwhile():
        with app.app_context():
            services.set_password(db.session.get(User, user_id), "the owner's new passphrase")
            db.session.commit()
            db.session.remove()

    def verify_then_change(password_hash, password):
        verified = verify(password_hash, password)
        changer = threading.Thread(target=change_password_meanwhile)
        changer.start()
        changer.join(timeout=10)
        return verified

    monkeypatch.setattr(services, "verify_password", verify_then_change)

    response = client.post("/api/v1/auth/login", json={"email": "ha@example.vn", "password": "correct horse battery"})

    assert response.status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0
