"""Database plumbing shared by every domain: UTC timestamps, the service
transaction boundary (retried on a deadlock or serialization failure), a
second try on a fresh connection for safe requests whose connection dropped,
and SQLite settings that make it behave like a real transactional database."""

import logging
import random
import time
from datetime import datetime, timezone
from functools import wraps

import sqlalchemy as sa
from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from marketplace.extensions import db

log = logging.getLogger(__name__)

# SQLSTATEs after which running the whole transaction again is the documented
# remedy: serialization_failure and deadlock_detected.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# SQLite's equivalents: SQLITE_BUSY (another writer held the file past busy_timeout)
# and SQLITE_BUSY_SNAPSHOT (in WAL, a transaction that read before another writer
# committed may not write: its snapshot is stale). Both leave nothing written.
_RETRYABLE_SQLITE_CODES = frozenset({5, 517})
TRANSACTION_ATTEMPTS = 3
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops tzinfo)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def enum_column(enum_cls, length: int = 20, name: str | None = None):
    """Store enums as their string values, checked by a named constraint.

    Two columns of one enum in one table need distinct `name`s: PostgreSQL
    refuses two check constraints with the same name on a table."""
    return sa.Enum(enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                   validate_strings=True, create_constraint=True, name=name or enum_cls.__name__.lower())


def is_transaction_conflict(error: BaseException) -> bool:
    """A deadlock or serialization failure (on SQLite, a busy or stale-snapshot
    refusal): the transaction wrote nothing, and running it again from the
    start is expected to succeed."""
    if not isinstance(error, DBAPIError):
        return False
    return (getattr(error.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
            or getattr(error.orig, "sqlite_errorcode", None) in _RETRYABLE_SQLITE_CODES)


def is_connection_lost(error: BaseException) -> bool:
    """The connection died under the statement (server restart, pg_terminate_backend, network)."""
    return isinstance(error, DBAPIError) and error.connection_invalidated


_COMMITS = "commits"  # in session.info: how many times the session has committed


@event.listens_for(Session, "after_commit")
def _count_commits(session: Session) -> None:
    session.info[_COMMITS] = session.info.get(_COMMITS, 0) + 1


def transactional(service):
    """Make a service function one unit of work: commit on return, roll back on any error.

    Services are the only place that commits. Views call one service each.

    A deadlock or serialization failure is not the caller's fault: the whole
    function runs again (at most TRANSACTION_ATTEMPTS times in all, after a
    short random pause so the two sides don't collide again), since the
    database has rolled back everything it did. Only the outermost service
    retries (a nested one cannot redo its caller's work), and only if the
    attempt committed nothing (a service that commits part of its work, then
    fails, must not do that part twice). What is still a conflict after the
    last attempt propagates (errors.py: 503, Retry-After).
    """

    @wraps(service)
    def wrapper(*args, **kwargs):
        outermost = not db.session.info.get("in_service")
        db.session.info["in_service"] = True
        try:
            for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
                commits = db.session.info.get(_COMMITS, 0)
                try:
                    result = service(*args, **kwargs)
                    db.session.commit()
                    return result
                except BaseException as error:
                    db.session.rollback()
                    if not (outermost and attempt < TRANSACTION_ATTEMPTS and is_transaction_conflict(error)
                            and db.session.info.get(_COMMITS, 0) == commits):
                        raise
                    log.warning("%s: %s; running it again (attempt %d)", service.__qualname__,
                                type(error.orig).__name__, attempt + 1)
                    time.sleep(random.uniform(0.005, 0.02) * attempt)
        finally:
            if outermost:
                db.session.info.pop("in_service", None)

    return wrapper


def init_app(app: Flask) -> None:
    """A safe request (GET, HEAD) whose database connection dropped under it is
    run once more on a fresh connection: it changed nothing, so repeating it is
    harmless. A write is not repeated (it may have committed before the
    connection died): errors.py answers it with 503 and Retry-After."""
    dispatch = app.dispatch_request

    @wraps(dispatch)
    def dispatch_request():
        try:
            return dispatch()
        except DBAPIError as error:
            if not is_connection_lost(error) or request.method not in SAFE_METHODS:
                raise
            log.warning("Database connection lost during %s %s; trying once more", request.method, request.path)
            # The pool has invalidated the dead connection; the next query checks out a live one.
            db.session.remove()
            g.pop("_login_user", None)  # Flask-Login's user belonged to the discarded session
            return dispatch()

    app.dispatch_request = dispatch_request


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin,
    # so SAVEPOINTs and rollbacks behave as on PostgreSQL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # WAL lets readers work while a writer commits; with it, synchronous=NORMAL
    # survives an application crash and costs one fsync per checkpoint, not per commit.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Search reads many rows per request: keep hot pages in memory (64 MiB of
    # cache per connection, reads through mmap) and sorts off the disk.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
