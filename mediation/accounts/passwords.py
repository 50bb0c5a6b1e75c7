"""Password policy and argon2id hashing (docs/security.md, S2, S3)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

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


# Words that make a password guessable here, whoever the user (S2 context list).
PRODUCT_WORDS = ("jisr al-usra", "jisr", "usra", "جسر الأسرة", "mediation", "médiation", "الوساطة")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """30,000 passwords from public breaches, bundled with zxcvbn (no network)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def _squeezed(text: str) -> str:
    return "".join(char for char in normalise(text).casefold() if char.isalnum())


def _is_common(candidate: str) -> bool:
    """A listed password, one padded with digits or symbols, a repetition, or too few distinct characters."""
    folded = candidate.casefold()
    core = folded.strip("0123456789!@#$%^&*()-_=+.,;:?/ ")
    repeated = any(len(folded) % size == 0 and folded == folded[:size] * (len(folded) // size)
                   for size in range(1, len(folded) // 2 + 1))
    steps = [ord(b) - ord(a) for a, b in zip(folded, folded[1:], strict=False)]  # neighbours: one fewer
    sequential = sum(1 for step in steps if abs(step) == 1) >= 0.6 * len(steps)  # 123456..., abcdef...
    listed = common_passwords()
    return folded in listed or core in listed or repeated or sequential or len(set(folded)) < 5


def policy_error(password: str, context: Iterable[str] = ()):
    """Return a translatable reason the password is refused, or None.

    Length 15-128 after NFKC; any characters; no composition rules. Refused when
    it is a known breached password or little more than a context word.
    """
    candidate = normalise(password)
    if len(candidate) < MIN_LENGTH:
        return _l("Use at least %(min)d characters.", min=MIN_LENGTH)
    if len(candidate) > MAX_LENGTH:
        return _l("Use at most %(max)d characters.", max=MAX_LENGTH)
    if _is_common(candidate):
        return _l("This password is too common. Choose a longer phrase of your own.")
    squeezed = _squeezed(candidate)
    for word in (*PRODUCT_WORDS, *context):
        word = _squeezed(word)
        # Mostly a context word (the user name, the association...): refused.
        if len(word) >= 4 and word in squeezed and len(squeezed) - len(word) < 8:
            return _l("Do not build the password from your name, user name or association.")
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
