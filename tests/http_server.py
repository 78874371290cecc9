"""The app on a loopback port, for tests that must go over real HTTP: a
threaded werkzeug server, so concurrent requests really run at once, each in
its own thread, app context, database session and connection."""

import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server


@contextmanager
def serving(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def http_server(app):
    """The base URL of the app served over HTTP for this test."""
    with serving(app) as base:
        yield base
