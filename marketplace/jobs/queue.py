"""Enqueueing after commit, and retrying in-process jobs.

`enqueue` only notes the job in the session; the session's after_commit hook
hands it on, and after_rollback forgets it, so a rolled-back transaction runs
nothing. With REDIS_URL the job goes to RQ (retried with backoff, then kept in
RQ's failed registry); without it, it runs in-process on the worker thread of
local.py, after the request that caused it has answered. A failed in-process
job runs again after each of JOBS_RETRY_INTERVALS (seconds), on a timer, while
the other jobs go on; after the last it is recorded in the failed_jobs table
(failures.py), as is a job Redis could not take.
"""

import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.jobs import failures, local
from marketplace.jobs.failures import FailedJob, failed_jobs  # noqa: F401  (what callers read)
from marketplace.jobs.registry import lookup
from marketplace.jobs.runner import perform

log = logging.getLogger("marketplace.jobs")

_PENDING_KEY = "jobs_to_enqueue"
QUEUE_NAME = "marketplace"


def enqueue(name: str, **kwargs) -> None:
    """Run the job `name` once the current transaction commits. Raises UnknownJob."""
    enqueue_in(0, name, **kwargs)


def enqueue_in(seconds: int, name: str, **kwargs) -> None:
    """Like enqueue, not before `seconds` (with RQ; in-process it runs at once). Raises UnknownJob."""
    lookup(name)
    after_commit(lambda: dispatch(name, seconds, **kwargs))


def after_commit(hand_on) -> None:
    """Call `hand_on()` once the current transaction commits; never if it rolls back
    (how a job, or a failed job run again, reaches its queue)."""
    db.session.info.setdefault(_PENDING_KEY, []).append(hand_on)


def dispatch(name: str, delay: int = 0, **kwargs) -> None:
    """Hand a job on now, outside any transaction (after-commit hooks call this)."""
    if not current_app.config.get("REDIS_URL"):
        local.worker(current_app._get_current_object()).submit(lambda: _run_in_process(name, kwargs, 1))
        return
    from redis.exceptions import RedisError

    from marketplace.jobs import rq_queue
    try:
        rq_queue.push(name, kwargs, delay)
    except RedisError as exc:  # the cause has committed: never fail its request over the queue
        log.exception("Job %s %s not enqueued, Redis unreachable", name, kwargs)
        failures.record(name, kwargs, f"not enqueued, Redis unreachable: {type(exc).__name__}: {exc}", 0)


def drain(timeout: float = 10.0) -> bool:
    """Wait until the in-process jobs queued so far (and those they queue, and
    their retries) have run; True at once with REDIS_URL. False if `timeout`
    seconds pass first."""
    return local.drain(current_app._get_current_object(), timeout)


def _run_in_process(name: str, kwargs: dict, attempt: int) -> None:
    try:
        perform(name, kwargs)
    except Exception as exc:  # the cause has committed: retry or record it, never fail the request
        error = f"failed in-process: {type(exc).__name__}: {exc}"
        intervals = current_app.config["JOBS_RETRY_INTERVALS"]
        if attempt > len(intervals):
            log.exception("Job %s %s %s (attempt %d, the last)", name, kwargs, error, attempt)
            failures.record(name, kwargs, error, attempt)
            return
        delay = float(intervals[attempt - 1])
        log.warning("Job %s %s %s (attempt %d); again in %g s", name, kwargs, error, attempt, delay)
        local.worker(current_app._get_current_object()).submit_later(
            delay, lambda: _run_in_process(name, kwargs, attempt + 1),
            abandon=lambda: failures.record(name, kwargs, f"{error} (retry abandoned at exit)", attempt))


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    for hand_on in session.info.pop(_PENDING_KEY, ()):
        hand_on()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


__all__ = ["enqueue", "enqueue_in", "after_commit", "dispatch", "drain", "failed_jobs", "FailedJob"]
