"""Helpers for the cart and checkout page tests: a logged-in shopper, the
page's CSRF token, and form posts as a browser sends them."""

import re

from tests.factories import PASSWORD, UserFactory

HANOI, HANOI_WARD = 1, 70  # another region than the factories' Điện Biên producers


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def log_in_shopper(client, auth, **fields):
    """A new shopper account, logged in on `client` (session cookie)."""
    user = UserFactory(**fields)
    assert auth.login(user.email, PASSWORD).status_code == 200
    return user


def csrf(client) -> str:
    """A CSRF token of the client's session, from the cart page."""
    return token_of(client.get("/gio-hang").get_data(as_text=True))


def add_to_cart(client, variant_id: int, quantity: int = 1, token: str | None = None):
    return client.post("/gio-hang/them", data={"variant_id": variant_id, "quantity": quantity,
                                               "csrf_token": token or csrf(client)})


def checkout_form(client) -> dict:
    """The hidden fields of the rendered checkout form (CSRF token, Idempotency-Key)."""
    html = client.get("/thanh-toan").get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="idempotency_key"', html)
    return {"csrf_token": token_of(html), "idempotency_key": key.group(1)}


def new_address(**overrides) -> dict:
    return {"address_choice": "new", "recipient_name": "Trần Thu Hà", "phone": "0912 345 678",
            "province_code": HANOI, "ward_code": HANOI_WARD, "street_address": "12 Hàng Bạc",
            "payment_method": "cod", **overrides}
