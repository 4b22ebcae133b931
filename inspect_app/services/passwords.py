"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()


def use_fast_hashing_for_tests() -> None:
    """Cheaper argon2 parameters so a test suite can create many users. Never in production."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A hash to verify against when the email is unknown, so timing does not tell.
DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")
