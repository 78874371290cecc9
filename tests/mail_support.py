"""A real SMTP server on loopback (aiosmtpd), for the tests that read mail.

`smtp_server` starts one per test, points MAIL_URL at it and returns the
mailbox: a list of email.message.EmailMessage, in the order they arrived.
`smtp_mailbox()` is the same server as a context manager, for a test that
points a live server's MAIL_URL at it itself (the browser journeys).
"""

import email
import email.policy
import time
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller

from tests.stripe_support import free_port


class Mailbox(list):
    def wait_for(self, count: int = 1, timeout: float = 10.0) -> "Mailbox":
        """Delivery is synchronous after commit, but the server hands messages
        over on its own thread: wait until `count` have arrived."""
        deadline = time.monotonic() + timeout
        while len(self) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self) >= count, f"{len(self)} of {count} messages arrived"
        return self

    def wait_for_one(self, to: str, subject: str, timeout: float = 15.0):
        """The message to `to` whose subject is `subject`, once it has arrived
        (others may come before or after it, in any order)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in list(self) if m["To"] == to and m["Subject"] == subject]
            if found:
                assert len(found) == 1, f"{len(found)} messages to {to}: {subject!r}"
                return found[0]
            time.sleep(0.05)
        arrived = [(m["To"], m["Subject"]) for m in list(self)]
        raise AssertionError(f"no message to {to} with subject {subject!r}; arrived: {arrived}")


class _Keep:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.mailbox.append(message)
        return "250 OK"


@contextmanager
def smtp_mailbox():
    """An SMTP server on a free loopback port: yields (its MAIL_URL, the mailbox)."""
    mailbox = Mailbox()
    controller = Controller(_Keep(mailbox), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}", mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(app, monkeypatch):
    with smtp_mailbox() as (url, mailbox):
        monkeypatch.setitem(app.config, "MAIL_URL", url)
        yield mailbox
