"""database.transactional runs a service again after a deadlock or a
serialization failure, a bounded number of times, and only the outermost one."""

import psycopg.errors
import pytest
import sqlalchemy as sa

from marketplace.database import TRANSACTION_ATTEMPTS, transactional
from marketplace.errors import handle_database_error


def driver_error(orig: Exception) -> sa.exc.OperationalError:
    return sa.exc.OperationalError("UPDATE variants ...", {}, orig)


DEADLOCK = psycopg.errors.DeadlockDetected("deadlock detected")
SERIALIZATION = psycopg.errors.SerializationFailure("could not serialize access")


def failing(times: int, orig=DEADLOCK):
    calls = []

    @transactional
    def service():
        calls.append(1)
        if len(calls) <= times:
            raise driver_error(orig)
        return "done"

    return service, calls


@pytest.mark.parametrize("orig", [DEADLOCK, SERIALIZATION], ids=["deadlock", "serialization failure"])
def test_a_service_that_lost_a_deadlock_or_serialization_race_runs_again(app, orig):
    service, calls = failing(times=TRANSACTION_ATTEMPTS - 1, orig=orig)

    assert service() == "done"
    assert len(calls) == TRANSACTION_ATTEMPTS


def test_a_service_that_keeps_deadlocking_gives_up_after_the_last_attempt(app):
    service, calls = failing(times=TRANSACTION_ATTEMPTS)

    with pytest.raises(sa.exc.OperationalError):
        service()
    assert len(calls) == TRANSACTION_ATTEMPTS


def test_other_database_errors_are_not_run_again(app):
    service, calls = failing(times=1, orig=psycopg.errors.AdminShutdown("terminating connection"))

    with pytest.raises(sa.exc.OperationalError):
        service()
    assert len(calls) == 1


def test_a_service_called_inside_another_leaves_the_retry_to_the_outer_one(app):
    inner, inner_calls = failing(times=1)
    outer_calls = []

    @transactional
    def outer():
        outer_calls.append(1)
        return inner()

    assert outer() == "done"
    assert (len(outer_calls), len(inner_calls)) == (2, 2)


def test_a_deadlock_that_outlives_the_retries_answers_503_with_retry_after(app):
    response = handle_database_error(driver_error(DEADLOCK))

    assert (response.status_code, response.json["code"], response.headers["Retry-After"]) == (
        503, "database_busy", "1")


def test_a_service_that_committed_part_of_its_work_before_deadlocking_is_not_run_again(app):
    from marketplace.extensions import db

    calls = []

    @transactional
    def service():
        calls.append(1)
        db.session.commit()  # e.g. a first step kept on purpose
        raise driver_error(DEADLOCK)

    with pytest.raises(sa.exc.OperationalError):
        service()
    assert len(calls) == 1


def test_on_sqlite_a_transaction_whose_snapshot_went_stale_runs_again_and_writes_once(app, backend, tmp_path):
    """WAL: a transaction that read before another writer committed may not write
    (SQLITE_BUSY_SNAPSHOT, "database is locked", at once and whatever busy_timeout
    says). That is SQLite's serialization failure, and is run again like one."""
    if backend != "sqlite":
        pytest.skip("SQLite's stale-snapshot refusal")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'wal.db'}")  # the app's SQLite settings apply to it
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE stock (id INTEGER PRIMARY KEY, quantity INTEGER)"))
        conn.execute(sa.text("INSERT INTO stock VALUES (1, 10)"))
    calls = []

    @transactional
    def sell_one():
        with engine.begin() as conn:
            calls.append(conn.scalar(sa.text("SELECT quantity FROM stock WHERE id = 1")))
            if len(calls) == 1:  # another writer commits between this read and this write
                with engine.begin() as other:
                    other.execute(sa.text("UPDATE stock SET quantity = quantity - 5 WHERE id = 1"))
            conn.execute(sa.text("UPDATE stock SET quantity = :q WHERE id = 1"), {"q": calls[-1] - 1})

    sell_one()

    assert calls == [10, 5]
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT quantity FROM stock")) == 4
    engine.dispose()
