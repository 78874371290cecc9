"""Writing and reading the audit log."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.audit.models import AuditEntry
from marketplace.clock import VIETNAM_TZ
from marketplace.extensions import db
from marketplace.pagination import paginate


def _actor():
    """The logged-in account behind the action; none from the command line."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, ""


def _plain(value):
    """JSON-safe details: enums by value, dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value") and not isinstance(value, (int, str, float, bool)):
        return value.value
    return value


def record(action: str, target_type: str, target_id, actor_id: int | None = None, **details) -> AuditEntry:
    """Add an entry to the current transaction (it commits with the action it records)."""
    request_actor, email = _actor()
    if actor_id is None:
        actor_id = request_actor
    elif actor_id != request_actor:
        user = db.session.get(User, actor_id)
        email = user.email if user else ""
    entry = AuditEntry(actor_id=actor_id, actor_email=email, action=action, target_type=target_type,
                       target_id=str(target_id), details=_plain(details))
    db.session.add(entry)
    return entry


def _day_start_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VIETNAM_TZ)


def search(actor: str | None = None, action: str | None = None, target_type: str | None = None,
           target_id: str | None = None, since: date | None = None, until: date | None = None,
           page: int = 1, per_page: int = 50):
    """Entries newest first. `actor` is an email (part of one) or an account id;
    `since` and `until` are days in Vietnam, both included."""
    stmt = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if actor:
        actor = actor.strip()
        stmt = stmt.where(AuditEntry.actor_id == int(actor) if actor.isdigit()
                          else AuditEntry.actor_email.ilike(f"%{actor.lower()}%"))
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action.strip()))
    if target_type:
        stmt = stmt.where(AuditEntry.target_type == target_type.strip())
    if target_id:
        stmt = stmt.where(AuditEntry.target_id == str(target_id).strip())
    if since:
        stmt = stmt.where(AuditEntry.at >= _day_start_utc(since))
    if until:
        stmt = stmt.where(AuditEntry.at < _day_start_utc(until + timedelta(days=1)))
    return paginate(stmt, page, per_page)


def actions() -> list[str]:
    """Every action code the log holds, for the filter."""
    return list(db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def target_types() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.target_type).distinct().order_by(AuditEntry.target_type)))
