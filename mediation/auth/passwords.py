"""Password policy and argon2id hashing (SECURITY.md S2, S3)."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 15
MAX_LENGTH = 128

_HASHERS = {
    # RFC 9106 low-memory profile: argon2id, t=3, m=64 MiB, p=4.
    "rfc9106_low_memory": PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY),
    # Tests only: the cheapest parameters keep the suite fast.
    "cheapest": PasswordHasher.from_parameters(profiles.CHEAPEST),
}


def hasher() -> PasswordHasher:
    return _HASHERS[current_app.config["PASSWORD_HASH_PROFILE"]]


def normalise(password: str) -> str:
    """NFKC only: no trimming, no case change, no truncation."""
    return unicodedata.normalize("NFKC", password)


def policy_error(password: str):
    """Return a translatable reason the password is refused, or None."""
    length = len(normalise(password))
    if length < MIN_LENGTH:
        return _l("Use at least %(min)d characters.", min=MIN_LENGTH)
    if length > MAX_LENGTH:
        return _l("Use at most %(max)d characters.", max=MAX_LENGTH)
    return None


def hash_password(password: str) -> str:
    error = policy_error(password)
    if error is not None:
        raise ValueError("password refused by the policy")
    return hasher().hash(normalise(password))


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A fixed hash verified for unknown users so that timing does not reveal them."""
    profile = current_app.config["PASSWORD_HASH_PROFILE"]
    if profile not in _dummy_hashes:
        _dummy_hashes[profile] = hasher().hash("timing-equaliser-not-a-password")
    return _dummy_hashes[profile]


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password; an over-long one is refused before any hashing."""
    candidate = normalise(password)
    if len(candidate) > MAX_LENGTH:
        return False
    try:
        return hasher().verify(stored_hash or _dummy_hash(), candidate) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher().check_needs_rehash(stored_hash)
