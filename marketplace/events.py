"""In-process domain events, delivered synchronously inside the publisher's
transaction. They let a domain react to another's changes without the
publisher importing it: payments publish "payment.succeeded" and orders
confirm the order's parts; orders publish "sub_order.paid" and payouts writes
the ledger, all in the same transaction, so either all happen or none.

For side effects outside the database (search, webhooks) use an outbox instead.
"""

from collections import defaultdict
from typing import Callable

_subscribers: dict[str, list[Callable]] = defaultdict(list)


def subscribe(name: str):
    def register(handler: Callable) -> Callable:
        if handler not in _subscribers[name]:
            _subscribers[name].append(handler)
        return handler

    return register


def publish(name: str, **payload) -> None:
    for handler in _subscribers[name]:
        handler(**payload)
