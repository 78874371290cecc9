"""One fixed interleaving of two transactions, for the PostgreSQL race tests.

A race left to the scheduler shows a read-then-lock bug now and then; these
tests show it every time. The first actor is held, its transaction open and
its row locks taken, right after a chosen function returns. The second actor
runs meanwhile, and the first is let go the moment the second sends a
statement that would wait for it (a SELECT ... FOR UPDATE, or an UPDATE of a
row the first holds). So the second has read before the first committed, and
locks or writes after: the window a stale read needs.

Nothing here times the actors: waits are bounded only so that a broken test
fails instead of hanging.
"""

import re
import threading
from functools import wraps

import pytest
import sqlalchemy as sa

from marketplace.extensions import db

WAIT = 15  # seconds; a bound, never an expectation


class Interleaving:
    def __init__(self, monkeypatch, engine):
        self._monkeypatch, self._engine = monkeypatch, engine
        self.holding, self.released = threading.Event(), threading.Event()
        self.holder: int | None = None
        self.released_by: str | None = None  # the statement that let the first actor go
        self._pattern: re.Pattern | None = None

    def hold_after(self, module, name: str) -> None:
        """The first actor to call module.name is held after it returns, until released."""
        original = getattr(module, name)

        @wraps(original)
        def held(*args, **kwargs):
            result = original(*args, **kwargs)
            if self.holder is None:
                self.holder = threading.get_ident()
                self.holding.set()
                self.released.wait(WAIT)
            return result

        self._monkeypatch.setattr(module, name, held)

    def release_on(self, pattern: str) -> None:
        """Let the held actor go when another thread sends SQL matching `pattern`."""
        self._pattern = re.compile(pattern, re.IGNORECASE | re.DOTALL)
        sa.event.listen(self._engine, "before_cursor_execute", self._before_cursor_execute)

    def _before_cursor_execute(self, _conn, _cursor, statement, *_args):
        if (self.holding.is_set() and not self.released.is_set() and threading.get_ident() != self.holder
                and self._pattern.search(statement)):
            self.released_by = statement
            self.released.set()

    def wait_until_holding(self) -> None:
        assert self.holding.wait(WAIT), "the first actor never reached the point where it is held"

    def close(self) -> None:
        self.released.set()
        if self._pattern is not None:
            sa.event.remove(self._engine, "before_cursor_execute", self._before_cursor_execute)


@pytest.fixture
def interleaving(app, monkeypatch):
    fixed = Interleaving(monkeypatch, db.engine)
    yield fixed
    fixed.close()


def in_thread(work, app=None) -> tuple[threading.Thread, list]:
    """Start work() in a thread (in an app context of its own, given `app`); its
    result, or the exception it raised, lands in the returned list."""
    outcome = []

    def run():
        context = app.app_context() if app is not None else None
        if context is not None:
            context.push()
        try:
            outcome.append(work())
        except Exception as exc:  # reported to the test, never lost with the thread
            outcome.append(exc)
        finally:
            if context is not None:
                db.session.remove()
                context.pop()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome
