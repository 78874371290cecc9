"""Server-side sessions: one UserSession row per logged-in browser.

The session cookie and the remember cookie carry the row's secret (through
User.get_id); every request looks the row up by its digest, one indexed read.
Logging out deletes the row, so a copy of either cookie is worthless after.
"""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_login.config import COOKIE_DURATION

from marketplace.accounts.models import User, UserSession
from marketplace.database import utcnow
from marketplace.extensions import db


def open_session(user: User, remember: bool) -> str:
    """Start a session for `user` in the caller's transaction; sets and returns
    user.session_secret. It lasts as long as the cookies that carry it: the
    remember cookie's duration, or else Flask's PERMANENT_SESSION_LIFETIME."""
    config = current_app.config
    lifetime = config.get("REMEMBER_COOKIE_DURATION", COOKIE_DURATION) if remember \
        else config["PERMANENT_SESSION_LIFETIME"]
    if not isinstance(lifetime, timedelta):
        lifetime = timedelta(seconds=lifetime)
    now = utcnow()
    # Expired rows are only clutter: drop this user's while we are here.
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    secret = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, digest=UserSession.digest_of(secret), remember=remember,
                               created_at=now, expires_at=now + lifetime))
    db.session.flush()
    user.session_secret, user.session_remembered = secret, remember
    return secret


def user_for_session(secret: str) -> User | None:
    """The user of a live session, or None (logged out, revoked, expired, or a
    cookie from before sessions were kept on the server)."""
    row = db.session.execute(
        sa.select(User, UserSession.remember).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.digest == UserSession.digest_of(secret), UserSession.expires_at > utcnow())
    ).first()
    if row is None:
        return None
    user, user.session_secret, user.session_remembered = row.User, secret, row.remember
    return user


def end_session(secret: str | None) -> None:
    """Delete one session, in the caller's transaction. None (a bearer-token
    caller has no session) does nothing."""
    if secret is not None:
        db.session.execute(sa.delete(UserSession).where(UserSession.digest == UserSession.digest_of(secret)))


def end_all_sessions(user: User) -> None:
    """Delete every session of the user, in the caller's transaction: every
    session cookie and remember cookie they have stops working."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    user.session_secret, user.session_remembered = None, False
