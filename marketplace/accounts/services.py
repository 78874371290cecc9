"""Account use cases. Each public function is one transaction."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts import sessions, throttle
from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.passwords import hash_password, verify_password
from marketplace.database import transactional, utcnow
from marketplace.errors import N_, AuthenticationRequired, Conflict, InvalidInput, NotFound
from marketplace.extensions import db

TOKEN_PREFIX = "ocop_"


class InvalidCredentials(AuthenticationRequired):
    code, message = "invalid_credentials", N_("The email or password is wrong.")


class EmailTaken(Conflict):
    code, message = "email_taken", N_("An account with this email already exists.")

    def __init__(self):
        super().__init__(errors={"json": {"email": [N_("An account with this email already exists.")]}})


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


@transactional
def register(email: str, password: str, full_name: str, phone: str | None = None) -> User:
    """Create a shopper account and open a session for it (user.session_secret).

    Raises EmailTaken.
    """
    user = _create_user(email, password, full_name, phone)
    sessions.open_session(user, remember=False)
    return user


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


def authenticate(email: str, password: str, client_address: str) -> User:
    """Check credentials, throttled per (email, address) pair and per address
    (accounts/throttle.py). The attempt is counted before the password is
    checked, and an unknown email costs one Argon2 verification like a known
    one, so neither the time taken nor the answer tells which emails exist.

    Raises LoginThrottled (429) while throttled, InvalidCredentials otherwise.
    Leaves the caller's transaction open on success.
    """
    attempt = throttle.count_attempt(normalise_email(email), client_address)
    user = find_user_by_email(email)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        raise InvalidCredentials()
    throttle.forget_failures(attempt)
    return user


@transactional
def log_in(email: str, password: str, client_address: str, remember: bool = False) -> User:
    """Authenticate and open a server-side session; user.session_secret is
    what Flask-Login stores in the cookies.

    Raises LoginThrottled, InvalidCredentials.
    """
    user = authenticate(email, password, client_address)
    _ensure_password_unchanged(user)
    user.last_login_at = utcnow()
    sessions.open_session(user, remember)
    return user


def _ensure_password_unchanged(user: User) -> None:
    """Lock the user's row and check the hash just verified is still theirs.

    The password was checked without a lock (Argon2 is slow). A password change
    committed meanwhile has already ended every session, so a session opened
    now with the old password would outlive it. Under the lock, a change
    either committed before (and we refuse) or waits for us (and ends the
    session we open).

    Raises InvalidCredentials.
    """
    verified = user.password_hash
    current = db.session.scalar(
        sa.select(User.password_hash).where(User.id == user.id).with_for_update(key_share=True))
    if current != verified:
        raise InvalidCredentials()


@transactional
def log_out(user: User) -> None:
    """End the caller's session (nothing for a bearer-token caller)."""
    sessions.end_session(user.session_secret)
    user.session_secret, user.session_remembered = None, False


@transactional
def log_out_everywhere(user: User) -> None:
    """End every session of the user, on every device, with its remember
    cookie. Bearer tokens are separate and stay (revoke them one by one)."""
    sessions.end_all_sessions(user)


class WrongPassword(InvalidInput):
    code, message = "wrong_password", N_("The current password is wrong.")

    def __init__(self):
        super().__init__(errors={"current_password": [self.message]})


class TokenNotFound(NotFound):
    code, message = "token_not_found", N_("No such token.")


@transactional
def change_password(user: User, current_password: str, new_password: str, client_address: str,
                    revoke_api_tokens: bool = False) -> User:
    """Set a new password, given the current one (checked and throttled as a
    login is). Every session of the user ends; the caller's own, if they use
    one, is renewed under a new secret, so they stay logged in here only.
    Bearer tokens stay unless `revoke_api_tokens`.

    Raises LoginThrottled, WrongPassword.
    """
    kept_secret, remember = user.session_secret, user.session_remembered
    try:
        user = authenticate(user.email, current_password, client_address)
    except InvalidCredentials:
        raise WrongPassword() from None
    set_password(user, new_password, revoke_api_tokens=revoke_api_tokens)
    if kept_secret is not None:
        sessions.open_session(user, remember)
    return user


def set_password(user: User, new_password: str, *, revoke_api_tokens: bool = False) -> None:
    """Store a new password and end every session and remember cookie of the
    user, in the caller's transaction. Any future reset flow goes through here."""
    user.password_hash = hash_password(new_password)
    sessions.end_all_sessions(user)
    if revoke_api_tokens:
        db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))


@transactional
def edit_profile(user: User, changes: dict) -> User:
    """Change the name and/or the phone (a None phone clears it); what is left out stays."""
    for field in ("full_name", "phone"):
        if field in changes:
            setattr(user, field, changes[field])
    return user


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
        raise TokenNotFound()
    token.revoked_at = token.revoked_at or utcnow()


def user_for_bearer_token(plaintext: str) -> User | None:
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.digest == ApiToken.digest_of(plaintext)))
    now = utcnow()
    if token is None or not token.is_usable(now):
        return None
    token.user.session_secret, token.user.session_remembered = None, False  # a bearer token is not a session
    # Touch at most once a minute so reads don't become writes on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.commit()
    return token.user
