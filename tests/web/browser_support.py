"""The storefront under a real WSGI server (waitress) on a free loopback port,
with the demo loaded, for the browser tests; and Debian's Chromium for Playwright."""

import os
import socket
import threading
from contextlib import contextmanager

import pytest
from waitress.server import create_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> str:
    """Fail (never skip) when Debian's Chromium is missing, naming the package."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM}: install Debian's 'chromium' package "
                    "(scripts/ensure-chromium, or apt-get install chromium). Playwright's own browser "
                    "download is not used.", pytrace=False)
    return CHROMIUM


@contextmanager
def waitress_serving(app):
    """The app under waitress (several threads) on 127.0.0.1 and a free port."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="ocop-test")
    port = server.effective_port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        thread.join(timeout=10)


def _wait_for(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
