from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import ApiToken, User
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.producers.models import MemberRole
from tests.factories import PASSWORD, MemberFactory, ProducerFactory, UserFactory, member_of

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
TOKENS = "/api/v1/auth/tokens"


def register(client, **overrides):
    body = {"email": "lan@example.vn", "password": PASSWORD, "full_name": "Nguyễn Thị Lan"}
    return client.post(REGISTER, json={**body, **overrides})


def set_cookie_header(response, name="session"):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def assert_no_secrets(response):
    body = response.get_data(as_text=True)
    assert "password_hash" not in body
    assert "$argon2" not in body


# --- registration ------------------------------------------------------------

def test_registering_creates_an_account_and_logs_in(client):
    response = register(client)

    assert response.status_code == 201
    assert response.json["email"] == "lan@example.vn"
    assert response.json["roles"] == {"shopper": True, "admin": False, "producers": [], "display_points": []}
    assert client.get(ME).json["id"] == response.json["id"]


def test_registration_stores_the_email_in_lower_case(client):
    response = register(client, email="Lan.Nguyen@Example.VN")

    assert response.json["email"] == "lan.nguyen@example.vn"


def test_registration_normalises_the_phone_to_e164(client):
    response = register(client, phone="0912 345 678")

    assert response.json["phone"] == "+84912345678"


def test_registering_an_email_twice_in_any_case_is_a_conflict(client):
    register(client, email="lan@example.vn")

    response = register(client, email="LAN@example.vn")

    assert response.status_code == 409
    assert response.json["code"] == "email_taken"
    assert "email" in response.json["errors"]["json"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_a_password_under_ten_characters_is_refused(client):
    response = register(client, password="short")

    assert response.status_code == 422
    assert "password" in response.json["errors"]["json"]


def test_registration_refuses_unknown_fields(client):
    response = register(client, is_admin=True)

    assert response.status_code == 422
    assert "is_admin" in response.json["errors"]["json"]


def test_registration_never_returns_the_password_hash(client):
    response = register(client)

    assert_no_secrets(response)
    assert "password" not in response.json


def test_no_account_response_ever_contains_a_password_hash(client, auth):
    UserFactory(email="ha@example.vn")
    responses = [
        register(client),
        register(client),
        auth.login("ha@example.vn", password="wrong password"),
        auth.login("ha@example.vn"),
        client.get(ME),
        create_token(client),
        client.get(TOKENS),
    ]

    for response in responses:
        assert_no_secrets(response)


# --- sessions ----------------------------------------------------------------

def test_logging_in_sets_a_session_and_returns_the_user(client, auth):
    user = UserFactory(email="ha@example.vn")

    response = auth.login("ha@example.vn")

    assert response.status_code == 200
    assert response.json["id"] == user.id
    assert client.get(ME).status_code == 200
    assert_no_secrets(response)


def test_the_login_email_is_case_insensitive(auth):
    UserFactory(email="ha@example.vn")

    assert auth.login("  HA@Example.vn ").status_code == 200


def test_a_wrong_password_is_refused_as_invalid_credentials(client, auth):
    UserFactory(email="ha@example.vn")

    response = auth.login("ha@example.vn", password="wrong password")

    assert response.status_code == 401
    assert response.json["code"] == "invalid_credentials"
    assert client.get(ME).status_code == 401


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(auth):
    response = auth.login("nobody@example.vn")

    assert response.status_code == 401
    assert response.json["code"] == "invalid_credentials"


def test_a_disabled_account_cannot_log_in(auth):
    UserFactory(email="ha@example.vn", active=False)

    assert auth.login("ha@example.vn").status_code == 401


def test_logging_out_ends_the_session(client, auth):
    UserFactory(email="ha@example.vn")
    auth.login("ha@example.vn")

    response = auth.logout()

    assert response.status_code == 204
    assert client.get(ME).status_code == 401


def test_me_requires_a_login(client):
    response = client.get(ME)

    assert response.status_code == 401
    assert response.json["code"] == "authentication_required"


def test_me_lists_the_producers_the_user_acts_for(client, auth):
    honey = ProducerFactory(name="Hợp tác xã Ong mật Điện Biên", slug="htx-ong-mat-dien-bien")
    user = member_of(honey, MemberRole.OWNER, email="thanh@example.vn")
    noodles = ProducerFactory(slug="htx-tai-hoan")
    MemberFactory(producer=noodles, user=user, role=MemberRole.STAFF)
    auth.login("thanh@example.vn")

    response = client.get(ME)

    assert response.json["roles"]["producers"] == [
        {"producer_id": honey.id, "producer_name": "Hợp tác xã Ong mật Điện Biên",
         "producer_slug": "htx-ong-mat-dien-bien", "producer_status": "approved", "role": "owner"},
        {"producer_id": noodles.id, "producer_name": noodles.name,
         "producer_slug": "htx-tai-hoan", "producer_status": "approved", "role": "staff"},
    ]
    assert_no_secrets(response)


def test_me_shows_the_admin_flag(client, auth):
    UserFactory(email="admin@example.vn", is_admin=True)
    auth.login("admin@example.vn")

    assert client.get(ME).json["roles"]["admin"] is True


# --- throttling --------------------------------------------------------------

def test_too_many_failures_make_that_address_wait_even_for_the_right_password(app, auth, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 3)
    UserFactory(email="ha@example.vn")
    for _ in range(3):
        auth.login("ha@example.vn", password="wrong password")

    response = auth.login("ha@example.vn")

    assert response.status_code == 429
    assert response.json["code"] == "login_throttled"
    assert 1 <= int(response.headers["Retry-After"]) <= app.config["LOGIN_FAILURE_WINDOW_SECONDS"]


def test_failures_below_the_limit_do_not_throttle_the_email(app, auth, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 3)
    UserFactory(email="ha@example.vn")
    for _ in range(2):
        auth.login("ha@example.vn", password="wrong password")

    assert auth.login("ha@example.vn").status_code == 200


def test_the_email_throttle_ignores_the_case_of_the_email(app, auth, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    UserFactory(email="ha@example.vn")
    auth.login("HA@example.vn", password="wrong password")
    auth.login("ha@EXAMPLE.vn", password="wrong password")

    assert auth.login("ha@example.vn").status_code == 429


def test_a_successful_login_forgets_earlier_failures(app, auth, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 3)
    UserFactory(email="ha@example.vn")
    for _ in range(2):
        auth.login("ha@example.vn", password="wrong password")
    auth.login("ha@example.vn")
    for _ in range(2):
        auth.login("ha@example.vn", password="wrong password")

    assert auth.login("ha@example.vn").status_code == 200


def test_failures_older_than_the_window_do_not_count(app, auth, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    UserFactory(email="ha@example.vn")
    for _ in range(2):
        auth.login("ha@example.vn", password="wrong password")
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_WINDOW_SECONDS", 0)

    assert auth.login("ha@example.vn").status_code == 200


def test_too_many_failures_from_one_address_lock_every_email(app, auth, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 3)
    UserFactory(email="ha@example.vn")
    for n in range(3):
        auth.login(f"guess{n}@example.vn", password="wrong password")

    response = auth.login("ha@example.vn")

    assert response.status_code == 429
    assert "Retry-After" in response.headers


# --- cookies -----------------------------------------------------------------

def test_the_session_cookie_is_http_only_and_same_site_lax(auth):
    UserFactory(email="ha@example.vn")

    cookie = set_cookie_header(auth.login("ha@example.vn"))

    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_when_configured(app, auth, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    UserFactory(email="ha@example.vn")

    cookie = set_cookie_header(auth.login("ha@example.vn"))

    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_the_remember_me_cookie_is_http_only_and_same_site_lax(client):
    UserFactory(email="ha@example.vn")

    response = client.post(LOGIN, json={"email": "ha@example.vn", "password": PASSWORD, "remember": True})

    cookie = set_cookie_header(response, "remember_token")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


# --- bearer tokens -----------------------------------------------------------

def create_token(client, name="POS tablet"):
    return client.post(TOKENS, json={"name": name})


def test_a_new_token_is_shown_once_and_authenticates_api_calls(app, auth):
    user = UserFactory(email="ha@example.vn")
    auth.login("ha@example.vn")

    created = create_token(auth._client)

    assert created.status_code == 201
    token = created.json["token"]
    assert token.startswith("ocop_")
    assert token.startswith(created.json["prefix"])
    fresh = app.test_client()
    assert fresh.get(ME, headers={"Authorization": f"Bearer {token}"}).json["id"] == user.id


def test_listing_tokens_never_shows_the_token_itself(client, auth):
    UserFactory(email="ha@example.vn")
    auth.login("ha@example.vn")
    token = create_token(client).json["token"]

    response = client.get(TOKENS)

    assert [t["name"] for t in response.json] == ["POS tablet"]
    assert "token" not in response.json[0]
    assert "digest" not in response.json[0]
    assert token not in response.get_data(as_text=True)


def test_listing_tokens_shows_only_your_own(client, bearer):
    someone_else = UserFactory()
    bearer(someone_else)
    me = UserFactory()

    response = client.get(TOKENS, headers=bearer(me))

    assert len(response.json) == 1


def test_only_the_digest_of_a_token_is_stored(client, auth):
    UserFactory(email="ha@example.vn")
    auth.login("ha@example.vn")

    token = create_token(client).json["token"]

    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.digest == ApiToken.digest_of(token)
    assert token not in {stored.digest, stored.prefix}


def test_a_revoked_token_no_longer_authenticates(app, client, auth):
    UserFactory(email="ha@example.vn")
    auth.login("ha@example.vn")
    created = create_token(client).json

    response = client.delete(f"{TOKENS}/{created['id']}")

    assert response.status_code == 204
    stale = app.test_client().get(ME, headers={"Authorization": f"Bearer {created['token']}"})
    assert stale.status_code == 401
    assert client.get(TOKENS).json[0]["revoked_at"] is not None


def test_an_expired_token_no_longer_authenticates(client, bearer):
    user = UserFactory()
    headers = bearer(user)
    db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    assert client.get(ME, headers=headers).status_code == 401


def test_a_made_up_token_is_refused(client):
    response = client.get(ME, headers={"Authorization": "Bearer ocop_not-a-real-token"})

    assert response.status_code == 401


def test_a_token_of_a_disabled_account_is_refused(client, bearer):
    user = UserFactory(active=False)

    response = client.get(ME, headers=bearer(user))

    assert response.status_code == 401


def test_revoking_another_users_token_is_not_found(client, bearer):
    owner, other = UserFactory(), UserFactory()
    bearer(owner)
    their_token = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == owner.id))

    response = client.delete(f"{TOKENS}/{their_token}", headers=bearer(other))

    assert response.status_code == 404
    assert response.json["code"] == "token_not_found"
    assert db.session.get(ApiToken, their_token).revoked_at is None


def test_revoking_an_unknown_token_is_not_found(client, bearer):
    response = client.delete(f"{TOKENS}/999999", headers=bearer(UserFactory()))

    assert response.status_code == 404


def test_creating_a_token_requires_a_login(client):
    assert create_token(client).status_code == 401


# --- create-admin command ----------------------------------------------------

def test_create_admin_creates_an_admin_who_can_log_in(runner, auth):
    result = runner.invoke(args=["users", "create-admin", "Quan@Example.vn", "--password", "a long admin secret"])

    assert result.exit_code == 0, result.output
    admin = db.session.scalar(sa.select(User).where(User.email == "quan@example.vn"))
    assert admin.is_admin
    assert auth.login("quan@example.vn", password="a long admin secret").json["roles"]["admin"] is True


def test_create_admin_promotes_an_existing_account_and_keeps_its_password(runner, auth):
    UserFactory(email="ha@example.vn")

    result = runner.invoke(args=["users", "create-admin", "ha@example.vn", "--password", "ignored secret"])

    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert auth.login("ha@example.vn").json["roles"]["admin"] is True


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create-admin", "quan@example.vn", "--password", "short"])

    assert result.exit_code != 0
    assert db.session.scalar(sa.select(User).where(User.email == "quan@example.vn")) is None
