"""Account use cases. Each public function is one transaction."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import ApiToken, LoginFailure, User
from marketplace.accounts.passwords import hash_password, verify_password
from marketplace.database import transactional, utcnow
from marketplace.errors import AuthenticationRequired, Conflict, NotFound, TooManyRequests
from marketplace.extensions import db

TOKEN_PREFIX = "ocop_"


class InvalidCredentials(AuthenticationRequired):
    code, message = "invalid_credentials", "The email or password is wrong."


class EmailTaken(Conflict):
    code, message = "email_taken", "An account with this email already exists."

    def __init__(self):
        super().__init__(errors={"json": {"email": ["An account with this email already exists."]}})


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


@transactional
def register(email: str, password: str, full_name: str, phone: str | None = None) -> User:
    """Create a shopper account.

    Raises EmailTaken.
    """
    return _create_user(email, password, full_name, phone)


@transactional
def create_admin(email: str, password: str, full_name: str = "Platform admin") -> User:
    """Create an admin, or promote the existing account with this email."""
    user = find_user_by_email(email)
    if user is None:
        user = _create_user(email, password, full_name)
    user.is_admin = True
    return user


def _create_user(email, password, full_name, phone=None) -> User:
    if find_user_by_email(email) is not None:
        raise EmailTaken()
    user = User(email=normalise_email(email), password_hash=hash_password(password),
                full_name=full_name, phone=phone)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str, client_ip: str) -> User:
    """Check credentials, throttling repeated failures per email and per address.

    Raises TooManyRequests while throttled, InvalidCredentials otherwise.
    Failures are committed even though the login fails: that is the point.
    """
    keys = {"email": f"email:{normalise_email(email)}", "ip": f"ip:{client_ip}"}
    _refuse_if_throttled(keys)
    user = find_user_by_email(email)
    if user is None or not verify_password(user.password_hash, password) or not user.is_active:
        for key in keys.values():
            db.session.add(LoginFailure(key=key))
        db.session.commit()
        raise InvalidCredentials()
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.key == keys["email"]))
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _refuse_if_throttled(keys: dict) -> None:
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    since = utcnow() - window
    limits = {"email": config["LOGIN_MAX_FAILURES"], "ip": config["LOGIN_MAX_FAILURES_PER_IP"]}
    for kind, key in keys.items():
        failures = db.session.scalars(
            sa.select(LoginFailure.created_at).where(LoginFailure.key == key, LoginFailure.created_at > since)
            .order_by(LoginFailure.created_at)
        ).all()
        if len(failures) >= limits[kind]:
            retry_after = int((failures[0] + window - utcnow()).total_seconds()) + 1
            raise TooManyRequests(
                "Too many failed logins. Try again later.",
                code="login_throttled",
                headers={"Retry-After": str(max(retry_after, 1))},
            )


@transactional
def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a bearer token. The plaintext is returned here and never again."""
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ttl = current_app.config["API_TOKEN_TTL_DAYS"]
    token = ApiToken(
        user_id=user.id, name=name, digest=ApiToken.digest_of(plaintext),
        prefix=plaintext[:12], expires_at=utcnow() + timedelta(days=ttl),
    )
    db.session.add(token)
    db.session.flush()
    return token, plaintext


def list_tokens(user: User) -> list[ApiToken]:
    return db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ).all()


@transactional
def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens.

    Raises NotFound for a token that is not theirs.
    """
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.", code="token_not_found")
    token.revoked_at = token.revoked_at or utcnow()


def user_for_bearer_token(plaintext: str) -> User | None:
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.digest == ApiToken.digest_of(plaintext)))
    now = utcnow()
    if token is None or not token.is_usable(now):
        return None
    # Touch at most once a minute so reads don't become writes on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.commit()
    return token.user
