"""The account pages over the test client: register, log in and out, forgotten
and changed passwords, the profile; and every way they refuse."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import PasswordResetToken, User
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.mail.models import OutboundMail
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "một mật khẩu mới dài"


def csrf_of(client, path="/dang-nhap") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def submit(client, path, data, form_path=None):
    """POST a page's form as a browser would: with the CSRF token the page carries."""
    return client.post(path, data={"csrf_token": csrf_of(client, form_path or path), **data})


def log_in(client, email="lan@example.vn", password=PASSWORD, **extra):
    return submit(client, "/dang-nhap", {"email": email, "password": password, **extra})


def me(client):
    return client.get("/api/v1/auth/me")


def html(response) -> str:
    return response.get_data(as_text=True)


def reset_link(app) -> str:
    mail = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.kind == "password_reset")
                              .order_by(OutboundMail.id.desc())).first()
    return re.search(r"https?://[^/\s]+(/dat-lai-mat-khau/[\w-]+)", mail.body_text).group(1)


@pytest.fixture
def lan(app):
    return UserFactory(email="lan@example.vn", full_name="Nguyễn Thị Lan")


# --- register ---------------------------------------------------------------

def test_registering_opens_an_account_logs_in_and_shows_the_account_page(client, app):
    response = submit(client, "/dang-ky", {"full_name": "Lò Văn Pọm", "email": "Pom@Example.vn",
                                          "phone": "0912 345 678", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 303 and response.headers["Location"] == "/tai-khoan"
    assert me(client).json["email"] == "pom@example.vn" and me(client).json["phone"] == "+84912345678"
    page = html(client.get("/tai-khoan"))
    assert 'value="Lò Văn Pọm"' in page and "0912 345 678" in page


def test_registering_with_a_taken_email_says_so_beside_the_email_and_keeps_what_was_typed(client, lan):
    response = submit(client, "/dang-ky", {"full_name": "Lan khác", "email": "LAN@example.vn", "phone": "",
                                          "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    page = html(response)
    assert response.status_code == 422
    assert "Email này đã có tài khoản" in page and 'href="#email"' in page  # beside the field and in the summary
    assert 'value="Lan khác"' in page and 'value="LAN@example.vn"' in page
    assert NEW_PASSWORD not in page  # passwords are never sent back
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_registering_with_bad_input_lists_every_mistake_and_saves_nothing(client, app):
    response = submit(client, "/dang-ky", {"full_name": "", "email": "not-an-email", "phone": "12345",
                                          "password": "short", "confirm": "different"})

    page = html(response)
    assert response.status_code == 422
    for message in ("Vui lòng điền mục này.", "Email chưa đúng", "Số điện thoại Việt Nam chưa đúng",
                    "Mật khẩu cần từ 10 đến 128 ký tự.", "Hai mật khẩu chưa khớp."):
        assert message in page, message
    assert 'aria-invalid="true"' in page and 'value="not-an-email"' in page and 'value="12345"' in page
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_a_post_without_the_csrf_token_is_refused(client, app):
    response = client.post("/dang-ky", data={"full_name": "X", "email": "x@example.vn", "password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD})

    assert response.status_code == 400
    assert "phiên đã hết hạn" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


# --- log in and out ---------------------------------------------------------

def test_logging_in_on_the_page_is_an_api_login_and_returns_to_next(client, lan):
    response = log_in(client, next="/tim-kiem?q=mat+ong")

    assert response.status_code == 303 and response.headers["Location"] == "/tim-kiem?q=mat+ong"
    assert me(client).json["email"] == "lan@example.vn"


def test_remember_me_sets_the_remember_cookie(client, lan):
    log_in(client, remember="y")

    assert client.get_cookie("remember_token") is not None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_next_cannot_send_the_shopper_to_another_site(client, lan, target):
    response = log_in(client, next=target)

    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_wrong_password_says_only_that_email_or_password_is_wrong(client, lan):
    wrong = log_in(client, password="not the password")
    unknown = log_in(client, email="nobody@example.vn", password="not the password")

    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "Email hoặc mật khẩu không đúng." in html(response)
        assert "not the password" not in html(response)
    assert 'value="nobody@example.vn"' in html(unknown)
    assert html(wrong).replace("lan@example.vn", "nobody@example.vn").count("không đúng") == \
        html(unknown).count("không đúng")
    assert me(client).status_code == 401


def test_too_many_wrong_passwords_are_throttled_with_a_message_on_the_form(client, lan, app):
    for _ in range(app.config.get("LOGIN_MAX_FAILURES", 5) + 5):
        response = log_in(client, password="not the password")
        if "quá nhiều lần" in html(response):
            break

    assert response.status_code == 422 and "Bạn đã thử quá nhiều lần" in html(response)
    assert log_in(client).status_code == 422  # even the right password waits


def test_logging_out_ends_the_session(client, lan):
    log_in(client)

    response = submit(client, "/dang-xuat", {}, form_path="/tai-khoan")

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert me(client).status_code == 401


def test_the_header_offers_log_in_to_a_visitor_and_account_and_log_out_to_a_shopper(client, lan):
    visitor = html(client.get("/tim-kiem?q=gao"))
    assert 'href="/dang-nhap?next=/tim-kiem?q%3Dgao"' in visitor  # back to these results after logging in
    assert "Đăng xuất" not in visitor

    log_in(client)
    shopper = html(client.get("/"))
    assert 'href="/tai-khoan"' in shopper and 'href="/don-hang"' in shopper
    assert 'action="/dang-xuat"' in shopper and ">Đăng nhập<" not in shopper


# --- login required ---------------------------------------------------------

def test_an_account_page_reached_anonymously_redirects_to_login_with_next(client, app):
    response = client.get("/tai-khoan/mat-khau?tab=1")

    assert response.status_code == 302
    assert response.headers["Location"] == "/dang-nhap?next=/tai-khoan/mat-khau?tab%3D1"


def test_a_post_reached_anonymously_redirects_with_303(client, app):
    response = submit(client, "/tai-khoan", {"full_name": "X"}, form_path="/dang-nhap")

    assert response.status_code == 303 and response.headers["Location"].startswith("/dang-nhap?next=/tai-khoan")


def test_a_form_posted_anonymously_to_a_post_only_path_comes_back_to_the_page_that_had_it(client, app):
    token = csrf_of(client, "/dang-nhap")
    page = "http://localhost/don-hang/7?tab=1"

    from_page = client.post("/don-hang/7/huy", data={"csrf_token": token}, headers={"Referer": page})
    from_elsewhere = client.post("/don-hang/7/huy", data={"csrf_token": token},
                                 headers={"Referer": "https://evil.example/don-hang/7"})

    assert from_page.status_code == 303
    assert from_page.headers["Location"] == "/dang-nhap?next=/don-hang/7?tab%3D1"
    assert from_elsewhere.headers["Location"] == "/dang-nhap"


def test_the_api_still_answers_401_in_json(client, app):
    response = client.get("/api/v1/auth/me")

    assert response.status_code == 401 and response.json["code"] == "authentication_required"


def test_after_logging_in_the_shopper_is_back_on_the_page_they_wanted(client, lan):
    login_url = client.get("/tai-khoan/dia-chi").headers["Location"]
    form = html(client.get(login_url))
    assert 'name="next" type="hidden" value="/tai-khoan/dia-chi"' in form

    response = log_in(client, next="/tai-khoan/dia-chi")

    assert response.headers["Location"] == "/tai-khoan/dia-chi"
    assert client.get("/tai-khoan/dia-chi").status_code == 200


# --- forgotten password -----------------------------------------------------

_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


def test_asking_for_a_reset_answers_the_same_whether_or_not_the_account_exists(client, lan):
    known = submit(client, "/quen-mat-khau", {"email": "lan@example.vn"})
    unknown = submit(client, "/quen-mat-khau", {"email": "nobody@example.vn"})

    assert known.status_code == unknown.status_code == 200
    # The CSP nonce, and the CSRF tokens (signed with the second they were made), differ between any two answers.
    same = [_TOKEN.sub(r'\1"', re.sub(r'nonce="[^"]+"', "", html(r))).replace(email, "X")
            for r, email in ((known, "lan@example.vn"), (unknown, "nobody@example.vn"))]
    assert same[0] == same[1] and "Kiểm tra hộp thư" in same[0]
    assert db.session.scalar(sa.select(sa.func.count(OutboundMail.id))) == 1


def test_the_mailed_link_opens_the_page_that_sets_a_new_password_once(client, app, lan):
    submit(client, "/quen-mat-khau", {"email": "lan@example.vn"})
    link = reset_link(app)

    assert client.get(link).status_code == 200
    response = submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/dang-nhap"
    assert "Đã đặt mật khẩu mới" in html(client.get("/dang-nhap"))
    assert log_in(client, password=PASSWORD).status_code == 422
    assert log_in(client, password=NEW_PASSWORD).status_code == 303

    used = client.get(link)
    assert used.status_code == 410 and "Liên kết không còn dùng được" in html(used)


def test_an_expired_link_says_so_and_offers_a_new_one(client, app, lan):
    submit(client, "/quen-mat-khau", {"email": "lan@example.vn"})
    link = reset_link(app)
    db.session.execute(sa.update(PasswordResetToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()

    page = client.get(link)
    assert page.status_code == 410 and 'href="/quen-mat-khau"' in html(page)
    posted = submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, form_path="/quen-mat-khau")
    assert posted.status_code == 422 and "Liên kết không còn dùng được" in html(posted)
    assert log_in(client, password=NEW_PASSWORD).status_code == 422


def test_a_made_up_link_is_refused(client, app):
    assert client.get("/dat-lai-mat-khau/not-a-real-token-at-all").status_code == 410


def test_a_new_password_that_does_not_match_is_asked_again(client, app, lan):
    submit(client, "/quen-mat-khau", {"email": "lan@example.vn"})
    link = reset_link(app)

    response = submit(client, link, {"password": NEW_PASSWORD, "confirm": "something else"})

    assert response.status_code == 422 and "Hai mật khẩu chưa khớp." in html(response)
    assert client.get(link).status_code == 200  # the link still works


# --- profile and password ---------------------------------------------------

def test_the_profile_edits_name_and_phone_and_an_empty_phone_clears_it(client, lan):
    log_in(client)

    saved = submit(client, "/tai-khoan", {"full_name": "Nguyễn Lan", "phone": "0987654321"})
    assert saved.status_code == 303 and "Đã lưu thông tin tài khoản." in html(client.get("/tai-khoan"))
    assert me(client).json["full_name"] == "Nguyễn Lan" and me(client).json["phone"] == "+84987654321"

    submit(client, "/tai-khoan", {"full_name": "Nguyễn Lan", "phone": ""})
    assert me(client).json["phone"] is None


def test_a_bad_phone_on_the_profile_is_shown_beside_it_and_nothing_changes(client, lan):
    log_in(client)

    response = submit(client, "/tai-khoan", {"full_name": "Tên mới", "phone": "999"})

    assert response.status_code == 422 and "Số điện thoại Việt Nam chưa đúng" in html(response)
    assert 'value="Tên mới"' in html(response)
    assert me(client).json["full_name"] == "Nguyễn Thị Lan"


def test_changing_the_password_keeps_this_browser_logged_in_and_ends_the_others(client, app, lan):
    other = app.test_client()
    log_in(other)
    log_in(client)

    response = submit(client, "/tai-khoan/mat-khau", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD})

    assert response.status_code == 303 and response.headers["Location"] == "/tai-khoan"
    assert me(client).status_code == 200
    assert me(other).status_code == 401
    assert log_in(app.test_client(), password=NEW_PASSWORD).status_code == 303


def test_changing_the_password_with_a_wrong_current_one_says_so_beside_it(client, lan):
    log_in(client)

    response = submit(client, "/tai-khoan/mat-khau", {"current_password": "not it", "password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD})

    assert response.status_code == 422 and "Mật khẩu hiện tại không đúng." in html(response)
    assert "not it" not in html(response)
    assert log_in(client, password=PASSWORD).status_code == 303


def test_the_login_link_on_a_reset_page_carries_no_next_so_the_token_stays_out_of_urls(client, app, lan):
    submit(client, "/quen-mat-khau", {"email": "lan@example.vn"})
    link = reset_link(app)

    page = html(client.get(link))

    assert 'href="/dang-nhap"' in page and "/dang-nhap?next=" not in page


def test_the_account_pages_speak_english_too(client, lan):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    assert "Log in" in html(client.get("/dang-nhap"))
    assert "Create an account" in html(client.get("/dang-ky"))
    response = log_in(client, password="not the password")
    assert "The email or password is wrong." in html(response)
