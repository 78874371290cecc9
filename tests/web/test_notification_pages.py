"""/tai-khoan/thong-bao over the test client: the choices an account has, saving them, refusals."""

import pytest

from marketplace.extensions import db
from marketplace.notifications.preferences import preferences_of
from tests.factories import ProducerFactory, UserFactory, member_of
from tests.web.test_account_pages import html, log_in, submit

PAGE = "/tai-khoan/thong-bao"


@pytest.fixture
def lan(app, client):
    user = UserFactory(email="lan@example.vn", full_name="Nguyễn Thị Lan")
    assert log_in(client).status_code == 303
    return user


def test_a_shopper_chooses_among_the_shopper_mails_only_all_on_at_first(client, lan):
    page = html(client.get(PAGE))
    assert 'checked id="kinds-0" name="kinds" type="checkbox" value="order_placed"' in page
    assert page.count('name="kinds" type="checkbox"') == page.count('checked id="kinds-') == 5
    assert "new_sub_order" not in page and "password_changed" not in page  # security mail is not a choice
    assert 'href="/tai-khoan/thong-bao" aria-current="page"' in page


def test_a_producer_member_also_chooses_the_producer_mails(app, client):
    member_of(ProducerFactory(), email="lan@example.vn")
    db.session.commit()
    assert log_in(client).status_code == 303
    assert 'value="new_sub_order"' in html(client.get(PAGE))


def test_saving_switches_off_what_was_unticked_and_sets_the_mail_language(client, lan):
    response = submit(client, PAGE, {"kinds": ["order_placed", "refund_recorded"], "locale": "en"})
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    db.session.expire_all()
    choices = preferences_of(lan)
    assert choices["order_placed"] and choices["refund_recorded"] and not choices["sub_order_shipped"]
    assert lan.locale == "en"
    assert "Đã lưu lựa chọn thông báo." in html(client.get(PAGE))


def test_an_unknown_kind_or_language_is_refused_beside_the_field_and_nothing_is_saved(client, lan):
    response = submit(client, PAGE, {"kinds": ["order_placed", "password_changed"], "locale": "fr"})
    page = html(response)
    assert response.status_code == 422 and "error-summary" in page and page.count('class="field-error"') == 2
    db.session.expire_all()
    assert all(preferences_of(lan).values()) and lan.locale == "vi"


def test_the_page_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code in (302, 303) and "/dang-nhap?next=" in response.headers["Location"]
