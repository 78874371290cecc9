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
