"""Jobs on RQ with a real Redis and real `flask jobs worker` processes started here.

Skipped only when Redis on 127.0.0.1:6379 cannot be reached (CI starts it).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.job import Job

from marketplace import jobs
from marketplace.extensions import db
from tests.factories import ProductFactory, UserFactory, member_of
from tests.jobs import job_support  # noqa: F401  (registers the test jobs here too)
from tests.mail_support import smtp_server  # noqa: F401
from tests.order_support import place_order

ROOT = Path(__file__).resolve().parents[2]
# A Redis database per pytest-xdist worker (6, 7, ...): each flushes its own.
_WORKER_NUMBER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{6 + _WORKER_NUMBER}")


@pytest.fixture
def redis_url(app, monkeypatch):
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisError as exc:
        pytest.skip(f"REDIS UNREACHABLE at {REDIS_URL} ({exc}): the RQ worker tests did not run")
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_RETRY_INTERVALS", [0, 0])  # retry at once: no scheduler lock to wait for
    yield REDIS_URL
    connection.flushdb()


@pytest.fixture
def start_worker(app, redis_url, smtp_server, tmp_path):
    started = []
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_url,
           "MAIL_URL": app.config["MAIL_URL"], "JOBS_IMPORT": "tests.jobs.job_support", "SECRET_KEY": "test",
           "JOBS_MONITORING_INTERVAL": "1", "JOBS_HEARTBEAT_GRACE": "2", "JOBS_MAINTENANCE_INTERVAL": "1",
           "JOBS_WORKER_TTL": "16", "JOBS_TIMEOUT_SECONDS": "60", "JOBS_RETRY_INTERVALS": "0,0"}

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "w")
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    for log in sorted(tmp_path.glob("worker-*.log")):  # captured: pytest shows it when the test fails
        print(f"--- {log.name}\n{log.read_text()[-4000:]}")


def wait_until(condition, timeout=60.0, what="condition", state=None):
    """Poll `condition`; a worker process starting on a busy CI machine can take tens of seconds.
    On a timeout, `state()` (if given) says how far things got."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f"; {state()}" if state else ""))


def test_an_order_placed_with_redis_is_mailed_by_the_worker_process(client, bearer, redis_url, start_worker,
                                                                     smtp_server):
    honey = ProductFactory()
    owner, shopper = member_of(honey.producer), UserFactory()
    place_order(client, bearer(shopper), honey.variants[0].id)
    # One job (the order's announcement) in Redis, nothing mailed: the worker does the rest.
    assert smtp_server == [] and Queue("marketplace", connection=Redis.from_url(redis_url)).count == 1
    start_worker()
    assert {m["To"] for m in smtp_server.wait_for(2, timeout=60)} == {owner.email, shopper.email}


def test_a_worker_killed_mid_job_is_replaced_and_the_job_runs_again_but_mails_once(app, redis_url, start_worker,
                                                                                  smtp_server):
    connection = Redis.from_url(redis_url)
    user = UserFactory()
    jobs.enqueue("tests.slow_notification", user_id=user.id, marker="slow")
    db.session.commit()
    first = start_worker()
    wait_until(lambda: connection.get("slow:pid"), what="the job to start",
               state=lambda: {"attempts": connection.get("slow"), "queued": connection.keys("rq:*")[:20]})
    horse = int(connection.get("slow:pid"))
    first.send_signal(signal.SIGKILL)
    os.kill(horse, signal.SIGKILL)  # the work horse runs in a process group of its own
    first.wait(10)
    start_worker()
    # RQ's maintenance finds the job's heartbeat expired (JOBS_HEARTBEAT_GRACE) and requeues it.
    wait_until(lambda: connection.get("slow") == b"2", timeout=60, what="the job to run again")
    wait_until(lambda: _finished_jobs(connection) >= 2, what="the retried job and the mail to finish")
    time.sleep(1)
    assert len(smtp_server) == 1 and smtp_server[0]["To"] == user.email


def test_a_job_that_keeps_failing_is_retried_then_listed_as_failed(app, redis_url, start_worker, runner):
    connection = Redis.from_url(redis_url)
    jobs.enqueue("tests.always_fails", marker="fails")
    db.session.commit()
    start_worker()
    def failed():
        return [job for job in jobs.failed_jobs() if job.name == "tests.always_fails"]

    wait_until(failed, what="the job to land in the failed registry")
    assert connection.get("fails") == b"3"  # the first run and two retries
    [job] = failed()
    assert job.kwargs == {"marker": "fails"} and "the bank is closed" in job.error
    result = runner.invoke(args=["jobs", "failed"])
    assert f"{job.id}" in result.output and "tests.always_fails {'marker': 'fails'}" in result.output


def _finished_jobs(connection) -> int:
    registry = Queue("marketplace", connection=connection).finished_job_registry
    return sum(1 for job in Job.fetch_many(registry.get_job_ids(), connection=connection) if job)


def test_the_admin_page_lists_an_rq_failure_and_runs_it_again_audited(app, client, redis_url, start_worker):
    from marketplace.audit.models import AuditEntry
    from tests.web.test_backoffice_pages import csrf_of, log_in

    connection = Redis.from_url(redis_url)
    jobs.enqueue("tests.always_fails", marker="page")
    db.session.commit()
    start_worker()
    wait_until(lambda: [job for job in jobs.failed_jobs() if job.name == "tests.always_fails"],
               what="the job to land in the failed registry")
    [failed] = [job for job in jobs.failed_jobs() if job.name == "tests.always_fails"]
    assert (failed.where, failed.attempts) == ("rq", 3)
    admin = UserFactory(email="quantri@example.vn", is_admin=True)
    log_in(client, admin)
    page = client.get("/quan-tri/cong-viec-loi").get_data(as_text=True)
    assert "<code>tests.always_fails</code>" in page and "trên Redis" in page and "the bank is closed" in page
    assert f"/quan-tri/cong-viec-loi/{failed.id}/chay-lai" in page

    response = client.post(f"/quan-tri/cong-viec-loi/{failed.id}/chay-lai",
                           data={"csrf_token": csrf_of(client, "/quan-tri/cong-viec-loi")})
    assert response.status_code == 303
    wait_until(lambda: connection.get("page") == b"4", what="the worker to run it again")  # requeued: no retries left
    wait_until(lambda: failed.id in Queue("marketplace", connection=connection).failed_job_registry.get_job_ids(),
               what="it to fail again")
    db.session.expire_all()
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "job.run_again")).all()
    assert entry.target_id == failed.id and entry.actor_id == admin.id and entry.details["name"] == "tests.always_fails"
