"""Mail leaves through one module: queued in the sender's transaction, delivered
after commit to a real SMTP server (here on loopback), kept for retry when the
server cannot take it, and never sent for a transaction that rolled back."""

import logging

import pytest

from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.mail import services as mail
from marketplace.mail.models import MailStatus, OutboundMail
from marketplace.mail.transport import SmtpTransport, from_url
from tests.stripe_support import free_port

pytest_plugins = ["tests.mail_support"]


@transactional
def _welcome(to="an@example.vn"):
    return mail.send(to, "Chào mừng đến OCOP", "Xin chào, cảm ơn bạn đã đăng ký.", kind="welcome")


@transactional
def _welcome_then_fail():
    _welcome.__wrapped__()
    raise RuntimeError("the service failed after queueing a mail")


def test_a_committed_mail_arrives_at_the_smtp_server_with_its_vietnamese_text(app, smtp_server):
    sent = _welcome()

    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "an@example.vn"
    assert message["Subject"] == "Chào mừng đến OCOP"
    assert "cảm ơn bạn" in message.get_content()
    assert message["From"] == app.config["MAIL_FROM"]
    assert db.session.get(OutboundMail, sent.id).status is MailStatus.SENT


def test_a_rolled_back_transaction_mails_no_one(app, smtp_server):
    with pytest.raises(RuntimeError):
        _welcome_then_fail()

    assert db.session.query(OutboundMail).count() == 0
    assert smtp_server == []


def test_a_mail_the_server_cannot_take_stays_failed_and_retry_sends_it(app, smtp_server, monkeypatch):
    working = app.config["MAIL_URL"]
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    sent = _welcome()
    db.session.expire_all()
    failed = db.session.get(OutboundMail, sent.id)
    assert (failed.status, failed.attempts) == (MailStatus.FAILED, 1)
    assert failed.last_error

    monkeypatch.setitem(app.config, "MAIL_URL", working)
    assert mail.retry() == (1, 0)
    assert len(smtp_server.wait_for(1)) == 1
    db.session.expire_all()
    assert db.session.get(OutboundMail, sent.id).status is MailStatus.SENT


def test_retry_does_not_send_a_sent_mail_again(app, smtp_server):
    _welcome()
    smtp_server.wait_for(1)

    assert mail.retry() == (0, 0)
    assert len(smtp_server) == 1


def test_by_default_mail_goes_to_the_log_and_the_outbox(app, caplog):
    with caplog.at_level(logging.INFO, logger="marketplace.mail"):
        sent = _welcome("binh@example.vn")

    assert "binh@example.vn" in caplog.text and "Chào mừng đến OCOP" in caplog.text
    db.session.expire_all()
    assert db.session.get(OutboundMail, sent.id).status is MailStatus.SENT


def test_mail_urls_choose_the_transport():
    assert from_url("").__class__.__name__ == "LogTransport"
    smtps = from_url("smtps://ocop%40mail:p%40ss@smtp.example.vn")
    assert isinstance(smtps, SmtpTransport)
    assert (smtps.host, smtps.port, smtps.username, smtps.password) == ("smtp.example.vn", 465, "ocop@mail", "p@ss")
    assert from_url("smtp+starttls://smtp.example.vn").port == 587
    with pytest.raises(ValueError):
        from_url("http://example.vn")
