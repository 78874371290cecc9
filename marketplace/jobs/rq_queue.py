"""The RQ side: pushing a job to Redis, and reading RQ's failed registry."""

from datetime import timedelta

from flask import current_app
from redis import Redis
from rq import Queue, Retry
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from marketplace.jobs.runner import perform


def connection() -> Redis:
    """The app's one Redis client: its pool keeps connections open between
    enqueues (redis-py resets the pool in a forked child by itself)."""
    clients = current_app.extensions.setdefault("jobs_redis", {})
    url = current_app.config["REDIS_URL"]
    if url not in clients:
        clients[url] = Redis.from_url(url)
    return clients[url]


def queue() -> Queue:
    return Queue(current_app.config.get("JOBS_QUEUE", "marketplace"), connection=connection())


def push(name: str, kwargs: dict, delay: int = 0) -> Job:
    config = current_app.config
    intervals = [int(s) for s in config["JOBS_RETRY_INTERVALS"]]
    options = dict(retry=Retry(max=len(intervals), interval=intervals),
                   job_timeout=config["JOBS_TIMEOUT_SECONDS"], failure_ttl=config["JOBS_FAILURE_TTL_SECONDS"],
                   description=name)
    if delay:
        return queue().enqueue_in(timedelta(seconds=delay), perform, name, kwargs, **options)
    return queue().enqueue(perform, name, kwargs, **options)


def _registry() -> FailedJobRegistry:
    return FailedJobRegistry(queue=queue())


def failed():
    q = queue()
    jobs = [job for job in Job.fetch_many(_registry().get_job_ids(), connection=q.connection) if job]
    return [_failed_job(job) for job in reversed(jobs)]


def failed_one(job_id: str):
    """The failed job `job_id`, or None if RQ's failed registry does not hold it."""
    if job_id not in _registry().get_job_ids():
        return None
    try:
        return _failed_job(Job.fetch(job_id, connection=connection()))
    except NoSuchJobError:
        return None


def requeue(job_id: str) -> None:
    """Back on the queue (a job run again meanwhile is left alone)."""
    try:
        _registry().requeue(job_id)
    except (InvalidJobOperation, NoSuchJobError):
        pass


def _failed_job(job: Job):
    from marketplace.jobs.failures import FailedJob
    # push() gives every job as many retries as intervals; a failed one has used them all.
    attempts = 1 + max(0, len(job.retry_intervals or []) - (job.retries_left or 0))
    return FailedJob(job.id, job.args[0], job.args[1], _last_line(job), job.ended_at, attempts, "rq")


def _last_line(job: Job) -> str:
    text = (job.latest_result().exc_string if job.latest_result() else "") or ""
    return text.strip().splitlines()[-1] if text.strip() else ""
