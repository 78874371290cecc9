"""In-process jobs, when there is no REDIS_URL: one worker thread per process.

A job handed on after commit is queued here and run by the thread, in order,
in an app context (and so a database session) of its own. The request that
caused it answers without waiting for it: a shopper's checkout does not wait
for the producers' mail. Jobs a job queues join the same line. A failed job's
retry waits on a timer (`submit_later`, the backoff of queue.py) and then joins
the line; meanwhile the line goes on.

`drain` waits until the line is empty and no retry is waiting (the tests call
it after each request; the process calls it at exit, so a CLI command's mail
still goes out). A retry still waiting when the exit's patience runs out is
given up: its `abandon` callback records it as failed.
"""

import atexit
import heapq
import itertools
import logging
import os
import threading
import time
from collections import deque
from typing import Callable

from flask import Flask

log = logging.getLogger("marketplace.jobs")

EXIT_DRAIN_SECONDS = 30.0


class Worker:
    """A FIFO of callables, run one at a time on a daemon thread inside `app`,
    and a timer heap of callables that join the FIFO when due."""

    def __init__(self, app: Flask):
        self.app = app
        self._line: deque[Callable[[], None]] = deque()
        self._later: list[tuple[float, int, Callable[[], None], Callable[[], None] | None]] = []
        self._order = itertools.count()
        self._unfinished = 0
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def submit(self, run: Callable[[], None]) -> None:
        self.submit_later(0, run)

    def submit_later(self, seconds: float, run: Callable[[], None],
                     abandon: Callable[[], None] | None = None) -> None:
        """Run `run` on the thread once `seconds` have passed (0: join the line now).
        `abandon` is called instead if the process exits before then."""
        with self._changed:
            if self._pid != os.getpid():  # forked (a gunicorn worker): the parent's thread is not here
                self._line.clear()
                self._later.clear()
                self._unfinished, self._thread, self._pid = 0, None, os.getpid()
            if seconds > 0:
                heapq.heappush(self._later, (time.monotonic() + seconds, next(self._order), run, abandon))
            else:
                self._line.append(run)
            self._unfinished += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="marketplace-jobs", daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every job queued so far, every job those queue and every retry has run. False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._unfinished and self._pid == os.getpid():
                remaining = deadline - time.monotonic()
                if remaining <= 0 or threading.current_thread() is self._thread:
                    return False
                self._changed.wait(remaining)
        return True

    def abandon_waiting(self) -> None:
        """Give up the retries still waiting for their time (the process is ending)."""
        with self._changed:
            waiting, self._later = self._later, []
            self._unfinished -= len(waiting)
            self._changed.notify_all()
        for _due, _order, _run, abandon in sorted(waiting):
            if abandon is not None:
                with self.app.app_context():
                    abandon()

    def _next(self) -> Callable[[], None]:
        with self._changed:
            while True:
                now = time.monotonic()
                while self._later and self._later[0][0] <= now:
                    self._line.append(heapq.heappop(self._later)[2])
                if self._line:
                    return self._line.popleft()
                self._changed.wait(self._later[0][0] - now if self._later else None)

    def _work(self) -> None:
        while True:
            run = self._next()
            try:
                with self.app.app_context():
                    run()
            except Exception:  # run() records its own failures; this is a last resort
                log.exception("In-process job crashed its runner")
            finally:
                with self._changed:
                    self._unfinished -= 1
                    self._changed.notify_all()


_workers: dict[int, Worker] = {}
_workers_lock = threading.Lock()


def worker(app: Flask) -> Worker:
    with _workers_lock:
        found = _workers.get(id(app))
        if found is None or found.app is not app:
            found = _workers[id(app)] = Worker(app)
        return found


def drain(app: Flask, timeout: float = 10.0) -> bool:
    """Wait for `app`'s in-process jobs (a no-op when none were ever queued)."""
    found = _workers.get(id(app))
    return found is None or found.app is not app or found.drain(timeout)


@atexit.register
def _drain_at_exit() -> None:
    for found in list(_workers.values()):
        if not found.drain(EXIT_DRAIN_SECONDS):
            log.warning("In-process jobs still queued at exit were abandoned")
            found.abandon_waiting()
