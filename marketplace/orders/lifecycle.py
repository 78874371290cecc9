"""The sub-order lifecycle: which transitions are legal, and who may make them.

    pending_payment → confirmed → packed → shipped → delivered → completed
    cancelled: by the shopper before shipping, by the producer with a reason,
               by the system when an unpaid reservation expires (reopened by an
               admin, pending payment again, when its transfer arrives late and
               the stock is still there)
    refunded:  after payment, in full (a partial refund keeps the status)

The parent order's status is derived from its sub-orders, never stored apart.
"""

import enum

from marketplace.errors import N_, Conflict


class SubOrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    CONFIRMED = "confirmed"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class Actor(enum.StrEnum):
    SHOPPER = "shopper"
    PRODUCER = "producer"
    ADMIN = "admin"
    SYSTEM = "system"  # payments, webhooks, expiry jobs


class IllegalTransition(Conflict):
    code = "illegal_transition"


S, A = SubOrderStatus, Actor

# (from, to) → who may make that move.
TRANSITIONS: dict[tuple[SubOrderStatus, SubOrderStatus], frozenset[Actor]] = {
    (S.PENDING_PAYMENT, S.CONFIRMED): frozenset({A.SYSTEM, A.ADMIN}),
    (S.PENDING_PAYMENT, S.CANCELLED): frozenset({A.SHOPPER, A.PRODUCER, A.ADMIN, A.SYSTEM}),
    (S.CONFIRMED, S.PACKED): frozenset({A.PRODUCER}),
    (S.CONFIRMED, S.SHIPPED): frozenset({A.PRODUCER}),
    (S.CONFIRMED, S.CANCELLED): frozenset({A.SHOPPER, A.PRODUCER, A.ADMIN}),
    (S.PACKED, S.SHIPPED): frozenset({A.PRODUCER}),
    (S.PACKED, S.CANCELLED): frozenset({A.SHOPPER, A.PRODUCER, A.ADMIN}),
    (S.SHIPPED, S.DELIVERED): frozenset({A.PRODUCER, A.ADMIN}),
    (S.DELIVERED, S.COMPLETED): frozenset({A.SHOPPER, A.ADMIN, A.SYSTEM}),
    (S.CONFIRMED, S.REFUNDED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.PACKED, S.REFUNDED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.SHIPPED, S.REFUNDED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.DELIVERED, S.REFUNDED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.COMPLETED, S.REFUNDED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.CANCELLED, S.REFUNDED): frozenset({A.ADMIN, A.SYSTEM}),
    # Only a part its reservation's expiry cancelled, when its transfer arrived
    # late and an admin reserved its stock again (orders/late_payment.py).
    (S.CANCELLED, S.PENDING_PAYMENT): frozenset({A.ADMIN}),
}

# Statuses whose stock is held for the shopper (returned on cancellation).
HOLDS_STOCK = frozenset({S.PENDING_PAYMENT, S.CONFIRMED, S.PACKED})
# Before the parcel leaves, a shopper may still change their mind.
BEFORE_SHIPPING = frozenset({S.PENDING_PAYMENT, S.CONFIRMED, S.PACKED})


def allows(current: SubOrderStatus, target: SubOrderStatus, actor: Actor) -> bool:
    """Whether `actor` may move a sub-order from `current` to `target` (pages show a button only then)."""
    return actor in TRANSITIONS.get((current, target), frozenset())


def check_transition(current: SubOrderStatus, target: SubOrderStatus, actor: Actor) -> None:
    """Raises IllegalTransition unless `actor` may move a sub-order from `current` to `target`."""
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        raise IllegalTransition(N_("A sub-order cannot go from {current} to {target}.", current=current, target=target))
    if actor not in allowed:
        raise IllegalTransition(N_("A {actor} cannot move a sub-order from {current} to {target}.", actor=actor, current=current, target=target),
                                code="transition_not_allowed_for_role")


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    IN_PROGRESS = "in_progress"          # paid or COD, some parts not yet delivered
    PARTIALLY_SHIPPED = "partially_shipped"  # some parts on their way, others still being prepared
    SHIPPED = "shipped"                      # every live part has left the producers
    DELIVERED = "delivered"              # every live part delivered or completed
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


def derive_order_status(statuses: list[SubOrderStatus]) -> OrderStatus:
    """The order's status from its parts. Cancelled parts don't hold the rest back."""
    live = [s for s in statuses if s not in (S.CANCELLED, S.REFUNDED)]
    if not live:
        return OrderStatus.REFUNDED if S.REFUNDED in statuses else OrderStatus.CANCELLED
    if all(s is S.PENDING_PAYMENT for s in live):
        return OrderStatus.PENDING_PAYMENT
    if all(s is S.COMPLETED for s in live):
        return OrderStatus.COMPLETED
    if all(s in (S.DELIVERED, S.COMPLETED) for s in live):
        return OrderStatus.DELIVERED
    if all(s in (S.SHIPPED, S.DELIVERED, S.COMPLETED) for s in live):
        return OrderStatus.SHIPPED
    if any(s in (S.SHIPPED, S.DELIVERED, S.COMPLETED) for s in live):
        return OrderStatus.PARTIALLY_SHIPPED
    return OrderStatus.IN_PROGRESS
