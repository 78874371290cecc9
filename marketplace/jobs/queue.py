"""Enqueueing after commit, and the failed jobs.

`enqueue` only notes the job in the session; the session's after_commit hook
hands it on, and after_rollback forgets it, so a rolled-back transaction runs
nothing. With REDIS_URL the job goes to RQ (retried with backoff, then kept in
RQ's failed registry); without it, it runs in-process on the worker thread of
local.py, after the request that caused it has answered, and a failure is
logged and kept in memory for `failed_jobs`.
"""

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.jobs import local
from marketplace.jobs.registry import lookup
from marketplace.jobs.runner import perform

log = logging.getLogger("marketplace.jobs")

_PENDING_KEY = "jobs_to_enqueue"
QUEUE_NAME = "marketplace"
_failed_in_process: deque = deque(maxlen=200)


@dataclass(frozen=True)
class FailedJob:
    id: str
    name: str
    kwargs: dict
    error: str
    failed_at: datetime | None


def enqueue(name: str, **kwargs) -> None:
    """Run the job `name` once the current transaction commits. Raises UnknownJob."""
    enqueue_in(0, name, **kwargs)


def enqueue_in(seconds: int, name: str, **kwargs) -> None:
    """Like enqueue, not before `seconds` (with RQ; in-process it runs at once). Raises UnknownJob."""
    lookup(name)
    db.session.info.setdefault(_PENDING_KEY, []).append((seconds, name, kwargs))


def dispatch(name: str, delay: int = 0, **kwargs) -> None:
    """Hand a job on now, outside any transaction (after-commit hooks call this)."""
    if not current_app.config.get("REDIS_URL"):
        local.worker(current_app._get_current_object()).submit(lambda: _run_in_process(name, kwargs))
        return
    from redis.exceptions import RedisError

    from marketplace.jobs import rq_queue
    try:
        rq_queue.push(name, kwargs, delay)
    except RedisError as exc:  # the cause has committed: never fail its request over the queue
        _record_failure(name, kwargs, exc, "not enqueued, Redis unreachable")


def drain(timeout: float = 10.0) -> bool:
    """Wait until the in-process jobs queued so far (and those they queue) have
    run; True at once with REDIS_URL. False if `timeout` seconds pass first."""
    return local.drain(current_app._get_current_object(), timeout)


def _run_in_process(name: str, kwargs: dict) -> None:
    try:
        perform(name, kwargs)
    except Exception as exc:  # the cause has committed: log it, never fail the request
        _record_failure(name, kwargs, exc, "failed in-process")


def _record_failure(name: str, kwargs: dict, exc: Exception, what: str) -> None:
    log.exception("Job %s %s %s", name, kwargs, what)
    _failed_in_process.append(FailedJob(f"in-process-{len(_failed_in_process) + 1}", name, kwargs,
                                        f"{what}: {type(exc).__name__}: {exc}", datetime.now(timezone.utc)))


def failed_jobs() -> list[FailedJob]:
    """The jobs that failed after their retries, newest first (what an admin page lists)."""
    if current_app.config.get("REDIS_URL"):
        from marketplace.jobs import rq_queue
        return list(reversed(_failed_in_process)) + rq_queue.failed()
    return list(reversed(_failed_in_process))


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    for delay, name, kwargs in session.info.pop(_PENDING_KEY, ()):
        dispatch(name, delay, **kwargs)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


__all__ = ["enqueue", "enqueue_in", "dispatch", "drain", "failed_jobs", "FailedJob"]
