"""The mail outbox: one row per message, written in the transaction that caused it."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace.extensions import db


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # the transport refused or could not be reached; `flask mail retry` tries again


class OutboundMail(db.Model):
    __tablename__ = "outbound_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)  # sent as an alternative to the text
    # What the message is about, for the log and for tests ("password_reset", ...).
    kind: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus, 10), default=MailStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
