"""The browser tests' own plumbing: they fail, never skip, without Chromium."""

import pytest

from tests.web import browser_support


def test_a_missing_chromium_fails_the_browser_tests_naming_the_package(monkeypatch):
    monkeypatch.setattr(browser_support, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.fail.Exception, match="Debian's 'chromium' package"):
        browser_support.require_chromium()


def test_chromium_is_found_where_debian_installs_it():
    assert browser_support.require_chromium() == "/usr/bin/chromium"


def test_answered_expects_only_the_statuses_it_names():
    expected = browser_support.answered(422, 409)

    assert expected("/thanh-toan", "Failed to load resource: the server responded with a status of 422 (UNPROCESSABLE ENTITY)")
    assert not expected("/thanh-toan", "Failed to load resource: the server responded with a status of 500 ()")
    assert not expected("/thanh-toan", "Failed to load resource: the server responded with a status of 4220 ()")
    assert not expected("/", "Refused to execute inline script because it violates the Content Security Policy")
