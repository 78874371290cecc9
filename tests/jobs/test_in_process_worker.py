"""The in-process worker thread (no REDIS_URL): the committer does not wait for
the jobs it caused, they run in order in sessions of their own, a failure is
retried, then kept, and stops nothing else (tests/jobs/test_in_process_retries.py), and the jobs still queued at exit run before the
process ends."""

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from marketplace import jobs
from marketplace.extensions import db
from marketplace.jobs import job
from tests.jobs.job_support import commit_on_another_thread
from marketplace.jobs.queue import failed_jobs

ROOT = Path(__file__).resolve().parents[2]
release = threading.Event()
ran: list[str] = []


@job("tests.waits_for_release")
def waits_for_release(label: str) -> None:
    assert release.wait(10), "the test never released the job"
    ran.append(label)


@job("tests.records")
def records(label: str, then: str | None = None) -> None:
    ran.append(label)
    if then:
        jobs.enqueue("tests.records", label=then)
        db.session.commit()


@job("tests.breaks")
def breaks(label: str) -> None:
    ran.append(label)
    raise RuntimeError("the bank is closed")




def test_the_committer_goes_on_while_its_job_waits_and_drain_waits_for_it(app):
    ran.clear()
    release.clear()
    commit_on_another_thread(app, ("tests.waits_for_release", {"label": "mail"}))

    assert ran == [] and not jobs.drain(timeout=0.2)
    release.set()
    assert jobs.drain() and ran == ["mail"]


def test_jobs_run_in_order_and_drain_waits_for_the_jobs_a_job_queues(app):
    ran.clear()
    commit_on_another_thread(app, ("tests.records", {"label": "first", "then": "third"}),
                              ("tests.records", {"label": "second"}))

    assert jobs.drain()
    assert ran == ["first", "second", "third"]


def test_a_failed_job_is_kept_for_the_admin_and_the_next_job_still_runs(app):
    ran.clear()
    commit_on_another_thread(app, ("tests.breaks", {"label": "payout"}), ("tests.records", {"label": "after"}))

    assert jobs.drain()
    assert ran == ["payout", "after", "payout", "payout"]  # its retries wait on a timer; the line goes on
    newest = failed_jobs()[0]
    assert (newest.name, newest.kwargs, newest.attempts) == ("tests.breaks", {"label": "payout"}, 3)
    assert "the bank is closed" in newest.error


def test_jobs_still_queued_when_a_command_ends_run_before_the_process_exits(tmp_path):
    marker = tmp_path / "ran"
    script = textwrap.dedent(f"""
        import time
        from config import TestConfig
        from marketplace import create_app, jobs
        from marketplace.extensions import db

        @jobs.job("tests.slow_write")
        def slow_write():
            time.sleep(0.5)
            open({str(marker)!r}, "w").write("done")

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = "sqlite:///{tmp_path / 'exit.db'}"

        with create_app(Config).app_context():
            jobs.enqueue("tests.slow_write")
            db.session.commit()
        print("committed")
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "committed"
    assert marker.read_text() == "done"
