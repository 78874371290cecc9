"""The sub-order state machine and the order status derived from its parts (no database)."""

from itertools import product

import pytest

from marketplace.orders.lifecycle import (Actor, IllegalTransition, OrderStatus, SubOrderStatus,
                                          check_transition, derive_order_status)
from marketplace.orders.models import SubOrder

S, A = SubOrderStatus, Actor
EVERYONE = set(Actor)

# The lifecycle as the issue states it, written out independently of the code's table.
LEGAL = {
    (S.PENDING_PAYMENT, S.CONFIRMED): {A.SYSTEM, A.ADMIN},
    (S.PENDING_PAYMENT, S.CANCELLED): {A.SHOPPER, A.PRODUCER, A.ADMIN, A.SYSTEM},
    (S.CONFIRMED, S.PACKED): {A.PRODUCER},
    (S.CONFIRMED, S.SHIPPED): {A.PRODUCER},
    (S.PACKED, S.SHIPPED): {A.PRODUCER},
    (S.CONFIRMED, S.CANCELLED): {A.SHOPPER, A.PRODUCER, A.ADMIN},
    (S.PACKED, S.CANCELLED): {A.SHOPPER, A.PRODUCER, A.ADMIN},
    (S.SHIPPED, S.DELIVERED): {A.PRODUCER, A.ADMIN},
    (S.DELIVERED, S.COMPLETED): {A.SHOPPER, A.ADMIN, A.SYSTEM},
    **{(paid, S.REFUNDED): {A.ADMIN, A.SYSTEM}
       for paid in (S.CONFIRMED, S.PACKED, S.SHIPPED, S.DELIVERED, S.COMPLETED, S.CANCELLED)},
    # Issue #15: a transfer that arrived after the reservation expired; an admin reserves the stock again.
    (S.CANCELLED, S.PENDING_PAYMENT): {A.ADMIN},
}
# Sets iterate in an order that changes between processes: sorted, every pytest-xdist worker collects the same tests.
ALLOWED = [(current, target, actor) for (current, target), actors in LEGAL.items()
           for actor in sorted(actors, key=lambda a: a.value)]
WRONG_ROLE = [(current, target, actor) for (current, target), actors in LEGAL.items()
              for actor in sorted(EVERYONE - actors, key=lambda a: a.value)]
NO_SUCH_MOVE = [(current, target) for current, target in product(S, S) if (current, target) not in LEGAL]


@pytest.mark.parametrize("current, target, actor", ALLOWED)
def test_each_legal_move_is_allowed_to_whoever_may_make_it(current, target, actor):
    check_transition(current, target, actor)


@pytest.mark.parametrize("current, target, actor", WRONG_ROLE)
def test_a_legal_move_is_refused_to_anyone_else(current, target, actor):
    with pytest.raises(IllegalTransition) as refused:
        check_transition(current, target, actor)

    assert refused.value.code == "transition_not_allowed_for_role"
    assert refused.value.status == 409


@pytest.mark.parametrize("current, target", NO_SUCH_MOVE)
def test_every_other_move_is_illegal_for_everyone(current, target):
    for actor in Actor:
        with pytest.raises(IllegalTransition) as refused:
            check_transition(current, target, actor)

        assert refused.value.code == "illegal_transition"


@pytest.mark.parametrize("current, target, actor", [
    (S.DELIVERED, S.PACKED, A.PRODUCER),
    (S.SHIPPED, S.CANCELLED, A.SHOPPER),
    (S.SHIPPED, S.CANCELLED, A.PRODUCER),
    (S.COMPLETED, S.DELIVERED, A.ADMIN),
    (S.CANCELLED, S.CONFIRMED, A.SYSTEM),
    (S.PENDING_PAYMENT, S.SHIPPED, A.PRODUCER),
])
def test_going_backwards_or_skipping_payment_is_illegal(current, target, actor):
    with pytest.raises(IllegalTransition):
        check_transition(current, target, actor)


@pytest.mark.parametrize("current, target, actor", [
    (S.PENDING_PAYMENT, S.CONFIRMED, A.SHOPPER),
    (S.PENDING_PAYMENT, S.CONFIRMED, A.PRODUCER),
    (S.CONFIRMED, S.PACKED, A.SHOPPER),
    (S.SHIPPED, S.DELIVERED, A.SHOPPER),
    (S.DELIVERED, S.COMPLETED, A.PRODUCER),
    (S.DELIVERED, S.REFUNDED, A.PRODUCER),
    (S.DELIVERED, S.REFUNDED, A.SHOPPER),
])
def test_nobody_confirms_their_own_payment_delivery_or_refund(current, target, actor):
    with pytest.raises(IllegalTransition) as refused:
        check_transition(current, target, actor)

    assert refused.value.code == "transition_not_allowed_for_role"


def test_a_move_is_recorded_with_who_made_it_and_when():
    sub_order = SubOrder(status=S.SHIPPED)

    sub_order.move_to(S.DELIVERED, A.PRODUCER, user_id=7, reason="Đã giao")

    change = sub_order.history[-1]
    assert sub_order.status is S.DELIVERED
    assert (change.from_status, change.to_status, change.actor, change.actor_user_id, change.reason) == (
        S.SHIPPED, S.DELIVERED, A.PRODUCER, 7, "Đã giao")
    assert change.created_at is not None and change.created_at.tzinfo is not None
    assert sub_order.delivered_at == change.created_at


def test_a_refused_move_changes_and_records_nothing():
    sub_order = SubOrder(status=S.SHIPPED)

    with pytest.raises(IllegalTransition):
        sub_order.move_to(S.CANCELLED, A.SHOPPER, user_id=7)

    assert sub_order.status is S.SHIPPED
    assert sub_order.history == []


@pytest.mark.parametrize("parts, expected", [
    ([S.PENDING_PAYMENT, S.PENDING_PAYMENT], OrderStatus.PENDING_PAYMENT),
    ([S.CONFIRMED, S.PACKED], OrderStatus.IN_PROGRESS),
    ([S.CONFIRMED, S.SHIPPED], OrderStatus.PARTIALLY_SHIPPED),
    ([S.PACKED, S.DELIVERED], OrderStatus.PARTIALLY_SHIPPED),
    ([S.DELIVERED, S.SHIPPED], OrderStatus.SHIPPED),
    ([S.SHIPPED, S.SHIPPED, S.CANCELLED], OrderStatus.SHIPPED),
    ([S.DELIVERED, S.COMPLETED], OrderStatus.DELIVERED),
    ([S.COMPLETED, S.COMPLETED], OrderStatus.COMPLETED),
    ([S.DELIVERED, S.CANCELLED], OrderStatus.DELIVERED),
    ([S.CONFIRMED, S.CANCELLED], OrderStatus.IN_PROGRESS),
    ([S.PENDING_PAYMENT, S.CANCELLED], OrderStatus.PENDING_PAYMENT),
    ([S.COMPLETED, S.REFUNDED], OrderStatus.COMPLETED),
    ([S.CANCELLED, S.CANCELLED], OrderStatus.CANCELLED),
    ([S.REFUNDED, S.CANCELLED], OrderStatus.REFUNDED),
    ([S.REFUNDED, S.REFUNDED], OrderStatus.REFUNDED),
])
def test_the_order_status_follows_from_its_parts(parts, expected):
    assert derive_order_status(parts) is expected
