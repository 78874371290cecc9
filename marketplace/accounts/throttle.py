"""The failed-login throttle.

Two counters stand in front of every password check:

- the (email, client address) pair: LOGIN_MAX_FAILURES failures pass freely,
  then each further attempt from that pair waits LOGIN_BACKOFF_SECONDS,
  doubling with each failure, at most LOGIN_FAILURE_WINDOW_SECONDS. Keying on
  the pair, not the email alone, means an attacker elsewhere slows only
  themselves: the owner, from their own address, can still log in.
- the client address: after LOGIN_MAX_FAILURES_PER_IP failures for any emails,
  that address is refused until the window has passed.

A key's failures are forgotten once the window passes without an attempt.

An attempt is counted *before* the password is checked, under a lock on the
key's row, and committed at once: concurrent attempts are counted one by one,
so forty guesses sent together get exactly as many checks as the limit allows.
A successful login then forgets the pair's failures and gives the address its
attempt back. One counter row per key (an upsert, then an update) works the
same on SQLite and PostgreSQL and needs no other service.
"""

from dataclasses import dataclass
from datetime import timedelta
from math import ceil

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.accounts.models import LoginThrottle
from marketplace.database import utcnow
from marketplace.errors import N_, TooManyRequests
from marketplace.extensions import db


class LoginThrottled(TooManyRequests):
    code, message = "login_throttled", N_("Too many failed logins. Try again later.")

    def __init__(self, retry_after: int):
        super().__init__(headers={"Retry-After": str(retry_after)})


@dataclass(frozen=True)
class Attempt:
    """A counted login attempt: the keys it was counted against."""

    pair_key: str
    address_key: str


def count_attempt(email: str, client_address: str) -> Attempt:
    """Count a login attempt for `email` (normalised) from `client_address`.

    Raises LoginThrottled, counting nothing, while either key is throttled.
    Commits: the count must hold even if the password then fails.
    """
    attempt = Attempt(pair_key=f"pair:{email}|{client_address}", address_key=f"ip:{client_address}")
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    now = utcnow()
    # End any transaction the request opened for reading, so the first
    # statement of this one takes the lock (on SQLite, the write lock).
    db.session.commit()
    try:
        pair, address = _locked(attempt.pair_key, now, window), _locked(attempt.address_key, now, window)
        waits = []
        if pair.blocked_until is not None and pair.blocked_until > now:
            waits.append(pair.blocked_until - now)
        if address.failures >= config["LOGIN_MAX_FAILURES_PER_IP"]:
            waits.append((address.last_attempt_at or now) + window - now)
        if waits:
            raise LoginThrottled(max(1, ceil(max(waits).total_seconds())))
        for row in (pair, address):
            row.failures += 1
            row.last_attempt_at = now
        excess = pair.failures - config["LOGIN_MAX_FAILURES"]
        if excess >= 0:  # the next attempt from this pair waits
            backoff = timedelta(seconds=config["LOGIN_BACKOFF_SECONDS"] * 2 ** min(excess, 20))
            pair.blocked_until = now + min(backoff, window)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return attempt


def forget_failures(attempt: Attempt) -> None:
    """After a successful login: the pair starts afresh, and the address gets
    back the attempt counted for it. Part of the caller's transaction."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == attempt.pair_key))
    db.session.execute(
        sa.update(LoginThrottle).where(LoginThrottle.key == attempt.address_key, LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1)
    )


def _locked(key: str, now, window: timedelta) -> LoginThrottle:
    """The key's row, created if need be and locked until the transaction ends:
    the upsert takes the row lock (PostgreSQL) or the write lock (SQLite).
    Callers lock the pair before the address, always, so two attempts cannot
    deadlock."""
    table = LoginThrottle.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    upsert = insert(table).values(key=key, failures=0)
    db.session.execute(upsert.on_conflict_do_update(index_elements=[table.c.key],
                                                    set_={"failures": table.c.failures}))
    row = db.session.scalars(
        sa.select(LoginThrottle).where(LoginThrottle.key == key).execution_options(populate_existing=True)
    ).one()
    if row.last_attempt_at is not None and now - row.last_attempt_at >= window:
        row.failures, row.blocked_until = 0, None
    return row
