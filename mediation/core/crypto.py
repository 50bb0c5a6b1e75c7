"""Field encryption (AES-256-GCM with a key ring) and blind indexes (docs/security.md, S22-S24).

Stored layout of an encrypted field: 0x01 | key id (2 bytes) | nonce (12) | ciphertext+tag.
The associated data binds the header and the "table.column" context, so a
ciphertext copied into another column, or altered by one bit, fails to
decrypt: decryption raises and never returns data.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from mediation.core.names import without_format_characters

FORMAT_VERSION = 1
HEADER_SIZE = 3
NONCE_SIZE = 12


class DecryptionError(Exception):
    """A ciphertext could not be authenticated; its content is never returned."""


def _ring() -> dict[int, bytes]:
    return current_app.config["FIELD_KEYS"]


def active_key_id() -> int:
    return max(_ring())


def seal(data: bytes, context: str, *, key_id: int | None = None) -> bytes:
    """Encrypt bytes under the active key (or `key_id`), bound to `context` (the associated data)."""
    ring = _ring()
    key_id = active_key_id() if key_id is None else key_id
    header = bytes([FORMAT_VERSION]) + key_id.to_bytes(2, "big")
    nonce = os.urandom(NONCE_SIZE)
    return header + nonce + AESGCM(ring[key_id]).encrypt(nonce, data, header + context.encode())


def unseal(blob: bytes, context: str) -> bytes:
    """The bytes `seal` sealed under this context; DecryptionError for anything else."""
    key_id = key_id_of(blob)
    key = _ring().get(key_id)
    if key is None:
        raise DecryptionError(f"key {key_id} is not in the key ring")
    header, nonce = blob[:HEADER_SIZE], blob[HEADER_SIZE:HEADER_SIZE + NONCE_SIZE]
    sealed = blob[HEADER_SIZE + NONCE_SIZE:]
    try:
        return AESGCM(key).decrypt(nonce, sealed, header + context.encode())
    except InvalidTag as error:
        raise DecryptionError("ciphertext failed authentication") from error


def encrypt(plaintext: str, context: str, *, key_id: int | None = None) -> bytes:
    return seal(plaintext.encode("utf-8"), context, key_id=key_id)


def key_id_of(blob: bytes) -> int:
    if len(blob) < HEADER_SIZE + NONCE_SIZE + 16 or blob[0] != FORMAT_VERSION:
        raise DecryptionError("unknown ciphertext format")
    return int.from_bytes(blob[1:3], "big")


def decrypt(blob: bytes, context: str) -> str:
    return unseal(blob, context).decode("utf-8")


class Encrypted(TypeDecorator):
    """A text column stored encrypted; `context` is its "table.column"."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, context: str):
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return encrypt(value, self.context)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return decrypt(bytes(value), self.context)


# Arabic letters that people type interchangeably, and marks that do not change a name.
_ARABIC_UNIFY = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_ARABIC_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")  # harakat, superscript alef, tatweel
_SPACES = re.compile(r"\s+")


def normalise_for_index(value: str) -> str:
    """NFKC, case-folded, spaces collapsed, Arabic spelling variants unified (docs/security.md, S24).

    Format characters go first (direction overrides and isolates, zero-width characters, U+FEFF, the
    direction marks): they change how a name is shown, never who it names, and would otherwise let a
    name typed with one of them evade the duplicate check and the search.
    """
    text = unicodedata.normalize("NFKC", without_format_characters(value)).casefold()
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_UNIFY)
    return _SPACES.sub(" ", text).strip()


# Apostrophes join the parts of a word (M'barek, Aït), whichever apostrophe was typed.
_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")
# Anything else that is not a letter or a digit separates two words (spaces, hyphens, dots, commas).
_WORD_BREAKS = re.compile(r"[\W_]+")


def name_words(value: str) -> list[str]:
    """The words of a name, each normalised for the token index (docs/security.md, S37), once each.

    On top of normalise_for_index: every combining mark goes (é and e, ï and i, and the hamza
    carried by waw or ya: ؤ and و, ئ and ي are the same word), apostrophes join, and any other
    character that is not a letter or a digit separates words. A query goes through this same
    function, so whatever is typed is compared with what was stored in the same form.
    """
    text = unicodedata.normalize("NFKD", normalise_for_index(value))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFC", text))
    return list(dict.fromkeys(word for word in _WORD_BREAKS.split(text) if word))


# The allow-list (docs/security.md, S24, S37): identity (full name + birth date) for duplicate
# detection and distinct counts, the court file number, and, because staff search a case by them,
# the full name and the phone number (exact match) and each word of a name (name_token).
BLIND_INDEX_PURPOSES = frozenset({"person", "person_name", "phone", "court_file", "name_token"})


def blind_index(purpose: str, association_id: int, *parts: str) -> bytes:
    """Keyed HMAC of normalised values, separated by purpose and association."""
    if purpose not in BLIND_INDEX_PURPOSES:
        raise ValueError(f"no blind index is allowed for {purpose!r}")
    message = "|".join([purpose, str(association_id), *(normalise_for_index(part) for part in parts)])
    return hmac.new(current_app.config["BLIND_INDEX_KEY"], message.encode("utf-8"), hashlib.sha256).digest()


def name_tokens(association_id: int, *names: str | None) -> set[bytes]:
    """The keyed token of every word of the given spellings of one name (docs/security.md, S37)."""
    words = {word for name in names if name for word in name_words(name)}
    return {blind_index("name_token", association_id, word) for word in words}
