"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106)."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_production = PasswordHasher()
# Same algorithm at a tiny work factor, for the test suite only (TestConfig).
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher() -> PasswordHasher:
    return _fast if current_app.config.get("PASSWORD_HASH_FAST") else _production


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash made with the hasher's own parameters, to verify against when the
    email is unknown: Argon2 costs what the hash's parameters say, so an unknown
    email and a wrong password then take the same time."""
    return hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches `password_hash`. With no hash (an unknown
    email), verifies against a dummy hash anyway and returns False."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
