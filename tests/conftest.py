"""Shared fixtures.

The suite runs on SQLite always, and also on PostgreSQL when TEST_DATABASE_URL
is set: every test that touches the database is run once per backend. The
PostgreSQL database named there is wiped at the start of the run.

Each backend's schema is built by the real Alembic migrations (not
create_all), so the whole suite also proves the migrations work. Reference
data (regions) is loaded once; every other table is emptied after each test.
"""

import os
import threading
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from config import TestConfig, normalise_database_url
from marketplace import create_app, jobs
from marketplace.clock import VIETNAM_TZ
from marketplace.extensions import db
from marketplace.regions.services import sync_regions

pytest_plugins = ["tests.stripe_support", "tests.search_engine"]

REFERENCE_TABLES = {"regions", "provinces", "wards", "alembic_version"}
APPEND_ONLY_TABLES = {"audit_log"}  # the audit log's PostgreSQL trigger refuses DELETE

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
# The suite runs in parallel under pytest-xdist (addopts); each worker ("gw0", "gw1")
# has a PostgreSQL database of its own, named after TEST_DATABASE_URL's.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _database_url(backend: str, tmp_path_factory) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = normalise_database_url(os.environ["TEST_DATABASE_URL"])
    if WORKER:
        url = _database_of_this_worker(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _maintenance(url: str) -> sa.Engine:
    return sa.create_engine(sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _database_of_this_worker(url: str) -> str:
    own = sa.engine.make_url(url)
    own = own.set(database=f"{own.database}_{WORKER}")
    engine = _maintenance(url)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def _drop_database_of_this_worker(url: str) -> None:
    engine = _maintenance(url)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def _app(backend, tmp_path_factory):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = _database_url(backend, tmp_path_factory)
        STORAGE_DIR = str(tmp_path_factory.mktemp(f"storage-{backend}"))  # not instance/

    app = create_app(Config)
    app.test_client_class = Client
    if not sa.event.contains(Session, "after_commit", _wait_for_the_jobs_of_a_test_commit):
        sa.event.listen(Session, "after_commit", _wait_for_the_jobs_of_a_test_commit)
    with app.app_context():
        if backend == "sqlite":
            sa.event.listen(db.engine, "connect", _no_fsync)
        upgrade()
        sync_regions()
    yield app
    with app.app_context():
        jobs.drain()
        db.engine.dispose()
    if WORKER and backend == "postgresql":
        _drop_database_of_this_worker(Config.SQLALCHEMY_DATABASE_URI)


def _wait_for_the_jobs_of_a_test_commit(session):
    """Without REDIS_URL, the jobs a commit causes run on the in-process worker
    thread while the committer goes on. A test reads what they did, and its
    factories must not write beside them on SQLite: so a commit on the test's
    own thread (its factories, its test-client requests) returns once its jobs
    have run. Commits on other threads (the live server's) are left alone;
    tests/jobs/test_in_process_worker.py shows the committer not waiting.
    Listened for after the app's own after_commit hooks, which queue the jobs."""
    if threading.current_thread() is threading.main_thread() and has_app_context():
        assert jobs.drain(), "the in-process jobs of a commit did not finish within 10 s"


def _no_fsync(dbapi_connection, _record):
    """A test database need not survive a power cut: skip fsync on every commit."""
    dbapi_connection.execute("PRAGMA synchronous=OFF")
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


def _empty_tables():
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    db.session.remove()
    # DELETE, children first, on both backends: on PostgreSQL, TRUNCATE of a
    # dozen near-empty tables costs ~0.3 s per test, DELETE ~0.02 s.
    with db.engine.begin() as conn:
        for table in tables:
            if table.name in APPEND_ONLY_TABLES and conn.dialect.name == "postgresql":
                conn.execute(sa.text(f"TRUNCATE {table.name}"))  # its trigger refuses DELETE
            else:
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clear_of_midnight_in_vietnam():
    """"Today" is the date in Vietnam; a test that straddles its midnight (17:00 UTC)
    would compare two different days. No test takes 20 s, so one that would start
    closer to midnight than that waits until just after it."""
    now = datetime.now(VIETNAM_TZ)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=VIETNAM_TZ)
    if (midnight - now).total_seconds() < 20:
        time.sleep((midnight - now).total_seconds() + 0.5)


@pytest.fixture
def postgresql_only(backend):
    """For races: SQLite ignores SELECT ... FOR UPDATE and serialises every writer."""
    if backend != "postgresql":
        pytest.skip("SQLite ignores SELECT ... FOR UPDATE and serialises all writers on the whole file, "
                    "so these races can only be run on PostgreSQL (set TEST_DATABASE_URL)")


@pytest.fixture
def app(_app):
    with _app.app_context():
        yield _app
        jobs.drain()  # nothing a test caused may write into the next one
        _empty_tables()


class Client(FlaskClient):
    """A test client whose requests never inherit the previous request's user.

    Requests run inside the test's app context (so the test and the app share one
    session), and so share its `g`, where Flask-Login caches the current user.
    Without this, a request would act as whoever the previous request did,
    whatever cookie or Authorization header it sends.

    The API answers its error messages in the request's language (Vietnamese by
    default); the API tests read them in English, so a request to /api/ that
    names no language asks for English.    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF caches the session's CSRF token there: another client's is wrong here
        if args and isinstance(args[0], str) and args[0].startswith("/api/"):
            headers = dict(kwargs.get("headers") or {})
            if not any(name.lower() == "accept-language" for name in headers):
                kwargs["headers"] = {**headers, "Accept-Language": "en"}
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log in as someone, either with a session cookie or a bearer token."""

    def __init__(self, client):
        self._client = client

    def login(self, email, password="correct horse battery"):
        return self._client.post("/api/v1/auth/login", json={"email": email, "password": password})

    def logout(self):
        return self._client.post("/api/v1/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def bearer(app):
    """bearer(user) → headers that authenticate as that user."""
    from marketplace.accounts.services import create_token

    def headers_for(user):
        _token, plaintext = create_token(user, "tests")
        return {"Authorization": f"Bearer {plaintext}"}

    return headers_for


@pytest.fixture
def shopper(app):
    """A shopper's account (a module may define its own)."""
    from tests.factories import UserFactory
    return UserFactory()


@pytest.fixture
def as_shopper(bearer, shopper):
    """Headers that authenticate as `shopper`."""
    return bearer(shopper)
