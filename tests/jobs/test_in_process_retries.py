"""In-process jobs (no REDIS_URL) that fail are run again after each of
JOBS_RETRY_INTERVALS, on a timer that holds up no other job; after the last
they are recorded in the failed_jobs table, where the admin page reads them.
A retry still waiting when the process ends is recorded as failed too."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import sqlalchemy as sa

from marketplace import jobs
from marketplace.extensions import db
from marketplace.jobs import job
from tests.jobs.job_support import commit_on_another_thread
from marketplace.jobs.models import FailedJobRecord

ROOT = Path(__file__).resolve().parents[2]
attempts: list[tuple[str, float]] = []
failures_left = {"count": 0}


@job("tests.flaky")
def flaky(label: str) -> None:
    attempts.append((label, time.monotonic()))
    if failures_left["count"]:
        failures_left["count"] -= 1
        raise ConnectionError("the carrier's API timed out")


@job("tests.noted")
def noted(label: str) -> None:
    attempts.append((label, time.monotonic()))




def _recorded():
    db.session.expire_all()
    return db.session.scalars(sa.select(FailedJobRecord).where(FailedJobRecord.name == "tests.flaky")).all()


def test_a_failing_job_is_retried_after_each_interval_then_recorded_as_failed(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_RETRY_INTERVALS", [0.2, 0.4])
    attempts.clear()
    failures_left["count"] = 10
    commit_on_another_thread(app, ("tests.flaky", {"label": "ship"}))

    assert not jobs.drain(timeout=0.1)  # the retries are still to come
    assert jobs.drain()
    times = [at for _label, at in attempts]
    assert len(times) == 3  # the first run and one retry per interval
    assert times[1] - times[0] >= 0.2 and times[2] - times[1] >= 0.4
    [record] = _recorded()
    assert (record.kwargs, record.attempts) == ({"label": "ship"}, 3)
    assert "ConnectionError: the carrier's API timed out" in record.error
    [listed] = [failed for failed in jobs.failed_jobs() if failed.name == "tests.flaky"]
    assert listed.id == f"db-{record.id}" and listed.attempts == 3 and listed.where == "in-process"


def test_a_job_that_succeeds_on_a_retry_is_not_recorded(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_RETRY_INTERVALS", [0.05, 0.05])
    attempts.clear()
    failures_left["count"] = 1
    commit_on_another_thread(app, ("tests.flaky", {"label": "ship"}))

    assert jobs.drain()
    assert len(attempts) == 2 and _recorded() == []


def test_the_other_jobs_run_while_a_retry_waits(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_RETRY_INTERVALS", [0.5])
    attempts.clear()
    failures_left["count"] = 1
    commit_on_another_thread(app, ("tests.flaky", {"label": "ship"}), ("tests.noted", {"label": "mail"}))

    assert jobs.drain()
    assert [label for label, _at in attempts] == ["ship", "mail", "ship"]
    assert attempts[1][1] - attempts[0][1] < 0.4  # the mail did not wait for the retry's timer


def test_a_retry_still_waiting_when_the_process_ends_is_recorded_as_failed(tmp_path):
    database = tmp_path / "exit.db"
    script = textwrap.dedent(f"""
        from flask_migrate import upgrade
        from config import TestConfig
        from marketplace import create_app, jobs
        from marketplace.extensions import db
        from marketplace.jobs import local

        @jobs.job("tests.never_works")
        def never_works():
            raise RuntimeError("the bank is closed")

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = "sqlite:///{database}"
            JOBS_RETRY_INTERVALS = [3600]

        local.EXIT_DRAIN_SECONDS = 0.5
        app = create_app(Config)
        with app.app_context():
            upgrade()
            jobs.enqueue("tests.never_works")
            db.session.commit()
        print("committed")
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)

    assert done.returncode == 0, done.stderr
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT name, attempts, error FROM failed_jobs")).all()
    engine.dispose()
    assert [(name, count) for name, count, _error in rows] == [("tests.never_works", 1)]
    assert "retry abandoned at exit" in rows[0][2]
