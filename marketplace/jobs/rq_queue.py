"""The RQ side: pushing a job to Redis, and reading RQ's failed registry."""

from datetime import timedelta

from flask import current_app
from redis import Redis
from rq import Queue, Retry
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
    options = dict(retry=Retry(max=len(config["JOBS_RETRY_INTERVALS"]), interval=config["JOBS_RETRY_INTERVALS"]),
                   job_timeout=config["JOBS_TIMEOUT_SECONDS"], failure_ttl=config["JOBS_FAILURE_TTL_SECONDS"],
                   description=name)
    if delay:
        return queue().enqueue_in(timedelta(seconds=delay), perform, name, kwargs, **options)
    return queue().enqueue(perform, name, kwargs, **options)


def failed():
    from marketplace.jobs.queue import FailedJob
    q = queue()
    registry = FailedJobRegistry(queue=q)
    jobs = [job for job in Job.fetch_many(registry.get_job_ids(), connection=q.connection) if job]
    return [FailedJob(job.id, job.args[0], job.args[1], _last_line(job), job.ended_at) for job in reversed(jobs)]


def _last_line(job: Job) -> str:
    text = (job.latest_result().exc_string if job.latest_result() else "") or ""
    return text.strip().splitlines()[-1] if text.strip() else ""
