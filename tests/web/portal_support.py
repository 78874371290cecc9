"""Helpers for the producer portal's page tests: a producer with an owner and a
staff member, an order placed through the services, and the CSRF token of a page."""

import re

from marketplace.producers.models import MemberRole
from tests.factories import ProducerFactory, ProductFactory, UserFactory, member_of
from tests.order_support import place_order


def html_of(response) -> str:
    return response.get_data(as_text=True)


def csrf_of(client, url: str) -> str:
    page = html_of(client.get(url))
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def login(client, auth, user):
    """The test client, logged in as `user` through the login page."""
    assert auth.login(user.email).status_code == 200
    return client


class Shop:
    """A producer with an owner, a staff member and one product."""

    def __init__(self):
        self.producer = ProducerFactory()
        self.owner = member_of(self.producer, MemberRole.OWNER)
        self.staff = member_of(self.producer, MemberRole.STAFF)
        self.product = ProductFactory(producer=self.producer, name="Mật ong hoa ban")
        self.variant = self.product.variants[0]

    @property
    def id(self) -> int:
        return self.producer.id

    def url(self, path: str = "") -> str:
        return f"/kenh-nguoi-ban/{self.producer.id}{path}"


def placed_part(app, bearer, shop: Shop, method: str = "cod", quantity: int = 1) -> dict:
    """A shopper's order of the shop's product, placed through the API (its services); returns the shop's part."""
    order = place_order(app.test_client(), bearer(UserFactory()), (shop.variant.id, quantity), method=method)
    return next(part for part in order["sub_orders"] if part["producer"]["id"] == shop.id)
