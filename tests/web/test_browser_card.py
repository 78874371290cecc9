"""Paying an order by card in a real Chromium, through localstripe's Stripe.js,
until Stripe's webhook (sent by localstripe, signed) marks it paid; and the
order pages at 360 px (axe, no sideways scrolling, screenshots to look at).

The storefront here runs with Stripe configured (pointing at localstripe, whose
fake Stripe.js the card page loads), unlike the `storefront` fixture's.

localstripe 1.15's Stripe.js does not take the typed card itself:
its confirmCardPayment only completes 3-D Secure on an intent that already
requires it. So the test does the part real Stripe.js would do inside
confirmCardPayment (make a PaymentMethod from the card typed into the element,
attach it, confirm), with a card that asks for 3-D Secure, and the browser does
the rest: our card.js calls confirmCardPayment, the shopper completes the
authentication, and the order page follows the payment until it is paid.
"""

import re
import uuid

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.catalog.models import Product
from marketplace.demo.data import DEMO_PASSWORD
from marketplace.extensions import db
from tests.conftest import _empty_tables
from tests.stripe_support import WEBHOOK_SECRET
from tests.web.browser_support import assert_no_horizontal_scroll, check, phone_page, screenshot, waitress_serving
from tests.web.test_browser_checkout import add_honey_and_rice, fill_new_address

SHOPPER = "shopper@demo.ocop.vn"
# Stripe's test card that asks for 3-D Secure (localstripe knows it); see the module's docstring.
THREE_D_SECURE_CARD = "4000002760003184"
STRIPE_KEYS = {"STRIPE_SECRET_KEY": "sk_test_ocop", "STRIPE_PUBLISHABLE_KEY": "pk_test_ocop",
               "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}



@pytest.fixture(scope="module")
def card_storefront(_app, localstripe_url):
    """The storefront with the demo loaded and card payments through localstripe,
    served by waitress and registered as localstripe's webhook endpoint."""
    config = {**STRIPE_KEYS, "STRIPE_API_BASE": localstripe_url,
              "STRIPE_JS_URL": f"{localstripe_url}/js.stripe.com/v3/"}
    saved = {key: _app.config[key] for key in config}
    _app.config.update(config)
    try:
        with _app.app_context():
            result = _app.test_cli_runner().invoke(args=["demo", "load"])
            assert result.exit_code == 0, result.output
            try:
                with waitress_serving(_app) as base:
                    requests.post(f"{localstripe_url}/_config/webhooks/ocop-browser-card",
                                  data={"url": f"{base}/api/v1/payments/stripe/webhook",
                                        "secret": WEBHOOK_SECRET}).raise_for_status()
                    yield base
            finally:
                _empty_tables()
    finally:
        _app.config.update(saved)


@pytest.fixture
def shopper_phone(browser, card_storefront):
    """A phone-sized page logged in as the demo shopper (through the login API: the
    session cookie is the browser context's)."""
    with phone_page(browser, card_storefront) as page:  # a CSP refusal shows in its console
        response = page.request.post("/api/v1/auth/login", data={"email": SHOPPER, "password": DEMO_PASSWORD})
        assert response.ok, response.text()
        yield page


@pytest.fixture
def new_shopper_phone(browser, card_storefront):
    """A phone-sized page logged in as a shopper just registered (no saved address)."""
    with phone_page(browser, card_storefront) as page:
        response = page.request.post("/api/v1/auth/register", data={
            "email": f"the-{uuid.uuid4().hex[:10]}@example.vn", "password": "mat-khau-du-dai-2026",
            "full_name": "Trần Thu Hà"})
        assert response.status == 201, response.text()
        yield page


def type_card(page, number: str) -> None:
    card = page.locator("#card-element")
    for field, value in (("number", number), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123"),
                         ("postal_code", "10000")):
        card.get_by_placeholder(field).fill(value)


def intent_of(app, order_id: int) -> str:
    from marketplace.payments.models import Payment
    with app.app_context():
        return db.session.scalar(sa.select(Payment.stripe_payment_intent_id).where(Payment.order_id == order_id))


def variant_of(app, product_name: str) -> int:
    with app.app_context():
        product = db.session.scalar(sa.select(Product).where(Product.name == product_name))
        return next(v.id for v in product.variants if v.is_active and v.in_stock)


def place_order(page, method: str, *variant_ids: int) -> dict:
    """Fill the demo shopper's cart and check out, through the API the checkout page calls."""
    api = page.context.request
    api.delete("/api/v1/cart")
    for variant_id in variant_ids:
        assert api.put(f"/api/v1/cart/lines/{variant_id}", data={"quantity": 1}).ok
    address = {"recipient_name": "Trần Thu Hà", "phone": "0912345678", "province_code": 1, "ward_code": 70,
               "street_address": "12 Hàng Bạc"}
    response = api.post("/api/v1/checkout", data={"payment_method": method, "shipping_address": address},
                        headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status == 201, response.text()
    return response.json()


def attach_typed_card(page, localstripe_url: str, intent_id: str) -> str:
    """What real Stripe.js does inside confirmCardPayment and localstripe's leaves out:
    a PaymentMethod from the card typed into the element, attached to the intent and
    confirmed. Returns the intent's status (requires_action: 3-D Secure is next)."""
    element = page.locator("#card-element")
    typed = {field: element.get_by_placeholder(field).input_value() for field in ("number", "exp_month",
                                                                                  "exp_year", "cvc")}
    auth = {"Authorization": f"Bearer {STRIPE_KEYS['STRIPE_SECRET_KEY']}"}
    method = requests.post(f"{localstripe_url}/v1/payment_methods", headers=auth, data={
        "type": "card", **{f"card[{field}]": value for field, value in typed.items()}})
    method.raise_for_status()
    requests.post(f"{localstripe_url}/v1/payment_intents/{intent_id}", headers=auth,
                  data={"payment_method": method.json()["id"]}).raise_for_status()
    confirmed = requests.post(f"{localstripe_url}/v1/payment_intents/{intent_id}/confirm", headers=auth)
    confirmed.raise_for_status()
    return confirmed.json()["status"]


def test_pay_by_card_through_stripe_js_and_the_webhook_marks_the_order_paid(
        _app, shopper_phone, localstripe_url, output_path):
    page = shopper_phone
    order = place_order(page, "card", variant_of(_app, "Mật ong hoa ban"))
    intent_id = order["payment"]["stripe"]["payment_intent_id"]

    page.goto(f"/don-hang/{order['id']}")
    expect(page.get_by_text("Chưa thanh toán")).to_be_visible()
    page.get_by_role("link", name="Thanh toán bằng thẻ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thanh toán bằng thẻ")
    card = page.locator("#card-element")
    expect(card.get_by_placeholder("number")).to_be_visible()  # localstripe's Stripe.js mounted its element
    check(page, output_path, "pay-card")

    card.get_by_placeholder("number").fill(THREE_D_SECURE_CARD)
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("30")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("10000")
    assert attach_typed_card(page, localstripe_url, intent_id) == "requires_action"
    page.get_by_role("button", name=re.compile(r"^Thanh toán \d")).click()
    page.get_by_role("button", name="Complete authentication").click()  # localstripe's 3-D Secure

    expect(page).to_have_url(re.compile(rf"/don-hang/{order['id']}\?the=da-gui$"))
    # "being confirmed" until the webhook lands; the page follows it by itself
    expect(page.locator(".payment-box")).to_contain_text("Đã nhận đủ", timeout=30_000)
    expect(page.locator(".order-facts")).to_contain_text("Đã thanh toán")
    expect(page.locator(".order-facts")).to_contain_text("Đang chuẩn bị")  # confirmed parts: being prepared
    check(page, output_path, "order-paid-by-card")


def test_a_bank_transfer_order_and_my_orders_at_360_px(_app, shopper_phone, output_path):
    page = shopper_phone
    order = place_order(page, "bank_transfer", variant_of(_app, "Mật ong hoa ban"),
                        variant_of(_app, "Miến dong Tài Hoan"))

    page.goto(f"/don-hang/{order['id']}")
    details = page.locator("dl.bank-details")
    expect(details).to_contain_text(order["payment"]["bank_transfer"]["reference"])
    expect(details).to_contain_text(order["total_display"])
    expect(page.locator("article.part")).to_have_count(2)
    check(page, output_path, "order-bank-transfer")

    page.get_by_role("button", name="English").click()  # the same order, in English
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {order['number']}")
    expect(details).to_contain_text("Transfer reference")
    assert_no_horizontal_scroll(page)
    screenshot(page, output_path, "order-bank-transfer-en-360.png")
    page.get_by_role("button", name="Tiếng Việt").click()

    page.get_by_role("banner").get_by_role("link", name="Đơn mua").click()  # in every page's header
    expect(page.get_by_role("heading", level=1)).to_have_text("Đơn hàng của tôi")
    expect(page.locator(".order-card").first).to_contain_text(order["number"])
    expect(page.locator(".order-card").first).to_contain_text("2 phần")
    check(page, output_path, "my-orders")

    page.locator(".order-card").first.click()
    page.locator("summary", has_text="Huỷ đơn hàng").click()  # a <details>: no tap cancels by accident
    page.get_by_label("Lý do huỷ (không bắt buộc)").fill("Đặt nhầm")
    page.get_by_role("button", name="Xác nhận huỷ").click()
    expect(page.get_by_role("status")).to_have_text("Đơn hàng đã được huỷ.")
    expect(page.locator(".order-facts")).to_contain_text("Đã huỷ")


def test_a_refused_3d_secure_says_so_and_the_shopper_can_try_again(_app, shopper_phone, localstripe_url):
    page = shopper_phone
    order = place_order(page, "card", variant_of(_app, "Mật ong hoa ban"))
    intent_id = order["payment"]["stripe"]["payment_intent_id"]
    page.goto(f"/don-hang/{order['id']}/thanh-toan-the")
    card = page.locator("#card-element")
    pay = page.get_by_role("button", name=re.compile(r"^Thanh toán \d"))

    for field, value in (("number", THREE_D_SECURE_CARD), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123")):
        card.get_by_placeholder(field).fill(value)
    assert attach_typed_card(page, localstripe_url, intent_id) == "requires_action"
    pay.click()
    page.get_by_role("button", name="Fail authentication").click()

    expect(page.locator("#card-errors")).to_have_text("Thanh toán chưa thành công. Vui lòng kiểm tra thẻ và thử lại.")
    expect(pay).to_be_enabled()
    assert page.url.endswith("/thanh-toan-the")

    assert attach_typed_card(page, localstripe_url, intent_id) == "requires_action"  # the same card, again
    pay.click()
    page.get_by_role("button", name="Complete authentication").click()
    expect(page.locator(".payment-box")).to_contain_text("Đã nhận đủ", timeout=30_000)


def test_find_buy_by_card_at_checkout_and_the_webhook_confirms_the_order(_app, new_shopper_phone, localstripe_url):
    """The issue's card journey: search, two producers' products in the cart, checkout by card,
    card entry in localstripe's Stripe.js, then the webhook confirms the order."""
    page = new_shopper_phone
    add_honey_and_rice(page)
    page.get_by_role("link", name="Tiếp tục thanh toán").click()
    fill_new_address(page)
    page.get_by_label("Thẻ ngân hàng, thẻ tín dụng").check()
    page.get_by_role("button", name="Đặt hàng").click()

    expect(page).to_have_url(re.compile(r"/don-hang/\d+/thanh-toan-the$"))  # checkout sends card orders here
    order_id = int(re.search(r"/don-hang/(\d+)/", page.url).group(1))
    expect(page.locator("#card-element").get_by_placeholder("number")).to_be_visible()
    type_card(page, THREE_D_SECURE_CARD)
    assert attach_typed_card(page, localstripe_url, intent_of(_app, order_id)) == "requires_action"
    page.get_by_role("button", name=re.compile(r"^Thanh toán \d")).click()
    page.get_by_role("button", name="Complete authentication").click()

    expect(page).to_have_url(re.compile(rf"/don-hang/{order_id}\?the=da-gui$"))
    expect(page.locator(".payment-box")).to_contain_text("Đã nhận đủ", timeout=30_000)
    expect(page.locator(".part")).to_have_count(2)
    expect(page.locator(".part .status")).to_have_text(["Đã xác nhận", "Đã xác nhận"])  # the webhook confirmed both
    page.goto("/don-hang")
    expect(page.locator(".order-card")).to_have_count(1)
    expect(page.locator(".order-card")).to_contain_text("Đang chuẩn bị")
