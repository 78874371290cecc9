"""Jobs only the tests enqueue; a worker started by a test imports this module (JOBS_IMPORT)."""

import os
import threading
import time

from flask import current_app
from redis import Redis

from marketplace import jobs
from marketplace.extensions import db
from marketplace.jobs import job
from marketplace.notifications import services


def _redis() -> Redis:
    return Redis.from_url(current_app.config["REDIS_URL"])


@job("tests.slow_notification")
def slow_notification(user_id: int, marker: str) -> str:
    """Sends a notification; the first time, then stays busy until the test kills the worker."""
    attempt = _redis().incr(marker)
    result = services.send("payout_paid", user_id, f"payout_paid:killed:{user_id}", "", {"amount": "1.000 ₫"})
    if attempt == 1:
        _redis().set(f"{marker}:pid", os.getpid())
        time.sleep(120)
    return result


@job("tests.always_fails")
def always_fails(marker: str) -> None:
    _redis().incr(marker)
    raise RuntimeError("the bank is closed")


def commit_on_another_thread(app, *queued: tuple[str, dict]) -> None:
    """Enqueue and commit as a live-server request would: off the test's thread, whose
    commits the suite makes wait for their in-process jobs (tests/conftest.py)."""
    def commit():
        with app.app_context():
            for name, kwargs in queued:
                jobs.enqueue(name, **kwargs)
            db.session.commit()

    committer = threading.Thread(target=commit)
    committer.start()
    committer.join(10)
    assert not committer.is_alive()
