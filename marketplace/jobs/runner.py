"""Running one job inside the app, in-process or in an RQ work horse."""

import logging
import os

from flask import current_app

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


def perform_in_new_context(name: str, kwargs: dict) -> None:
    """Run a job now, in an app context (and so a session) of its own: the
    caller's session has just committed and may be reused by no one."""
    with current_app.app_context():
        perform(name, kwargs)
