"""Races for the PostgreSQL concurrency tests.

Each attempt runs in its own thread, with its own app context, database
session and connection, and all are released together by a barrier. Whatever
they commit stays visible to the test (the `app` fixture empties the tables
afterwards). The `postgresql_only` fixture (conftest.py) skips them on SQLite,
which ignores SELECT ... FOR UPDATE.
"""

import threading

from marketplace.extensions import db


def race(app, attempts, *, with_client: bool = False) -> list:
    """Run each attempt in its own thread, all released at once: attempt(client)
    with a test client of its own if `with_client`, else attempt(). Returns their
    results, or the exception an attempt raised, in order."""
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(index, attempt):
        with app.app_context():
            arguments = (app.test_client(),) if with_client else ()
            barrier.wait(timeout=30)
            try:
                results[index] = attempt(*arguments)
            except Exception as exc:  # a deadlock or any crash is reported, never lost with its thread
                results[index] = exc
            finally:
                db.session.remove()

    run_in_threads(run, attempts)
    db.session.expire_all()  # the test's own session now reads what the threads committed
    return results


def run_in_threads(run, attempts) -> None:
    """run(index, attempt) for each attempt, each in a thread of its own; the test fails if one never finishes."""
    threads = [threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an attempt never finished"


def crashes(results) -> list[Exception]:
    return [r for r in results if isinstance(r, Exception)]
