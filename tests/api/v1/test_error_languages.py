"""The API's error messages follow the request's language, as the pages do (the
switcher's choice, else Accept-Language, else Vietnamese); the codes never change."""

import pytest

from marketplace.errors import N_, translate_message
from marketplace.web.i18n import SESSION_KEY

VI = {"Accept-Language": "vi"}
EN = {"Accept-Language": "en"}


def both(client, method, path, **kwargs):
    vi = client.open(path, method=method, headers=VI, **kwargs)
    en = client.open(path, method=method, headers=EN, **kwargs)
    assert vi.status_code == en.status_code
    assert vi.json["code"] == en.json["code"]
    return vi.json, en.json


def test_a_named_domain_error_is_in_the_shoppers_language(client):
    vi, en = both(client, "GET", "/api/v1/storefronts/khong-co")
    assert vi["code"] == en["code"] == "storefront_not_found"
    assert en["message"] == "No such storefront."
    assert vi["message"] == "Không có gian hàng này."


def test_marshmallow_field_errors_are_translated_with_their_values(client):
    vi, en = both(client, "POST", "/api/v1/auth/register", json={"email": "khong-phai-email", "password": "x"})
    assert en["code"] == "validation_error"
    assert en["errors"]["json"]["email"] == ["Not a valid email address."]
    assert vi["errors"]["json"]["email"] == ["Địa chỉ email không hợp lệ."]
    assert vi["message"] == "Dữ liệu gửi lên không hợp lệ." and en["message"] == "The input is invalid."


def test_a_range_error_keeps_its_bounds_in_both_languages(client):
    vi, en = both(client, "GET", "/api/v1/catalog/search?page=0")
    assert en["errors"]["query"]["page"] == ["Must be greater than or equal to 1 and less than or equal to 500."]
    assert vi["errors"]["query"]["page"] == ["Phải lớn hơn hoặc bằng 1 và nhỏ hơn hoặc bằng 500."]


def test_a_missing_required_field_is_translated(client):
    vi, en = both(client, "POST", "/api/v1/auth/login", json={})
    assert en["errors"]["json"]["email"] == ["Missing data for required field."]
    assert vi["errors"]["json"]["email"] == ["Thiếu dữ liệu cho trường bắt buộc."]


def test_an_unknown_url_answers_404_in_both_languages(client):
    vi, en = both(client, "GET", "/api/v1/khong-co-gi")
    assert vi["code"] == "not_found"
    assert en["message"].startswith("The requested URL was not found")
    assert vi["message"].startswith("Không tìm thấy địa chỉ")


def test_401_is_translated(client):
    vi, en = both(client, "GET", "/api/v1/auth/me")
    assert vi["code"] == "authentication_required"
    assert en["message"] == "Log in or send a valid bearer token."
    assert vi["message"] == "Hãy đăng nhập hoặc gửi bearer token hợp lệ."


def test_without_accept_language_the_api_answers_in_vietnamese(app):
    raw = app.test_client()
    response = raw.get("/api/v1/storefronts/khong-co", headers={"Accept-Language": ""})
    assert response.json["message"] == "Không có gian hàng này."


def test_the_switchers_choice_beats_accept_language(client):
    with client.session_transaction() as session:
        session[SESSION_KEY] = "en"
    response = client.get("/api/v1/storefronts/khong-co", headers=VI)
    assert response.json["message"] == "No such storefront."


@pytest.mark.usefixtures("app")
def test_data_that_only_looks_like_text_is_left_alone(app):
    template = N_("Only {left} left.", left=2)
    with app.test_request_context(headers=VI):
        assert translate_message(template) == "Chỉ còn 2."
        assert translate_message("Mật ong hoa ban") == "Mật ong hoa ban"  # a product name, not a message
        assert translate_message(42) == 42
