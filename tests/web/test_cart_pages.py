"""The cart page over the test client: add from the product page, lines by
producer with shipping, quantity changes and removal without JavaScript, stock
warnings, the empty cart, CSRF."""

import re

import pytest

from marketplace.extensions import db
from marketplace.orders import cart
from tests.factories import ProducerFactory, ProductFactory, VariantFactory
from marketplace.orders.models import CartLine
from tests.order_support import FEES, count
from tests.web.cart_support import HANOI, add_to_cart, csrf, log_in_shopper


@pytest.fixture
def shopper(client, auth):
    return log_in_shopper(client, auth)


def page(client, path="/gio-hang") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_product_page_has_an_add_to_cart_form_per_variant_in_stock(client, shopper):
    product = ProductFactory()
    VariantFactory(product=product, label="Hũ 1 kg", stock_quantity=0)
    html = page(client, f"/san-pham/{product.id}/{product.slug}")
    assert html.count(f'action="/gio-hang/them?san_pham={product.id}"') == 1  # the sold-out jar has none
    assert 'name="csrf_token"' in html and f'name="variant_id" value="{product.variants[0].id}"' in html


def test_adding_to_the_cart_redirects_to_the_cart_showing_the_line(client, shopper):
    variant = VariantFactory(price_vnd=180_000)
    response = add_to_cart(client, variant.id, 2)
    assert response.status_code == 303 and response.headers["Location"].endswith("/gio-hang")
    html = page(client)
    assert "Đã thêm vào giỏ hàng." in html
    assert variant.product.name in html and 'value="2"' in html and "360.000 ₫" in html


def test_adding_again_adds_to_what_the_cart_holds(client, shopper):
    variant = VariantFactory()
    token = csrf(client)
    add_to_cart(client, variant.id, 2, token)
    add_to_cart(client, variant.id, 1, token)
    assert cart.lines_of(shopper)[0].quantity == 3


def test_adding_past_the_line_maximum_says_so_and_keeps_the_line(client, shopper):
    variant = VariantFactory()
    cart.put(shopper, variant.id, 998)
    response = add_to_cart(client, variant.id, 5)
    assert response.status_code == 422
    assert "Giỏ hàng chứa tối đa 999 sản phẩm mỗi loại." in response.get_data(as_text=True)
    db.session.expire_all()
    assert cart.lines_of(shopper)[0].quantity == 998


def test_adding_without_the_csrf_token_is_refused_and_adds_nothing(client, shopper):
    variant = VariantFactory()
    response = client.post("/gio-hang/them", data={"variant_id": variant.id, "quantity": 1})
    assert response.status_code == 400
    assert cart.lines_of(shopper) == []


def test_an_anonymous_shopper_cannot_see_or_fill_a_cart(client):
    variant = VariantFactory()
    answers = [client.get("/gio-hang"), client.post(f"/gio-hang/them?san_pham={variant.product_id}", data={
        "variant_id": variant.id, "quantity": 1, "csrf_token": csrf_from_home(client)})]
    for answer in answers:  # to the login page, which brings them back
        assert answer.status_code in (302, 303) and "/dang-nhap?next=" in answer.headers["Location"]
    assert count(CartLine) == 0


def test_after_logging_in_the_shopper_is_back_on_the_product_to_add_it(client, shopper):
    variant = VariantFactory()
    response = client.get(f"/gio-hang/them?san_pham={variant.product_id}")  # the login page's return
    assert response.status_code == 302 and f"/san-pham/{variant.product_id}" in response.headers["Location"]


def csrf_from_home(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


def test_lines_are_grouped_by_producer_with_subtotal_shipping_and_grand_total(client, shopper):
    honey = VariantFactory(price_vnd=200_000, product__producer__name="HTX Mật ong Tủa Chùa")
    rice = VariantFactory(price_vnd=50_000, product__producer__name="HTX Gạo Mường Thanh")
    cart.put(shopper, honey.id, 2)
    cart.put(shopper, rice.id, 1)
    html = page(client, f"/gio-hang?tinh={HANOI}")  # Điện Biên → Hà Nội: another region
    first, second = html.index("HTX Mật ong Tủa Chùa"), html.index("HTX Gạo Mường Thanh")
    assert html.count('class="cart-part"') == 2 and first < second
    assert "400.000 ₫" in html and "50.000 ₫" in html
    assert html.count(f"{FEES['other_region']:,}".replace(",", ".") + " ₫") == 2
    assert "540.000 ₫" in html  # 400.000 + 50.000 + 2 × 45.000


def test_without_a_province_the_shipping_waits_for_the_address(client, shopper):
    cart.put(shopper, VariantFactory(price_vnd=100_000).id, 1)
    html = page(client)
    assert "Tính theo địa chỉ nhận" in html and 'name="tinh"' in html


def test_the_quantity_changes_without_javascript(client, shopper):
    variant = VariantFactory()
    cart.put(shopper, variant.id, 1)
    response = client.post(f"/gio-hang/{variant.id}", data={"quantity": 3, "csrf_token": csrf(client)})
    assert response.status_code == 303
    assert cart.lines_of(shopper)[0].quantity == 3


@pytest.mark.parametrize("typed", ["0", "1000", "hai", ""])
def test_a_bad_quantity_is_shown_beside_the_line_with_what_was_typed(client, shopper, typed):
    variant = VariantFactory()
    cart.put(shopper, variant.id, 2)
    response = client.post(f"/gio-hang/{variant.id}", data={"quantity": typed, "csrf_token": csrf(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="quantity-{variant.id}-error"' in html and 'aria-invalid="true"' in html
    assert f'name="quantity" value="{typed}"' in html
    assert re.search(r'class="field-error" id="quantity-\d+-error">(Nhập số lượng|Số lượng từ 1 đến 999)', html)
    db.session.expire_all()
    assert cart.lines_of(shopper)[0].quantity == 2


def test_removing_a_line_takes_it_out_and_a_second_click_is_harmless(client, shopper):
    variant = VariantFactory()
    cart.put(shopper, variant.id, 1)
    token = csrf(client)
    assert client.post(f"/gio-hang/{variant.id}/xoa", data={"csrf_token": token}).status_code == 303
    assert client.post(f"/gio-hang/{variant.id}/xoa", data={"csrf_token": token}).status_code == 303
    assert cart.lines_of(shopper) == []


def test_stock_warnings_say_what_is_wrong_with_each_line(client, shopper):
    short = VariantFactory(stock_quantity=5)
    sold_out = VariantFactory(stock_quantity=5)
    withdrawn = VariantFactory()
    for variant in (short, sold_out, withdrawn):
        cart.put(shopper, variant.id, 3 if variant is not short else 8)
    sold_out.stock_quantity = 0
    withdrawn.is_active = False
    db.session.commit()
    html = page(client)
    assert "Chỉ còn 5 sản phẩm. Hãy giảm số lượng." in html
    assert "Đã hết hàng. Hãy bỏ khỏi giỏ hàng." in html
    assert "Sản phẩm này đã ngừng bán. Hãy bỏ khỏi giỏ hàng." in html
    assert f'action="/gio-hang/{withdrawn.id}"' not in html  # no quantity to change, only removal
    assert f'action="/gio-hang/{withdrawn.id}/xoa"' in html


def test_an_empty_cart_says_so_and_links_to_search(client, shopper):
    html = page(client)
    assert "Giỏ hàng của bạn đang trống." in html and 'href="/tim-kiem"' in html
    assert 'href="/thanh-toan"' not in html


def test_the_header_links_to_the_cart(client, shopper):
    assert 'class="cart-link" href="/gio-hang" >' in page(client, "/")
    assert 'class="cart-link" href="/gio-hang" aria-current="page"' in page(client, "/gio-hang")


def test_the_cart_page_is_in_english_too(client, shopper):
    cart.put(shopper, VariantFactory().id, 1)
    html = client.get("/gio-hang", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Cart" in html and "Remove" in html
