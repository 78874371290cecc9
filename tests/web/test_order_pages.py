"""The shopper's order pages over the test client: an order (its confirmation),
my orders, and card payment; who may see them, and the cancel and
confirm-received forms, which the services decide."""

import re

import pytest

from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.orders.lifecycle import SubOrderStatus
from marketplace.orders.models import Order
from tests.factories import ProductFactory, UserFactory, member_of
from tests.order_support import place_order, see_other_commits


@pytest.fixture
def honey():
    return ProductFactory(name="Mật ong hoa ban")


@pytest.fixture
def tea():
    return ProductFactory(name="Trà Shan tuyết")


@pytest.fixture
def logged_in(client, auth, shopper):
    assert auth.login(shopper.email).status_code == 200
    return client


def theirs_placed(app, bearer, *lines, **body) -> dict:
    """Another shopper's order, placed from a client of its own (a session cookie outranks a bearer token)."""
    return place_order(app.test_client(), bearer(UserFactory()), *lines, **body)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def token_from(client, order_id: int) -> str:
    found = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"',
                      html_of(client.get(f"/don-hang/{order_id}")))
    return found.group(1)


def order_row(order_id: int) -> Order:
    see_other_commits()
    return db.session.get(Order, order_id)


def ship(part, producer_user, tracking="VTP00012345"):
    fulfilment.ship(part.producer_id, part.id, producer_user.id, "Viettel Post", tracking)


def deliver(part, producer_user):
    cash = part.total_vnd if part.order.payment.method.value == "cod" else None
    fulfilment.deliver(part.producer_id, part.id, producer_user.id, cash)


# --- who may see an order --------------------------------------------------------------------

def test_my_orders_needs_a_logged_in_shopper(client):
    response = client.get("/don-hang")
    assert response.status_code in (302, 303, 401)
    if response.status_code != 401:  # a login page, returning here afterwards
        assert "don-hang" in response.headers["Location"]


def test_an_order_page_needs_a_logged_in_shopper(client, as_shopper, honey):
    order = place_order(client, as_shopper, honey.variants[0].id)
    response = client.get(f"/don-hang/{order['id']}")
    assert response.status_code in (302, 303, 401)
    assert order["number"] not in html_of(response)


def test_another_shoppers_order_is_not_found(app, logged_in, bearer, honey):
    theirs = theirs_placed(app, bearer, honey.variants[0].id)

    response = logged_in.get(f"/don-hang/{theirs['id']}")

    assert response.status_code == 404
    assert theirs["number"] not in html_of(response)
    assert logged_in.get(f"/don-hang/{theirs['id']}/thanh-toan-the").status_code == 404


def test_another_shoppers_order_cannot_be_cancelled_from_a_page(app, logged_in, bearer, as_shopper, honey):
    mine = place_order(logged_in, as_shopper, honey.variants[0].id)
    theirs = theirs_placed(app, bearer, honey.variants[0].id)
    token = token_from(logged_in, mine["id"])

    response = logged_in.post(f"/don-hang/{theirs['id']}/huy", data={"csrf_token": token, "reason": ""})

    assert response.status_code == 404
    assert order_row(theirs["id"]).sub_orders[0].status is SubOrderStatus.CONFIRMED


# --- the order page ----------------------------------------------------------------------------

def test_the_order_page_shows_each_producers_part_with_items_fees_and_totals(logged_in, as_shopper, honey, tea):
    order = place_order(logged_in, as_shopper, (honey.variants[0].id, 2), tea.variants[0].id)

    html = html_of(logged_in.get(f"/don-hang/{order['id']}"))

    assert f"Đơn hàng {order['number']}" in html
    placed = order["created_at"]  # +07:00, as the API shows it
    assert f"{placed[8:10]}/{placed[5:7]}/{placed[:4]} {placed[11:16]}" in html
    assert honey.producer.name in html and tea.producer.name in html
    assert "Mật ong hoa ban" in html and "Trà Shan tuyết" in html
    assert "2 × 250.000 ₫" in html and "500.000 ₫" in html
    assert html.count(">45.000 ₫<") == 2  # each part's shipping fee (Điện Biên to Hà Nội)
    assert ">545.000 ₫<" in html and ">295.000 ₫<" in html  # each part's total
    assert ">90.000 ₫<" in html and ">840.000 ₫<" in html  # the order's shipping and total
    assert html.count('class="status status-confirmed">Đã xác nhận<') == 2  # each part, translated
    assert "Thanh toán khi nhận hàng (COD)" in html
    assert "Trần Thu Hà" in html and "12 Hàng Bạc" in html and "0912 345 678" in html


def test_the_order_page_is_in_english_for_an_english_browser(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)

    html = html_of(logged_in.get(f"/don-hang/{order['id']}", headers={"Accept-Language": "en"}))

    assert f"Order {order['number']}" in html and "Cash on delivery" in html and "Confirmed" in html


def test_a_bank_transfer_order_lays_out_the_account_amount_and_reference(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="bank_transfer")
    reference = order["payment"]["bank_transfer"]["reference"]

    html = html_of(logged_in.get(f"/don-hang/{order['id']}"))

    details = re.search(r'<dl class="bank-details">(.*?)</dl>', html, re.S).group(1)
    terms = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", details))
    assert terms["Ngân hàng"] == "Vietcombank"
    assert "0011004455667" in terms["Số tài khoản"] and "CONG TY OCOP MARKETPLACE" in terms["Chủ tài khoản"]
    assert "295.000 ₫" in terms["Số tiền"] and reference in terms["Nội dung chuyển khoản"]
    assert "Chưa thanh toán" in html


def test_a_cash_on_delivery_order_shows_no_bank_details(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)

    html = html_of(logged_in.get(f"/don-hang/{order['id']}"))

    assert "bank-details" not in html and "Số tài khoản" not in html


def test_a_shipped_part_shows_its_carrier_and_tracking_number(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)
    producer_user = member_of(honey.producer)
    ship(order_row(order["id"]).sub_orders[0], producer_user, "VTP99887766")

    html = html_of(logged_in.get(f"/don-hang/{order['id']}"))

    assert "Viettel Post" in html and "VTP99887766" in html and "Đang giao" in html


# --- cancelling --------------------------------------------------------------------------------

def test_a_shopper_cancels_an_order_not_yet_shipped(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)
    page = html_of(logged_in.get(f"/don-hang/{order['id']}"))
    assert f'action="/don-hang/{order["id"]}/huy"' in page
    token = token_from(logged_in, order["id"])

    response = logged_in.post(f"/don-hang/{order['id']}/huy", data={"csrf_token": token, "reason": "Đặt nhầm"})

    assert response.status_code == 303 and response.headers["Location"].endswith(f"/don-hang/{order['id']}")
    assert order_row(order["id"]).sub_orders[0].status is SubOrderStatus.CANCELLED
    assert order_row(order["id"]).sub_orders[0].cancel_reason == "Đặt nhầm"
    after = html_of(logged_in.get(f"/don-hang/{order['id']}"))
    assert "Đơn hàng đã được huỷ." in after and "/huy" not in after  # said once; no button any more


def test_cancelling_without_the_csrf_token_is_refused_and_changes_nothing(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)

    response = logged_in.post(f"/don-hang/{order['id']}/huy", data={"reason": ""})

    assert response.status_code == 400
    assert order_row(order["id"]).sub_orders[0].status is SubOrderStatus.CONFIRMED


def test_a_too_long_reason_comes_back_beside_the_field_with_what_was_typed(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)
    reason = "quá dài " * 70

    response = logged_in.post(f"/don-hang/{order['id']}/huy",
                              data={"csrf_token": token_from(logged_in, order["id"]), "reason": reason})

    html = html_of(response)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and html.count("Lý do dài tối đa 500 ký tự.") == 2
    assert reason.strip() in html and 'aria-invalid="true"' in html
    assert order_row(order["id"]).sub_orders[0].status is SubOrderStatus.CONFIRMED


def test_a_shipped_order_offers_no_cancel_and_the_service_refuses_one_anyway(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)
    token = token_from(logged_in, order["id"])
    ship(order_row(order["id"]).sub_orders[0], member_of(honey.producer))

    assert f"/don-hang/{order['id']}/huy" not in html_of(logged_in.get(f"/don-hang/{order['id']}"))
    response = logged_in.post(f"/don-hang/{order['id']}/huy", data={"csrf_token": token, "reason": ""})

    assert response.status_code == 409 and "không thể huỷ" in html_of(response)
    assert order_row(order["id"]).sub_orders[0].status is SubOrderStatus.SHIPPED


def test_with_one_part_shipped_cancelling_cancels_only_the_other(logged_in, as_shopper, honey, tea):
    order = place_order(logged_in, as_shopper, honey.variants[0].id, tea.variants[0].id)
    honey_part, tea_part = order_row(order["id"]).sub_orders
    ship(honey_part, member_of(honey.producer))

    page = html_of(logged_in.get(f"/don-hang/{order['id']}"))
    assert "Huỷ các phần chưa gửi" in page
    logged_in.post(f"/don-hang/{order['id']}/huy", data={"csrf_token": token_from(logged_in, order["id"])})

    statuses = [part.status for part in order_row(order["id"]).sub_orders]
    assert statuses == [SubOrderStatus.SHIPPED, SubOrderStatus.CANCELLED]


# --- confirming receipt ------------------------------------------------------------------------

def test_a_delivered_part_can_be_confirmed_received(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)
    producer_user = member_of(honey.producer)
    part = order_row(order["id"]).sub_orders[0]
    confirm_url = f"/don-hang/{order['id']}/phan/{part.id}/da-nhan"
    ship(part, producer_user)
    assert confirm_url not in html_of(logged_in.get(f"/don-hang/{order['id']}"))  # shipped, not delivered
    deliver(order_row(order["id"]).sub_orders[0], producer_user)
    assert confirm_url in html_of(logged_in.get(f"/don-hang/{order['id']}"))

    response = logged_in.post(confirm_url, data={"csrf_token": token_from(logged_in, order["id"])})

    assert response.status_code == 303
    assert order_row(order["id"]).sub_orders[0].status is SubOrderStatus.COMPLETED
    html = html_of(logged_in.get(f"/don-hang/{order['id']}"))
    assert "Hoàn tất" in html and confirm_url not in html


def test_confirming_a_part_not_delivered_is_refused(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)
    part = order_row(order["id"]).sub_orders[0]

    response = logged_in.post(f"/don-hang/{order['id']}/phan/{part.id}/da-nhan",
                              data={"csrf_token": token_from(logged_in, order["id"])})

    assert response.status_code == 409
    assert order_row(order["id"]).sub_orders[0].status is SubOrderStatus.CONFIRMED


def test_confirming_without_the_csrf_token_is_refused(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)
    part = order_row(order["id"]).sub_orders[0]
    ship(part, member_of(honey.producer))
    deliver(order_row(order["id"]).sub_orders[0], member_of(honey.producer))

    response = logged_in.post(f"/don-hang/{order['id']}/phan/{part.id}/da-nhan", data={})

    assert response.status_code == 400
    assert order_row(order["id"]).sub_orders[0].status is SubOrderStatus.DELIVERED


# --- my orders -----------------------------------------------------------------------------------

def test_my_orders_lists_mine_newest_first_with_total_status_and_parts(app, logged_in, bearer, as_shopper, honey,
                                                                       tea):
    first = place_order(logged_in, as_shopper, honey.variants[0].id)
    second = place_order(logged_in, as_shopper, honey.variants[0].id, tea.variants[0].id, method="bank_transfer")
    theirs = theirs_placed(app, bearer, honey.variants[0].id)

    html = html_of(logged_in.get("/don-hang"))

    assert html.index(second["number"]) < html.index(first["number"])
    assert theirs["number"] not in html
    assert "2 phần" in html and "1 phần" in html
    assert "590.000 ₫" in html and "295.000 ₫" in html
    assert "Chờ thanh toán" in html and "Đang chuẩn bị" in html  # the derived order status
    assert f'href="/don-hang/{second["id"]}"' in html


def test_my_orders_are_paginated(logged_in, as_shopper, honey):
    numbers = [place_order(logged_in, as_shopper, honey.variants[0].id)["number"] for _ in range(11)]

    first_page = html_of(logged_in.get("/don-hang"))
    second_page = html_of(logged_in.get("/don-hang?page=2"))

    assert all(n in first_page for n in numbers[1:]) and numbers[0] not in first_page
    assert numbers[0] in second_page and 'rel="prev"' in second_page and 'rel="next"' in first_page
    assert logged_in.get("/don-hang?page=0").status_code == 404


def test_a_shopper_without_orders_is_pointed_to_the_shop(logged_in):
    html = html_of(logged_in.get("/don-hang"))
    assert "Bạn chưa có đơn hàng nào." in html


# --- card payment --------------------------------------------------------------------------------

def test_the_card_page_loads_stripe_js_with_the_intents_client_secret(app, logged_in, as_shopper, honey,
                                                                      stripe_config, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_JS_URL", f"{stripe_config}/js.stripe.com/v3/")
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="card")
    secret = order["payment"]["stripe"]["client_secret"]

    response = logged_in.get(f"/don-hang/{order['id']}/thanh-toan-the")

    html = html_of(response)
    assert response.status_code == 200
    assert f'<script src="{stripe_config}/js.stripe.com/v3/"></script>' in html
    assert f'data-client-secret="{secret}"' in html and 'data-publishable-key="pk_test_ocop"' in html
    assert "/static/card.js" in html and "<noscript>" in html
    csp = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert stripe_config in csp["script-src"] and "'unsafe-inline'" not in csp["script-src"]
    assert stripe_config in csp["frame-src"] and stripe_config in csp["connect-src"]


def test_only_the_card_page_lets_stripe_in(app, logged_in, as_shopper, honey, stripe_config):
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="card")
    logged_in.get(f"/don-hang/{order['id']}/thanh-toan-the")

    csp = logged_in.get(f"/don-hang/{order['id']}").headers["Content-Security-Policy"]

    assert "stripe.com" not in csp and "script-src 'self' 'nonce-" in csp


def test_a_card_order_not_yet_paid_links_to_card_payment(logged_in, as_shopper, honey, stripe_config):
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="card")

    html = html_of(logged_in.get(f"/don-hang/{order['id']}"))

    assert f'href="/don-hang/{order["id"]}/thanh-toan-the"' in html and "Chưa thanh toán" in html


def test_after_paying_the_order_page_says_the_payment_is_being_confirmed(logged_in, as_shopper, honey,
                                                                        stripe_config):
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="card")

    html = html_of(logged_in.get(f"/don-hang/{order['id']}?the=da-gui"))

    assert "Đang xác nhận thanh toán" in html
    assert f'data-awaiting-payment="/api/v1/orders/{order["id"]}"' in html and "/static/card.js" in html


def test_the_card_page_of_an_order_paid_otherwise_goes_back_to_the_order(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)

    response = logged_in.get(f"/don-hang/{order['id']}/thanh-toan-the")

    assert response.status_code == 303 and response.headers["Location"].endswith(f"/don-hang/{order['id']}")


def stripe_unreachable(monkeypatch):
    from marketplace.payments import gateway

    def refuse(**_kwargs):
        raise gateway.PaymentProviderError()

    monkeypatch.setattr(gateway, "create_payment_intent", refuse)


def test_the_card_page_opens_the_payment_checkout_could_not(logged_in, as_shopper, honey, stripe_config,
                                                           monkeypatch):
    with monkeypatch.context() as unreachable:
        stripe_unreachable(unreachable)
        order = place_order(logged_in, as_shopper, honey.variants[0].id, method="card")
    assert order["payment"]["stripe"]["client_secret"] is None

    html = html_of(logged_in.get(f"/don-hang/{order['id']}/thanh-toan-the"))

    secret = order_row(order["id"]).payment.stripe_client_secret
    assert secret and f'data-client-secret="{secret}"' in html


def test_the_card_page_says_so_when_stripe_cannot_be_reached(logged_in, as_shopper, honey, stripe_config,
                                                             monkeypatch):
    stripe_unreachable(monkeypatch)
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="card")

    response = logged_in.get(f"/don-hang/{order['id']}/thanh-toan-the")

    html = html_of(response)
    assert response.status_code == 503 and "Chưa kết nối được với cổng thanh toán thẻ" in html
    assert "js.stripe.com" not in html and "data-client-secret" not in html
    assert f'href="/don-hang/{order["id"]}/thanh-toan-the">Thử lại' in html


def test_each_part_shows_its_history(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id)
    ship(order_row(order["id"]).sub_orders[0], member_of(honey.producer))

    html = html_of(logged_in.get(f"/don-hang/{order['id']}"))

    history = re.search(r'<details class="history">(.*?)</details>', html, re.S).group(1)
    assert re.search(r"Đã xác nhận.*Đang giao", history, re.S)


def test_a_declined_card_payment_says_so_and_offers_another_try(logged_in, as_shopper, honey, stripe_config):
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="card")
    order_row(order["id"]).payment.fail("Your card was declined.")
    db.session.commit()

    html = html_of(logged_in.get(f"/don-hang/{order['id']}?the=da-gui"))

    assert "Lần thanh toán trước chưa thành công" in html and "Đang xác nhận thanh toán" not in html
    assert f'href="/don-hang/{order["id"]}/thanh-toan-the"' in html


def test_every_page_links_a_logged_in_shopper_to_their_orders(client, logged_in):
    assert 'class="orders-link" href="/don-hang"' in html_of(logged_in.get("/gio-hang"))
    logged_in.post("/api/v1/auth/logout")
    assert 'class="orders-link"' not in html_of(logged_in.get("/gio-hang"))
