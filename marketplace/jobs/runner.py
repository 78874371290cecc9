"""Running one job inside the app: on the in-process worker thread, or in an RQ work horse."""

import logging
import os

from marketplace.extensions import db
from marketplace.jobs.registry import lookup

log = logging.getLogger("marketplace.jobs")

_engine_pid = os.getpid()


def perform(name: str, kwargs: dict):
    """What RQ runs. The worker command holds the app context; the forked work
    horse inherits it, but must not share the parent's pooled connections."""
    global _engine_pid
    if os.getpid() != _engine_pid:
        db.engine.dispose(close=False)
        _engine_pid = os.getpid()
    try:
        return lookup(name)(**kwargs)
    finally:
        db.session.remove()

