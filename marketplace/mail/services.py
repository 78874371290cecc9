"""Queueing and delivering mail.

A service calls `send` inside its own transaction: the message is a row in the
outbox, so a rolled-back transaction mails no one. Once the transaction has
committed, the message is delivered (in-process by default); a message the
transport could not take stays in the outbox, failed, for `flask mail retry`.
"""

import logging
from typing import Callable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.mail.models import MailStatus, OutboundMail
from marketplace.mail.transport import MailNotSent, Message, from_url

log = logging.getLogger("marketplace.mail")

_PENDING_KEY = "mail_to_deliver"
MAX_ATTEMPTS = 8


# Who delivers a message once its transaction commits: deliver() in-process by
# default; the jobs package plugs its queue in here (mail sits below it).
_dispatch: Callable[[int], object] | None = None


def deliver_with(dispatch: Callable[[int], object]) -> None:
    global _dispatch
    _dispatch = dispatch


def send(to: str, subject: str, text: str, kind: str, html: str | None = None) -> OutboundMail:
    """Queue a message (plain text, and HTML if given) in the current transaction; it is delivered after commit."""
    mail = OutboundMail(to_address=to, subject=subject[:200], body_text=text, body_html=html, kind=kind)
    db.session.add(mail)
    db.session.flush()
    db.session.info.setdefault(_PENDING_KEY, []).append(mail.id)
    return mail


def deliver(mail_id: int) -> bool:
    """Hand one queued (or failed) message to the transport; True once sent.
    Uses a connection of its own, so it can run right after a commit."""
    table = OutboundMail.__table__
    with db.engine.begin() as conn:
        row = conn.execute(sa.select(table).where(table.c.id == mail_id, table.c.status != MailStatus.SENT)
                           .with_for_update(skip_locked=True)).first()
        if row is None:
            return False  # already sent, or another worker has it
        message = Message(sender=current_app.config["MAIL_FROM"], to=row.to_address, subject=row.subject,
                          text=row.body_text, html=row.body_html)
        try:
            _transport().send(message)
        except MailNotSent as exc:
            log.warning("Mail %s (%s) to %s not sent: %s", row.id, row.kind, row.to_address, exc)
            conn.execute(table.update().where(table.c.id == mail_id).values(
                status=MailStatus.FAILED, attempts=row.attempts + 1, last_error=str(exc)[:500]))
            return False
        conn.execute(table.update().where(table.c.id == mail_id).values(
            status=MailStatus.SENT, attempts=row.attempts + 1, last_error="", sent_at=utcnow()))
    return True


def retry() -> tuple[int, int]:
    """Deliver every message still queued or failed (fewer than MAX_ATTEMPTS tries). Returns (sent, not sent)."""
    ids = db.session.scalars(sa.select(OutboundMail.id).where(
        OutboundMail.status != MailStatus.SENT, OutboundMail.attempts < MAX_ATTEMPTS).order_by(OutboundMail.id)).all()
    db.session.commit()
    sent = sum(deliver(mail_id) for mail_id in ids)
    return sent, len(ids) - sent


def _transport():
    return from_url(current_app.config["MAIL_URL"])


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING_KEY, None)
    if ids:
        for mail_id in ids:
            (_dispatch or deliver)(mail_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
