"""Forgotten passwords: a single-use, expiring link sent by email.

Asking never reveals whether an account exists: the answer is the same, and
the work done is the same (a token is made and hashed either way). Using the
link sets the new password through `services.set_password`, which ends every
session and remember cookie of the account.
"""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts import services, throttle
from marketplace.accounts.models import PasswordResetToken
from marketplace.database import transactional, utcnow
from marketplace.errors import InvalidInput
from marketplace.extensions import db
from marketplace.mail import services as mail

# The page that sets the new password (accounts/pages.py, account_pages.reset_password);
# the secret is a path segment, so it never sits in a query string that logs keep.
RESET_PATH = "/dat-lai-mat-khau/"


class InvalidResetToken(InvalidInput):
    code, message = "invalid_reset_token", "This password reset link is invalid, used or expired. Ask for a new one."

    def __init__(self):
        super().__init__(errors={"token": ["Invalid, already used or expired."]})


@transactional
def request_reset(email: str, client_address: str) -> None:
    """Mail a reset link to the account with this email, if there is one.
    Counted by the login throttle, so it cannot be used to flood an inbox.

    Raises LoginThrottled.
    """
    email = services.normalise_email(email)
    throttle.count_attempt(email, client_address)  # counted like a failed login: never given back
    secret = secrets.token_urlsafe(32)
    digest = PasswordResetToken.digest_of(secret)
    user = services.find_user_by_email(email)
    if user is None or not user.active:
        return
    now = utcnow()
    # A new link spends the older ones: only the latest mail works.
    db.session.execute(sa.update(PasswordResetToken).where(PasswordResetToken.user_id == user.id,
                                                           PasswordResetToken.used_at.is_(None))
                       .values(used_at=now))
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(PasswordResetToken(user_id=user.id, digest=digest, expires_at=now + timedelta(minutes=minutes)))
    link = f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{RESET_PATH}{secret}"
    mail.send(user.email, "Đặt lại mật khẩu OCOP Marketplace / Reset your password", _reset_text(
        user.full_name, link, minutes), kind="password_reset")


def check_reset_token(secret: str) -> None:
    """Whether the mailed link still works, before the shopper types a new
    password (reset_password checks again, under a lock). Raises InvalidResetToken."""
    token = db.session.scalar(sa.select(PasswordResetToken)
                              .where(PasswordResetToken.digest == PasswordResetToken.digest_of(secret)))
    if token is None or not token.is_usable(utcnow()) or not token.user.active:
        raise InvalidResetToken()


@transactional
def reset_password(secret: str, new_password: str) -> None:
    """Set a new password with a mailed token, once. Raises InvalidResetToken."""
    token = db.session.scalar(sa.select(PasswordResetToken)
                              .where(PasswordResetToken.digest == PasswordResetToken.digest_of(secret))
                              .with_for_update())
    now = utcnow()
    if token is None or not token.is_usable(now) or not token.user.active:
        raise InvalidResetToken()
    token.used_at = now
    services.set_password(token.user, new_password)


def _reset_text(name: str, link: str, minutes: int) -> str:
    return (f"Xin chào {name},\n\n"
            f"Để đặt lại mật khẩu, hãy mở liên kết sau trong {minutes} phút:\n{link}\n\n"
            "Nếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu của bạn không đổi.\n\n"
            f"Hello {name},\n\nTo reset your password, open this link within {minutes} minutes:\n{link}\n\n"
            "If you did not ask for this, ignore this mail; your password stays the same.\n")
