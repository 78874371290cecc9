"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_production = PasswordHasher()
# Same algorithm at a tiny work factor, for the test suite only (TestConfig).
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
# A hash to verify against when the email is unknown, so a wrong email and a
# wrong password take the same time.
_DUMMY = _production.hash("not-a-real-password")


def _hasher() -> PasswordHasher:
    return _fast if current_app.config.get("PASSWORD_HASH_FAST") else _production


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
