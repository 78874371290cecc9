"""The RQ worker and the periodic scheduler, run by `flask jobs worker` / `flask jobs schedule`.

A worker that dies mid-job (SIGKILL, a lost machine) leaves its job in RQ's
StartedJobRegistry; once the job's heartbeat has expired, any worker's
maintenance pass retries it (it has retries left) or moves it to the failed
registry. RQ adds a fixed 60 s of grace to every heartbeat; JOBS_HEARTBEAT_GRACE
shortens it, so an abandoned job is noticed in seconds, not minutes.
"""

from flask import current_app
from rq import Worker
from rq.cron import CronScheduler

from marketplace.jobs import rq_queue
from marketplace.jobs.registry import PERIODIC
from marketplace.jobs.runner import perform


class MarketplaceWorker(Worker):
    heartbeat_grace = 60

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        ttl = super().get_heartbeat_ttl(job, working_time)
        return max(1, ttl - 60 + self.heartbeat_grace)


def run_worker(burst: bool = False) -> None:
    config = current_app.config
    worker = MarketplaceWorker([rq_queue.queue()], connection=rq_queue.connection(),
                               job_monitoring_interval=config["JOBS_MONITORING_INTERVAL"],
                               maintenance_interval=config["JOBS_MAINTENANCE_INTERVAL"],
                               worker_ttl=config["JOBS_WORKER_TTL"])
    worker.heartbeat_grace = config["JOBS_HEARTBEAT_GRACE"]
    worker.work(burst=burst, with_scheduler=True)  # the scheduler moves retries and enqueue_in jobs when due


def run_scheduler() -> None:
    scheduler = CronScheduler(connection=rq_queue.connection())
    queue_name = rq_queue.queue().name
    for periodic in PERIODIC.values():
        scheduler.register(perform, queue_name, args=(periodic.name, {}), interval=periodic.seconds,
                           name=periodic.name, job_timeout=current_app.config["JOBS_TIMEOUT_SECONDS"])
    scheduler.start()
