""""Add to cart" pressed at once in several tabs, on PostgreSQL (tests/concurrency.py):
every press counts, read under the cart's lock."""

import pytest

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.orders import cart
from tests import concurrency
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.usefixtures("postgresql_only")


def add(user_id, variant_id, quantity):
    return lambda: cart.add_line(db.session.get(User, user_id), variant_id, quantity)


def test_adds_from_several_tabs_at_once_are_all_counted_even_on_a_first_cart(app):
    user, variant = UserFactory(), VariantFactory()
    results = concurrency.race(app, [add(user.id, variant.id, 2) for _ in range(6)])
    assert concurrency.crashes(results) == []
    assert [line.quantity for line in cart.lines_of(user)] == [12]
