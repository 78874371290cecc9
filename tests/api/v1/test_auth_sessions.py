"""Sessions are kept on the server: logging out, logging out everywhere and
changing the password end them, whatever copies of the cookies exist."""

from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import ApiToken, UserSession
from marketplace.database import utcnow
from marketplace.extensions import db
from tests.factories import PASSWORD, UserFactory

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
LOGOUT_EVERYWHERE = "/api/v1/auth/logout-everywhere"
PASSWORD_CHANGE = "/api/v1/auth/password"
ME = "/api/v1/auth/me"
NEW_PASSWORD = "a brand new passphrase"


def logged_in_client(app, email="ha@example.vn", password=PASSWORD, remember=False):
    client = app.test_client()
    response = client.post(LOGIN, json={"email": email, "password": password, "remember": remember})
    assert response.status_code == 200, response.json
    return client


def cookie(client, name):
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def client_with(app, **cookies):
    """A fresh client (another browser, or an attacker) holding copies of cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def sessions_of(user):
    return db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).all()


# --- logout ------------------------------------------------------------------

def test_a_copied_session_cookie_no_longer_works_after_logout(app):
    UserFactory(email="ha@example.vn")
    browser = logged_in_client(app)
    copy = client_with(app, session=cookie(browser, "session"))
    assert copy.get(ME).status_code == 200

    assert browser.post(LOGOUT).status_code == 204

    assert copy.get(ME).status_code == 401
    assert browser.get(ME).status_code == 401


def test_a_copied_remember_cookie_alone_no_longer_works_after_logout(app):
    UserFactory(email="ha@example.vn")
    browser = logged_in_client(app, remember=True)
    copy = client_with(app, remember_token=cookie(browser, "remember_token"))
    assert copy.get(ME).status_code == 200

    browser.post(LOGOUT)

    assert client_with(app, remember_token=cookie(copy, "remember_token")).get(ME).status_code == 401
    assert copy.get(ME).status_code == 401


def test_logging_out_one_browser_keeps_the_others_logged_in(app):
    UserFactory(email="ha@example.vn")
    phone, laptop = logged_in_client(app), logged_in_client(app)

    phone.post(LOGOUT)

    assert phone.get(ME).status_code == 401
    assert laptop.get(ME).status_code == 200


def test_a_cookie_from_before_server_side_sessions_logs_nobody_in(app):
    user = UserFactory(email="ha@example.vn")
    old_browser = app.test_client()
    with old_browser.session_transaction() as session:  # what Flask-Login used to store: the bare user id
        session["_user_id"] = str(user.id)
        session["_fresh"] = True

    assert old_browser.get(ME).status_code == 401


def test_an_expired_session_logs_nobody_in(app):
    UserFactory(email="ha@example.vn")
    browser = logged_in_client(app)
    db.session.execute(sa.update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    assert browser.get(ME).status_code == 401


def test_only_the_digest_of_the_session_secret_is_stored(app):
    user = UserFactory(email="ha@example.vn")
    logged_in_client(app)

    [stored] = sessions_of(user)

    assert len(stored.digest) == 64
    assert stored.expires_at > utcnow()


# --- logout everywhere -------------------------------------------------------

def test_logging_out_everywhere_ends_every_session_and_remember_cookie(app):
    user = UserFactory(email="ha@example.vn")
    phone, laptop = logged_in_client(app, remember=True), logged_in_client(app)
    remembered = client_with(app, remember_token=cookie(phone, "remember_token"))

    assert laptop.post(LOGOUT_EVERYWHERE).status_code == 204

    assert [c.get(ME).status_code for c in (phone, laptop, remembered)] == [401, 401, 401]
    assert sessions_of(user) == []


def test_logging_out_everywhere_keeps_bearer_tokens(app, bearer):
    user = UserFactory(email="ha@example.vn")
    headers = bearer(user)
    browser = logged_in_client(app)

    browser.post(LOGOUT_EVERYWHERE)

    assert app.test_client().get(ME, headers=headers).status_code == 200


def test_logging_out_everywhere_requires_a_login(client):
    assert client.post(LOGOUT_EVERYWHERE).status_code == 401


# --- password change ---------------------------------------------------------

def change_password(client, current=PASSWORD, new=NEW_PASSWORD, **extra):
    return client.post(PASSWORD_CHANGE, json={"current_password": current, "new_password": new, **extra})


def test_changing_the_password_ends_every_other_session_and_renews_this_one(app):
    UserFactory(email="ha@example.vn")
    here, elsewhere = logged_in_client(app), logged_in_client(app)
    old_copy_of_here = client_with(app, session=cookie(here, "session"))

    response = change_password(here)

    assert response.status_code == 200
    assert here.get(ME).status_code == 200
    assert elsewhere.get(ME).status_code == 401
    assert old_copy_of_here.get(ME).status_code == 401  # renewed: the old secret is dead too


def test_after_a_password_change_only_the_new_password_logs_in(app, auth):
    UserFactory(email="ha@example.vn")
    change_password(logged_in_client(app))

    assert auth.login("ha@example.vn").status_code == 401
    assert auth.login("ha@example.vn", password=NEW_PASSWORD).status_code == 200


def test_a_password_change_revokes_every_remember_cookie_but_renews_this_ones(app):
    UserFactory(email="ha@example.vn")
    here, elsewhere = logged_in_client(app, remember=True), logged_in_client(app, remember=True)
    old_remember_here = cookie(here, "remember_token")

    change_password(here)

    assert client_with(app, remember_token=old_remember_here).get(ME).status_code == 401
    assert client_with(app, remember_token=cookie(elsewhere, "remember_token")).get(ME).status_code == 401
    assert cookie(here, "remember_token") != old_remember_here
    assert client_with(app, remember_token=cookie(here, "remember_token")).get(ME).status_code == 200


def test_a_wrong_current_password_changes_nothing(app, auth):
    user = UserFactory(email="ha@example.vn")
    here, elsewhere = logged_in_client(app), logged_in_client(app)

    response = change_password(here, current="not my password")

    assert response.status_code == 422
    assert response.json["code"] == "wrong_password"
    assert "current_password" in response.json["errors"]["json"]
    assert [c.get(ME).status_code for c in (here, elsewhere)] == [200, 200]
    assert len(sessions_of(user)) == 2
    assert auth.login("ha@example.vn").status_code == 200


def test_guessing_the_current_password_is_throttled_like_a_login(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    UserFactory(email="ha@example.vn")
    here = logged_in_client(app)
    statuses = [change_password(here, current=f"guess {n}").status_code for n in range(3)]

    assert statuses == [422, 422, 429]
    assert change_password(here).status_code == 429


def test_a_new_password_under_ten_characters_is_refused(app):
    UserFactory(email="ha@example.vn")

    response = change_password(logged_in_client(app), new="short")

    assert response.status_code == 422
    assert "new_password" in response.json["errors"]["json"]


def test_a_password_change_keeps_bearer_tokens_unless_asked_to_revoke_them(app, bearer):
    user = UserFactory(email="ha@example.vn")
    kept, revoked = bearer(user), bearer(user)

    assert change_password(logged_in_client(app)).status_code == 200
    assert app.test_client().get(ME, headers=kept).status_code == 200

    response = change_password(logged_in_client(app, password=NEW_PASSWORD), current=NEW_PASSWORD,
                               new="a third passphrase", revoke_api_tokens=True)

    assert response.status_code == 200
    assert [app.test_client().get(ME, headers=h).status_code for h in (kept, revoked)] == [401, 401]
    assert all(t.revoked_at is not None for t in db.session.scalars(sa.select(ApiToken)))


def test_a_bearer_caller_changing_the_password_ends_every_session(app, bearer):
    user = UserFactory(email="ha@example.vn")
    browser = logged_in_client(app)

    response = app.test_client().post(PASSWORD_CHANGE, headers=bearer(user),
                                      json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert response.status_code == 200
    assert browser.get(ME).status_code == 401
    assert sessions_of(user) == []
