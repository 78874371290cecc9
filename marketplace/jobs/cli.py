"""`flask --app wsgi jobs ...`: the worker, the periodic jobs, the failed jobs."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.jobs import queue
from marketplace.jobs.registry import PERIODIC, lookup
from marketplace.jobs.runner import perform

jobs_cli = AppGroup("jobs", help="Background jobs.")


def _needs_redis() -> None:
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL: without it, jobs run in the web process after commit.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst):
    """Run jobs from Redis (and their retries) until stopped."""
    _needs_redis()
    from marketplace.jobs.worker import run_worker
    run_worker(burst=burst)


@jobs_cli.command("schedule")
def schedule():
    """Enqueue the periodic jobs when due (RQ's cron scheduler); without REDIS_URL, run them here."""
    if current_app.config.get("REDIS_URL"):
        from marketplace.jobs.worker import run_scheduler
        return run_scheduler()
    due = {name: 0.0 for name in PERIODIC}
    while True:
        for name, periodic in PERIODIC.items():
            if time.monotonic() >= due[name]:
                queue.dispatch(name)
                due[name] = time.monotonic() + periodic.seconds
        time.sleep(1)


@jobs_cli.command("run")
@click.argument("name")
def run(name):
    """Run one job (with no arguments) now, in this process."""
    lookup(name)
    click.echo(f"{name}: {perform(name, {})}")


@jobs_cli.command("failed")
def failed():
    """List the jobs that failed after their retries."""
    jobs = queue.failed_jobs()
    for job in jobs:
        click.echo(f"{job.id}  {job.failed_at or ''}  {job.name} {job.kwargs}  {job.error}")
    click.echo(f"{len(jobs)} failed jobs.")
