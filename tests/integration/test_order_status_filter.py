"""Filtering orders by status filters in SQL on a status that is derived from
the parts in Python (derive_order_status): the two must always agree."""

import itertools

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders.lifecycle import OrderStatus, SubOrderStatus, derive_order_status
from marketplace.orders.models import Order, PaymentMethod, SubOrder
from marketplace.regions.models import Ward
from tests.factories import ProducerFactory, UserFactory

# Every order of one, two or three parts, up to the order of its parts: 164 orders.
PARTS = [combo for size in (1, 2, 3) for combo in itertools.combinations_with_replacement(SubOrderStatus, size)]


def place(user_id: int, producer_id: int, ward: Ward) -> dict[str, tuple]:
    numbers = {f"T-{i:04d}": statuses for i, statuses in enumerate(PARTS)}
    for number, statuses in numbers.items():
        db.session.add(Order(
            number=number, user_id=user_id, payment_method=PaymentMethod.COD, items_total_vnd=0,
            shipping_total_vnd=0, total_vnd=0, recipient_name="Lò Thị Mai", phone="0912345678",
            province_code=ward.province_code, ward_code=ward.code, street_address="Bản Mường Phăng",
            idempotency_key=number, request_fingerprint="0" * 64,
            sub_orders=[SubOrder(producer_id=producer_id, status=status, items_total_vnd=0, shipping_fee_vnd=0,
                                 total_vnd=0) for status in statuses]))
    db.session.commit()
    return numbers


def test_each_status_filter_finds_exactly_the_orders_whose_derived_status_it_is(app):
    user, producer = UserFactory(), ProducerFactory()
    orders = place(user.id, producer.id, db.session.scalar(sa.select(Ward).limit(1)))

    for status in OrderStatus:
        expected = {number for number, statuses in orders.items() if derive_order_status(list(statuses)) is status}
        page = queries.orders_of(user, status, page=1, per_page=200)
        found = {order.number for order in page.items}

        assert expected, f"no combination of parts gives {status}: the test would prove nothing"
        assert found == expected, status
        assert page.total == len(expected)
        assert all(order.status is status for order in page.items)


def test_the_status_filter_pages_in_sql(app):
    user, producer = UserFactory(), ProducerFactory()
    orders = place(user.id, producer.id, db.session.scalar(sa.select(Ward).limit(1)))
    cancelled = sorted((n for n, s in orders.items() if derive_order_status(list(s)) is OrderStatus.CANCELLED),
                       reverse=True)

    second = queries.orders_of(user, OrderStatus.CANCELLED, page=2, per_page=2)

    assert second.total == len(cancelled)
    assert [o.number for o in second.items] == cancelled[2:4]
