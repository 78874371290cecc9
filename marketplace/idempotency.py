"""Idempotency-Key replays, shared by checkout and the till.

A request that creates something (an order, a sale) carries a key. The same
key with the same body answers with what the first request made; with another
body it is refused (KeyReused). How that holds under concurrency:

1. The key is claimed first, before anything the answer depends on (the
   cart, the stock) is read: ``claim`` takes a transaction-scoped lock on
   (scope, owner, key). A second request with the same key waits there until
   the first commits or rolls back.
2. Only then is the earlier result looked up. Under READ COMMITTED each
   statement reads what was committed before it started, so a request that
   waited on the claim finds the winner's row and replays it (200), instead
   of finding the stock or the cart already taken by its own first attempt.
3. The unique constraint on the key stays the last line of defence (SQLite,
   which has no advisory locks, or a writer that did not claim): a unique
   violation is answered by replaying the row that won (``first_or_replay``).
"""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

import marshmallow as ma
import sqlalchemy as sa
from marshmallow import fields, validate
from sqlalchemy.exc import IntegrityError

from marketplace.errors import N_, InvalidInput
from marketplace.extensions import db

T = TypeVar("T")


class IdempotencyKeyRequired(InvalidInput):
    """The Idempotency-Key header is missing or malformed. The answer names it and
    also carries the body's field errors (see marketplace.api Blueprint.arguments),
    so a client fixes both at once."""

    message = (N_("Send an Idempotency-Key header: a unique key per attempt (8 to 255 printable characters, "
               "e.g. a UUID), and the same key when retrying it."))  # code: validation_error

    def __init__(self, errors_by_location: dict | None = None):
        super().__init__()
        self.errors = errors_by_location or {"headers": {"Idempotency-Key": [N_("Missing data for required field.")]}}


class IdempotencyHeaderSchema(ma.Schema):
    """The Idempotency-Key header of an operation that creates something (checkout, a till sale)."""

    class Meta:
        unknown = ma.EXCLUDE  # every other header

    key = fields.String(data_key="Idempotency-Key", required=True,
                        validate=[validate.Length(min=8, max=255),
                                  validate.Regexp(r"^[\x21-\x7e]+$", error=N_("Printable ASCII without spaces."))],
                        metadata={"description": "A unique key per attempt (e.g. a UUID); retries reuse it"})

    refusal = IdempotencyKeyRequired  # what a missing or malformed key answers (see marketplace.api)


class KeyReused(InvalidInput):
    code = "idempotency_key_reused"

    def __init__(self, what: str = "request"):
        super().__init__(N_("This Idempotency-Key was already used for a different {what}.", what=what),
                         errors={"Idempotency-Key": [N_("Already used with a different request body.")]},
                         location="headers")


def fingerprint(body: dict) -> str:
    """A digest of the request body, stored with what it made, to tell a retry from a reuse."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


@functools.cache
def _claim_statement():  # built once: a till sale is on the hot path
    # hashtextextended: a 64-bit hash, so unrelated keys practically never share
    # a lock (and if they did, one would only wait for the other).
    return sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(sa.bindparam("claim"), 0)))


def claim(scope: str, owner_id: int, key: str) -> None:
    """Hold (scope, owner, key) until this transaction ends: a concurrent request
    with the same key waits here. Call it first in the transaction, before
    reading anything the answer depends on. One round trip on PostgreSQL; a
    no-op on SQLite, which runs one writer at a time."""
    connection = db.session.connection()  # a plain statement: nothing of the ORM's is involved
    if connection.dialect.name != "postgresql":
        return
    connection.execute(_claim_statement(), {"claim": f"{scope}:{owner_id}:{key}"})


def replay(found: T, digest: str, reused: Callable[[], Exception]) -> T:
    """The earlier result for this key, if it was made from the same body. Raises `reused()` otherwise."""
    if found.request_fingerprint != digest:
        raise reused()
    return found


def first_or_replay(make: Callable[[], tuple[T, bool]], find: Callable[[], T | None], digest: str,
                    reused: Callable[[], Exception]) -> tuple[T, bool]:
    """Run `make` (a transactional service that claims the key and returns
    (result, created)). If the key's unique constraint still refuses its insert,
    another request won: answer with that one's result (see replay)."""
    try:
        return make()
    except IntegrityError:
        db.session.rollback()
        existing = find()
        if existing is None:
            raise
        return replay(existing, digest, reused), False
