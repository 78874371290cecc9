"""One row per admin action; never changed, never removed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.database import UTCDateTime, utcnow
from marketplace.extensions import db


class AuditLogIsAppendOnly(RuntimeError):
    """An audit entry was about to be changed or removed."""


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who: the account (kept even if its email changes later: the email is a copy from that moment).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_email: Mapped[str] = mapped_column(sa.String(254), default="")
    # What: a dotted code, "producer.approved", "payout.marked_paid"...
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    # To what: a kind of row and its id ("order", "42").
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[str] = mapped_column(sa.String(64))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (sa.Index("ix_audit_log_target", "target_type", "target_id"),)


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, entry):
    raise AuditLogIsAppendOnly(f"audit entry {entry.id} cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, entry):
    raise AuditLogIsAppendOnly(f"audit entry {entry.id} cannot be removed")
