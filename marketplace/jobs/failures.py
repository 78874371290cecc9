"""The jobs that failed for good, for an admin to see and run again.

Two places keep them: the failed_jobs table (in-process jobs after their
retries, and jobs Redis could not take: ids "db-<n>"), and, with REDIS_URL,
RQ's FailedJobRegistry (ids are RQ's). `failed_jobs` reads both; `run_again`
hands one back to the queue once the caller's transaction commits, so the
caller can record who asked (backoffice/failed_jobs.py writes the audit entry).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from marketplace.database import utcnow
from marketplace.errors import N_, Conflict, NotFound
from marketplace.extensions import db
from marketplace.jobs.models import FailedJobRecord
from marketplace.locking import lock_one

log = logging.getLogger("marketplace.jobs")

DB_PREFIX = "db-"
LISTED = 200


class FailedJobNotFound(NotFound):
    code, message = "failed_job_not_found", N_("No such failed job (it may have been run again already).")


class JobNoLongerExists(Conflict):
    code, message = "job_no_longer_exists", N_("This job no longer exists in this version of the marketplace.")


@dataclass(frozen=True)
class FailedJob:
    id: str
    name: str
    kwargs: dict
    error: str
    failed_at: datetime | None
    attempts: int = 1
    where: str = "in-process"  # or "rq"


def record(name: str, kwargs: dict, error: str, attempts: int) -> None:
    """Keep a failure, on a connection of its own: this runs in after-commit hooks
    (where the session cannot write) and after a job whose session broke."""
    try:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(FailedJobRecord).values(
                name=name, kwargs=kwargs, error=error[:4000], attempts=attempts, failed_at=utcnow()))
    except Exception:  # the database may be what failed: the log still has it
        log.exception("Could not record the failure of job %s %s", name, kwargs)


def _of_record(row: FailedJobRecord) -> FailedJob:
    return FailedJob(f"{DB_PREFIX}{row.id}", row.name, row.kwargs or {}, row.error, row.failed_at, row.attempts)


@dataclass(frozen=True)
class FailedJobs:
    jobs: list[FailedJob]
    redis_unreachable: bool = False  # RQ's failures could not be read: only the table's are listed


def failed_jobs() -> list[FailedJob]:
    """Newest first: the table's, then RQ's (with REDIS_URL; raises RedisError if it is down)."""
    found = _recorded()
    if current_app.config.get("REDIS_URL"):
        from marketplace.jobs import rq_queue
        found += rq_queue.failed()
    return found


def failed_jobs_report() -> FailedJobs:
    """What failed_jobs lists, and whether Redis could be read (for the admin page)."""
    from redis.exceptions import RedisError
    try:
        return FailedJobs(failed_jobs())
    except RedisError:
        log.exception("RQ's failed jobs could not be read")
        return FailedJobs(_recorded(), redis_unreachable=True)


def _recorded() -> list[FailedJob]:
    rows = db.session.scalars(sa.select(FailedJobRecord).where(FailedJobRecord.run_again_at.is_(None))
                              .order_by(FailedJobRecord.id.desc()).limit(LISTED))
    return [_of_record(row) for row in rows]


def run_again(job_id: str) -> FailedJob:
    """Queue the failed job again once the current transaction commits (a table
    failure is marked run again in that transaction; an RQ one is requeued by RQ).

    Raises FailedJobNotFound, JobNoLongerExists.
    """
    from marketplace.jobs.queue import after_commit, enqueue
    from marketplace.jobs.registry import UnknownJob, lookup
    if job_id.startswith(DB_PREFIX) and job_id[len(DB_PREFIX):].isdigit():
        row = lock_one(sa.select(FailedJobRecord).where(FailedJobRecord.id == int(job_id[len(DB_PREFIX):])))
        if row is None or row.run_again_at is not None:
            raise FailedJobNotFound()
        failed = _of_record(row)
        try:
            lookup(failed.name)
        except UnknownJob:
            raise JobNoLongerExists() from None
        row.run_again_at = utcnow()
        enqueue(failed.name, **failed.kwargs)
        return failed
    if not current_app.config.get("REDIS_URL"):
        raise FailedJobNotFound()
    from marketplace.jobs import rq_queue
    failed = rq_queue.failed_one(job_id)
    if failed is None:
        raise FailedJobNotFound()
    after_commit(lambda: rq_queue.requeue(job_id))
    return failed
