"""A real SMTP server on loopback (aiosmtpd), for the tests that read mail.

`smtp_server` starts one per test, points MAIL_URL at it and returns the
mailbox: a list of email.message.EmailMessage, in the order they arrived.
"""

import email
import email.policy
import time

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


class _Keep:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.mailbox.append(message)
        return "250 OK"


@pytest.fixture
def smtp_server(app, monkeypatch):
    mailbox = Mailbox()
    controller = Controller(_Keep(mailbox), hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{controller.port}")
    yield mailbox
    controller.stop()
