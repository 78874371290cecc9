"""The VietQR on the shopper's pages: the order's page (the confirmation checkout
lands on) and my orders show it for an order awaiting a bank transfer, as an
image from our own origin with its details in the alt text and beside it as text;
not for cash on delivery, and no longer once the order is cancelled."""

import re

import pytest

from tests.factories import ProductFactory
from tests.order_support import place_order
from tests.vietqr_reading import decode_image, transfer


@pytest.fixture
def honey():
    return ProductFactory(name="Mật ong hoa ban", variant__price_vnd=250_000)


@pytest.fixture
def logged_in(client, auth, shopper):
    assert auth.login(shopper.email).status_code == 200
    return client


def qr_images(html: str) -> list[dict]:
    return [dict(re.findall(r'([\w-]+)="([^"]*)"', tag)) for tag in re.findall(r"<img ([^>]*)>", html, re.S)
            if "transfer-qr" in tag]


def test_the_confirmation_page_shows_the_orders_vietqr_and_the_same_details_as_text(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="bank_transfer")
    reference = order["payment"]["bank_transfer"]["reference"]

    html = logged_in.get(f"/don-hang/{order['id']}").get_data(as_text=True)

    [image] = qr_images(html)
    assert image["src"] == f"/api/v1/orders/{order['id']}/transfer-qr.svg"
    assert (image["width"], image["height"]) == ("240", "240")
    assert image["alt"] == (f"Mã VietQR: chuyển 295.000 ₫ tới tài khoản 0011004455667 tại Vietcombank, "
                            f"nội dung {reference}")
    assert f'href="/api/v1/orders/{order["id"]}/transfer-qr.png" download="vietqr-{order["number"]}.png"' in html
    assert f'<code class="copyable reference">{reference}</code>' in html
    served = logged_in.get(image["src"])  # with the page's own session cookie, as the browser fetches it
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    [text] = decode_image(logged_in.get(f"/api/v1/orders/{order['id']}/transfer-qr.png").get_data())
    assert (transfer(text)["amount"], transfer(text)["purpose"]) == ("295000", reference)


def test_my_orders_shows_the_qr_of_each_order_awaiting_a_transfer_and_no_other(logged_in, as_shopper, honey):
    by_transfer = place_order(logged_in, as_shopper, honey.variants[0].id, method="bank_transfer")
    by_cash = place_order(logged_in, as_shopper, honey.variants[0].id, method="cod")

    html = logged_in.get("/don-hang").get_data(as_text=True)

    assert [image["src"] for image in qr_images(html)] == [f"/api/v1/orders/{by_transfer['id']}/transfer-qr.svg"]
    assert f"Chuyển khoản cho đơn {by_transfer['number']}" in html
    assert f"Chuyển khoản cho đơn {by_cash['number']}" not in html
    assert by_transfer["payment"]["bank_transfer"]["reference"] in html


def test_a_cancelled_order_shows_no_qr_anywhere(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="bank_transfer")
    cancelled = logged_in.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "Đặt nhầm"})
    assert cancelled.status_code == 200, cancelled.json

    pages = [logged_in.get(f"/don-hang/{order['id']}").get_data(as_text=True),
             logged_in.get("/don-hang").get_data(as_text=True)]

    assert [qr_images(page) for page in pages] == [[], []]


def test_the_qr_is_described_in_english_for_an_english_browser(logged_in, as_shopper, honey):
    order = place_order(logged_in, as_shopper, honey.variants[0].id, method="bank_transfer")

    html = logged_in.get(f"/don-hang/{order['id']}", headers={"Accept-Language": "en"}).get_data(as_text=True)

    [image] = qr_images(html)
    assert image["alt"].startswith("VietQR code: transfer 295.000 ₫ to account 0011004455667 at Vietcombank")
    assert "Save the QR code image" in html
