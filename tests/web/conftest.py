"""Fixtures for the browser tests (pytest-playwright driving Debian's Chromium)."""

import pytest

from tests.conftest import _empty_tables
from tests.web.browser_support import CHROMIUM_ARGS, NOT_FOUND, PHONE, require_chromium, waitress_serving


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
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=storefront)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append((page.url, message.text)))
    yield page
    context.close()
    # A CSP refusal or a missing asset shows here; the 404 page's own status is expected.
    errors = [(url, text) for url, text in errors if not (url.endswith(NOT_FOUND) and "404" in text)]
    assert not errors, f"console errors: {errors}"
