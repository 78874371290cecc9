"""The checkout page over the test client: the address (new or saved), the
payment methods on offer, errors beside fields with what was typed, CSRF, a
double submit placing one order, the price-change page, stock refusals."""

import re

import pytest

from marketplace.extensions import db
from marketplace.orders import addresses, cart
from marketplace.orders.models import Order
from tests.factories import UserFactory, VariantFactory
from tests.order_support import count
from tests.web.cart_support import HANOI, HANOI_WARD, checkout_form, log_in_shopper, new_address


@pytest.fixture
def shopper(client, auth):
    return log_in_shopper(client, auth)


@pytest.fixture
def honey(shopper):
    variant = VariantFactory(price_vnd=200_000, stock_quantity=10)
    cart.put(shopper, variant.id, 2)
    return variant


def hidden_fields(html: str) -> dict:
    """The hidden inputs of the checkout page's forms, whatever their attributes' order."""
    fields = {}
    for tag in re.findall(r'<input[^>]*type="hidden"[^>]*>', html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name.group(1) != "next":  # the language switcher's
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def place(client, **fields):
    return client.post("/thanh-toan", data={**checkout_form(client), **new_address(**fields)})


def test_the_form_offers_province_selects_payment_methods_and_a_fresh_key(client, honey):
    html = client.get("/thanh-toan").get_data(as_text=True)
    assert 'name="province_code"' in html and 'name="ward_code"' in html and re.search(rf'<option value="{HANOI}"\s*>Hà Nội</option>', html)
    assert 'value="cod"' in html and 'value="bank_transfer"' in html
    assert 'value="card"' not in html  # Stripe is not configured in these tests
    assert "Thanh toán khi nhận hàng (COD)" in html and "Chuyển khoản ngân hàng" in html
    assert checkout_form(client)["idempotency_key"] != checkout_form(client)["idempotency_key"]


def test_an_empty_cart_sends_the_shopper_back_to_the_cart(client, shopper):
    response = client.get("/thanh-toan")
    assert response.status_code == 303 and response.headers["Location"].endswith("/gio-hang")


def test_cash_on_delivery_places_the_order_and_redirects_to_it(client, shopper, honey):
    response = place(client)
    order = db.session.query(Order).one()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/don-hang/{order.id}")
    assert order.phone == "+84912345678" and order.ward_code == HANOI_WARD
    assert cart.lines_of(shopper) == []


def test_bank_transfer_goes_to_the_order_page_too(client, honey):
    response = place(client, payment_method="bank_transfer")
    order = db.session.query(Order).one()
    assert response.headers["Location"].endswith(f"/don-hang/{order.id}") and order.transfer_reference


def test_a_double_submit_places_one_order(client, honey):
    data = {**checkout_form(client), **new_address()}
    first, second = client.post("/thanh-toan", data=data), client.post("/thanh-toan", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Order) == 1


def test_without_the_csrf_token_no_order_is_placed(client, honey):
    data = {**checkout_form(client), **new_address()}
    del data["csrf_token"]
    assert client.post("/thanh-toan", data=data).status_code == 400
    assert count(Order) == 0


def test_errors_show_beside_each_field_and_in_a_summary_with_what_was_typed(client, honey):
    response = place(client, recipient_name="", phone="12345", ward_code="", street_address="Ngõ 5",
                     payment_method="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count(Order) == 0
    assert 'class="error-summary"' in html
    for field in ("recipient_name", "phone", "ward_code", "payment_method"):
        assert f'id="{field}-error"' in html and f'href="#{field}"' in html
    assert "Số điện thoại Việt Nam chưa đúng" in html
    assert 'value="12345"' in html and 'value="Ngõ 5"' in html
    assert f'<option value="{HANOI}" selected>' in html  # the province stays chosen


def test_a_ward_of_another_province_is_refused(client, honey):
    response = place(client, ward_code=3356)  # Sam Mứn, in Điện Biên
    assert response.status_code == 422 and 'id="ward_code-error"' in response.get_data(as_text=True)


def test_choosing_the_province_without_javascript_lists_its_wards_and_fees(client, honey):
    data = {**checkout_form(client), "address_choice": "new", "province_code": HANOI, "choose_province": "1"}
    response = client.post("/thanh-toan", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count(Order) == 0
    assert f'<option value="{HANOI_WARD}"' in html and 'class="field-error"' not in html
    assert "45.000 ₫" in html  # Điện Biên → Hà Nội


def test_the_wards_are_listed_by_name_whether_phuong_or_xa(client, honey):
    data = {**checkout_form(client), "address_choice": "new", "province_code": HANOI, "choose_province": "1"}
    html = client.post("/thanh-toan", data=data).get_data(as_text=True)
    select = re.search(r'<select id="ward_code".*?</select>', html, re.S).group(0)
    names = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
    assert len(names) > 100 and {"Phường Ba Đình", "Xã Ba Vì"} <= set(names)
    assert names.index("Phường Ba Đình") < names.index("Xã Ba Vì") < names.index("Phường Hoàn Kiếm")


def test_the_page_tells_wards_js_where_to_fetch_the_wards_and_what_to_hide(client, honey):
    html = client.get("/thanh-toan").get_data(as_text=True)
    assert 'data-wards-select="ward_code"' in html
    assert 'data-wards-url="/api/v1/regions/provinces/{code}/wards"' in html
    assert re.search(r'id="choose-province" data-wards-fallback>', html)
    assert re.search(r'id="province-hint" data-wards-fallback>', html)
    assert '<script src="/static/wards.js" defer' in html and '<script src="/static/checkout.js" defer' in html


def test_a_saved_address_can_be_chosen_instead(client, shopper, honey):
    saved = addresses.add_address(shopper, {"label": "Nhà", "recipient_name": "Trần Thu Hà",
                                            "phone": "+84912345678", "province_code": HANOI,
                                            "ward_code": HANOI_WARD, "street_address": "12 Hàng Bạc"})
    html = client.get("/thanh-toan").get_data(as_text=True)
    assert re.search(rf'value="{saved.id}"[^>]*\s+checked>', html)  # the default address is ticked
    assert "45.000 ₫" in html  # and the shipping to it shown
    response = client.post("/thanh-toan", data={**checkout_form(client), "address_choice": saved.id,
                                                "payment_method": "cod"})
    assert response.status_code == 303
    assert db.session.query(Order).one().street_address == "12 Hàng Bạc"


def test_someone_elses_saved_address_is_refused(client, honey):
    other = UserFactory()
    theirs = addresses.add_address(other, {"recipient_name": "Người khác", "phone": "+84912345679",
                                           "province_code": HANOI, "ward_code": HANOI_WARD,
                                           "street_address": "1 Tràng Tiền"})
    response = client.post("/thanh-toan", data={**checkout_form(client), "address_choice": theirs.id,
                                                "payment_method": "cod"})
    assert response.status_code == 422 and count(Order) == 0
    assert "Đây không phải địa chỉ đã lưu của bạn." in response.get_data(as_text=True)


def test_card_is_refused_while_stripe_is_not_configured(client, honey):
    response = place(client, payment_method="card")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count(Order) == 0
    assert 'id="payment_method-error">Hiện chưa thanh toán được bằng thẻ; hãy chọn cách khác.' in html


@pytest.mark.parametrize("method", ["bitcoin", ""])
def test_an_unknown_payment_method_is_refused_in_words(client, honey, method):
    response = place(client, payment_method=method)
    assert response.status_code == 422 and count(Order) == 0
    assert 'id="payment_method-error">Chọn cách thanh toán.' in response.get_data(as_text=True)


def test_a_form_without_its_key_gets_a_new_one_and_places_nothing(client, honey):
    data = {**checkout_form(client), **new_address()}
    del data["idempotency_key"]
    response = client.post("/thanh-toan", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count(Order) == 0
    assert "Biểu mẫu đã cũ." in html and hidden_fields(html)["idempotency_key"]


def test_a_name_too_long_is_refused_with_the_limit(client, honey):
    response = place(client, recipient_name="Hà" * 61)
    assert response.status_code == 422 and "Tối đa 120 ký tự." in response.get_data(as_text=True)


def test_a_price_change_shows_old_and_new_prices_and_continuing_places_the_order(client, honey):
    form = checkout_form(client)
    honey.price_vnd = 230_000
    db.session.commit()
    response = client.post("/thanh-toan", data={**form, **new_address()})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and count(Order) == 0
    assert "Giá đã thay đổi" in html and "200.000 ₫" in html and "230.000 ₫" in html
    assert "Đặt hàng với giá mới" in html
    again = client.post("/thanh-toan", data=hidden_fields(html))  # the page's button re-sends the form
    assert again.status_code == 303
    assert db.session.query(Order).one().items_total_vnd == 460_000


def test_too_little_stock_sends_the_shopper_back_to_the_cart_with_a_message(client, honey):
    form = checkout_form(client)
    honey.stock_quantity = 1
    db.session.commit()
    response = client.post("/thanh-toan", data={**form, **new_address()})
    assert response.status_code == 303 and response.headers["Location"].endswith("/gio-hang")
    html = client.get("/gio-hang").get_data(as_text=True)
    assert "không còn đủ số lượng" in html and "Chỉ còn 1 sản phẩm" in html
    assert count(Order) == 0


def test_the_checkout_page_is_in_english_too(client, honey):
    html = client.get("/thanh-toan", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    for words in ("Delivery address", "Cash on delivery", "Bank transfer", "Place order", "Your order"):
        assert words in html


def test_the_same_form_sent_again_with_other_choices_asks_to_check_and_gets_a_new_key(client, shopper, honey):
    form = checkout_form(client)
    assert client.post("/thanh-toan", data={**form, **new_address()}).status_code == 303
    cart.put(shopper, honey.id, 1)  # shopping on, then the back button and the old form
    response = client.post("/thanh-toan", data={**form, **new_address(payment_method="bank_transfer")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count(Order) == 1
    assert "Biểu mẫu này đã được dùng để đặt một đơn hàng khác." in html
    assert form["idempotency_key"] not in html
    assert client.post("/thanh-toan", data={**hidden_fields(html), **new_address(payment_method="bank_transfer")}
                       ).status_code == 303
    assert count(Order) == 2


def test_the_checkout_page_warns_of_lines_with_stock_problems(client, shopper, honey):
    honey.stock_quantity = 1
    db.session.commit()
    html = client.get("/thanh-toan").get_data(as_text=True)
    assert "Một số sản phẩm có cảnh báo bên dưới." in html and "Chỉ còn 1 sản phẩm" in html
