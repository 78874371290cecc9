"""Forgotten passwords, end to end against a real SMTP server on loopback: the
mailed link sets a new password once, ends every session, and asking never
reveals whether an account exists."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import PasswordResetToken
from marketplace.database import utcnow
from marketplace.extensions import db
from tests.factories import PASSWORD, UserFactory

pytest_plugins = ["tests.mail_support"]

REQUEST = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "một mật khẩu mới dài"


@pytest.fixture
def lan(app):
    return UserFactory(email="lan@example.vn", full_name="Nguyễn Thị Lan")


def link_token(message) -> str:
    return re.search(r"/dat-lai-mat-khau/([\w-]+)", message.get_content()).group(1)


def login(client, email, password):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_the_mailed_link_sets_a_new_password_and_ends_every_session(client, app, lan, smtp_server):
    other_device = app.test_client()
    assert login(other_device, "lan@example.vn", PASSWORD).status_code == 200

    assert client.post(REQUEST, json={"email": "LAN@example.vn"}).status_code == 202
    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "lan@example.vn"
    assert "Nguyễn Thị Lan" in message.get_content()
    assert client.post(CONFIRM, json={"token": link_token(message), "new_password": NEW_PASSWORD}).status_code == 204

    assert other_device.get("/api/v1/auth/me").status_code == 401
    assert login(client, "lan@example.vn", PASSWORD).status_code == 401
    assert login(client, "lan@example.vn", NEW_PASSWORD).status_code == 200


def test_the_link_works_once(client, lan, smtp_server):
    client.post(REQUEST, json={"email": "lan@example.vn"})
    token = link_token(smtp_server.wait_for(1)[0])
    assert client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}).status_code == 204

    again = client.post(CONFIRM, json={"token": token, "new_password": "và một mật khẩu khác nữa"})

    assert again.status_code == 422
    assert again.json["code"] == "invalid_reset_token"
    assert login(client, "lan@example.vn", NEW_PASSWORD).status_code == 200


def test_an_expired_link_is_refused(client, lan, smtp_server):
    client.post(REQUEST, json={"email": "lan@example.vn"})
    token = link_token(smtp_server.wait_for(1)[0])
    db.session.execute(sa.update(PasswordResetToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()

    response = client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})

    assert (response.status_code, response.json["code"]) == (422, "invalid_reset_token")


def test_a_newer_request_spends_the_older_link(client, lan, smtp_server):
    client.post(REQUEST, json={"email": "lan@example.vn"})
    client.post(REQUEST, json={"email": "lan@example.vn"})
    first, second = (link_token(m) for m in smtp_server.wait_for(2))

    assert client.post(CONFIRM, json={"token": first, "new_password": NEW_PASSWORD}).status_code == 422
    assert client.post(CONFIRM, json={"token": second, "new_password": NEW_PASSWORD}).status_code == 204


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, lan, smtp_server):
    known = client.post(REQUEST, json={"email": "lan@example.vn"})
    unknown = client.post(REQUEST, json={"email": "nobody@example.vn"})

    assert (unknown.status_code, unknown.json) == (known.status_code, known.json)
    smtp_server.wait_for(1)
    assert [m["To"] for m in smtp_server] == ["lan@example.vn"]


def test_only_the_tokens_digest_is_stored(client, lan, smtp_server):
    client.post(REQUEST, json={"email": "lan@example.vn"})
    token = link_token(smtp_server.wait_for(1)[0])

    stored = db.session.scalar(sa.select(PasswordResetToken.digest))
    assert token not in stored and stored == PasswordResetToken.digest_of(token)


def test_asking_again_and_again_is_throttled(client, lan, app):
    answers = [client.post(REQUEST, json={"email": "lan@example.vn"}).status_code
               for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)]

    assert answers[-1] == 429


def test_a_made_up_token_is_refused_and_changes_nothing(client, lan):
    response = client.post(CONFIRM, json={"token": "x" * 43, "new_password": NEW_PASSWORD})

    assert (response.status_code, response.json["code"]) == (422, "invalid_reset_token")
    assert login(client, "lan@example.vn", PASSWORD).status_code == 200


def test_editing_the_profile_changes_name_and_phone(client, lan):
    login(client, "lan@example.vn", PASSWORD)

    response = client.patch("/api/v1/auth/me", json={"full_name": "Nguyễn Lan", "phone": "0912 345 678"})

    assert response.status_code == 200
    assert (response.json["full_name"], response.json["phone"]) == ("Nguyễn Lan", "+84912345678")
    assert client.patch("/api/v1/auth/me", json={"phone": None}).json["phone"] is None
    assert client.patch("/api/v1/auth/me", json={"phone": "12"}).status_code == 422

