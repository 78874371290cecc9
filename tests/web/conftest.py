"""Fixtures for the browser tests (pytest-playwright driving Debian's Chromium)."""

import pytest

from tests.conftest import _empty_tables
from tests.web.browser_support import CHROMIUM_ARGS, NOT_FOUND, phone_page, require_chromium, waitress_serving


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright launches each browser with a fresh temporary profile (user-data dir) of its own.
    return {**browser_type_launch_args, "executable_path": require_chromium(), "args": CHROMIUM_ARGS,
            "headless": True}


@pytest.fixture(scope="module")
def storefront(_app):
    """The base URL of the storefront, served by waitress with the demo loaded,
    for one module of browser tests; the tables are emptied afterwards."""
    with _app.app_context():
        result = _app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        try:
            with waitress_serving(_app) as base:
                yield base
        finally:
            _empty_tables()


@pytest.fixture
def phone(browser, storefront):
    # A CSP refusal or a missing asset shows here; the 404 page's own status is expected.
    with phone_page(browser, storefront, allow=lambda url, text: url.endswith(NOT_FOUND) and "404" in text) as page:
        yield page
