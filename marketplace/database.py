"""Database plumbing shared by every domain: UTC timestamps, the service
transaction boundary, and SQLite settings that make it behave like a real
transactional database."""

from datetime import datetime, timezone
from functools import wraps

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from marketplace.extensions import db


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


def transactional(service):
    """Make a service function one unit of work: commit on return, roll back on any error.

    Services are the only place that commits. Views call one service each.
    """

    @wraps(service)
    def wrapper(*args, **kwargs):
        try:
            result = service(*args, **kwargs)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise

    return wrapper


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
