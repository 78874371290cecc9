"""The search outbox: changes recorded in the writer's transaction; drained later.

No service writes here: tracking.py notes, from the writes themselves, which
products' documents a transaction changes, and service.py turns them into
outbox rows as it commits. The embedded backend applies them instead, before
that transaction commits (so SQL search is never stale); other backends drain
the rows with ``flask --app wsgi search sync``.
"""

from datetime import timedelta

import sqlalchemy as sa

from marketplace.database import utcnow
from marketplace.extensions import db
from search.documents import documents_for
from search import tracking
from search.models import SearchOutbox

MAX_BACKOFF = timedelta(minutes=10)

# A PostgreSQL advisory lock key, arbitrary but fixed. A full reindex holds the
# lock for its whole transaction; sync workers share it. So while a reindex
# loads a new Elasticsearch index, changes wait in the outbox and reach the new
# index once the alias points at it, instead of landing in the old index and
# vanishing with it. (SQLite has no such locks; with it, pause `search sync`
# while reindexing.)
REINDEX_LOCK = 0x0C0B_5EA2


def product_changed(*product_ids: int) -> None:
    """Queue these products for reindexing as the caller's transaction commits,
    by hand (a script, a repair). Writes through the session need no such call."""
    tracking.note_products(db.session, product_ids)


def drain(backend, batch_size: int = 500) -> dict:
    """Apply one batch of due outbox rows to `backend`. Returns counts.

    Rows are claimed with SKIP LOCKED on PostgreSQL so several sync workers can
    run at once. A backend failure leaves the rows in place with a backoff.
    While a reindex runs, it applies nothing (see REINDEX_LOCK).
    """
    if not _sync_may_run():
        db.session.rollback()
        return {"indexed": 0, "removed": 0, "failed": 0, "rows": 0, "paused": True}
    now = utcnow()
    stmt = (sa.select(SearchOutbox).where(SearchOutbox.available_at <= now)
            .order_by(SearchOutbox.id).limit(batch_size).with_for_update(skip_locked=True))
    rows = db.session.scalars(stmt).all()
    if not rows:
        db.session.rollback()
        return {"indexed": 0, "removed": 0, "failed": 0, "rows": 0, "paused": False}
    documents, removed = documents_for(r.product_id for r in rows)
    try:
        backend.apply(documents, removed)
    except Exception as exc:  # the backend is down or refused: keep the rows, retry later
        for row in rows:
            row.attempts += 1
            row.available_at = now + min(timedelta(seconds=2 ** row.attempts), MAX_BACKOFF)
            row.last_error = str(exc)[:500]
        db.session.commit()
        return {"indexed": 0, "removed": 0, "failed": len(rows), "rows": len(rows), "paused": False}
    for row in rows:
        db.session.delete(row)
    db.session.commit()
    return {"indexed": len(documents), "removed": len(removed), "failed": 0, "rows": len(rows), "paused": False}


def backlog() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox))


def lock_for_reindex() -> None:
    """Pause every sync worker until the caller's transaction ends (PostgreSQL)."""
    if _postgresql():
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(REINDEX_LOCK)))


def _sync_may_run() -> bool:
    """False while a reindex holds the lock; otherwise shares it until this transaction ends."""
    if not _postgresql():
        return True
    return db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock_shared(REINDEX_LOCK)))


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"
