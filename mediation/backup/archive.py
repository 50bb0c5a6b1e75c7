"""The encrypted, checksummed archive file of `flask backup` (no Flask, no database).

Layout (all integers big-endian):

    MAGIC (16 bytes) | format version (uint16) | header length (uint32) | header (canonical JSON)
    chunk*: last flag (1 byte) | length (uint32) | AES-256-GCM ciphertext and tag

The header says what the payload is (dialect, schema revision, size, SHA-256)
and which backup key sealed it. Each archive gets its own keys, derived by HKDF
from the backup key and a random salt in the header, so the chunk index can be
the nonce. Every chunk's associated data binds the SHA-256 of everything before
the first chunk (magic, version, header), the chunk's index and its last flag:
an altered header, a chunk moved, dropped or cut off, or data after the last
chunk all fail. A key check value in the header tells a wrong key from damage.
The payload is streamed in 1 MiB chunks, so a large database never sits in memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
from collections.abc import Callable
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mediation.backup.errors import BackupError

MAGIC = b"MEDIATION-BACKUP"
FORMAT_VERSION = 1
PREFIX = struct.Struct(">16sHI")
CHUNK_HEAD = struct.Struct(">BI")
CHUNK_SIZE = 1 << 20
TAG_SIZE = 16
MAX_HEADER_BYTES = 64 * 1024
MAX_CHUNK_SIZE = 16 << 20
SALT_BYTES = 32
KDF_INFO = b"mediation backup archive v1"
REQUIRED_FIELDS = {
    "format": int, "backup_id": str, "created_at": str, "dialect": str, "revision": str, "app_version": str,
    "payload_size": int, "payload_sha256": str, "chunk_size": int, "key_id": int, "salt": str, "key_check": str,
}


class ArchiveError(BackupError):
    """The archive cannot be trusted or opened; the message says why, for the operator."""


def _derive(key: bytes, salt: bytes) -> tuple[bytes, bytes]:
    """(encryption key, key-check key) of one archive."""
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=KDF_INFO).derive(key)
    return material[:32], material[32:]


def _key_check(check_key: bytes) -> str:
    return hmac.new(check_key, b"key check", hashlib.sha256).hexdigest()


def _nonce(index: int) -> bytes:
    return struct.pack(">4xQ", index)


def _associated_data(preamble_digest: bytes, index: int, last: bool) -> bytes:
    return preamble_digest + struct.pack(">QB", index, int(last))


def _read_exactly(handle: BinaryIO, size: int) -> bytes | None:
    data = handle.read(size)
    return data if len(data) == size else None


def file_digest(path: str | os.PathLike, size: int = CHUNK_SIZE) -> tuple[int, str]:
    """(size in bytes, SHA-256 hex) of a file, read in chunks."""
    digest, total = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while block := handle.read(size):
            digest.update(block)
            total += len(block)
    return total, digest.hexdigest()


def seal(plain_path: str | os.PathLike, out: BinaryIO, fields: dict, key_id: int, key: bytes,
         *, chunk_size: int = CHUNK_SIZE) -> dict:
    """Write the archive of the file at plain_path to out; return its header."""
    size, sha256 = file_digest(plain_path)
    salt = os.urandom(SALT_BYTES)
    enc_key, check_key = _derive(key, salt)
    header = {
        **fields,
        "format": FORMAT_VERSION,
        "payload_size": size,
        "payload_sha256": sha256,
        "chunk_size": chunk_size,
        "key_id": key_id,
        "salt": base64.b64encode(salt).decode(),
        "key_check": _key_check(check_key),
    }
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    preamble = PREFIX.pack(MAGIC, FORMAT_VERSION, len(header_bytes)) + header_bytes
    preamble_digest = hashlib.sha256(preamble).digest()
    out.write(preamble)
    aead = AESGCM(enc_key)
    with open(plain_path, "rb") as handle:
        index, block = 0, handle.read(chunk_size)
        while True:
            following = handle.read(chunk_size) if block else b""
            last = not following
            sealed = aead.encrypt(_nonce(index), block, _associated_data(preamble_digest, index, last))
            out.write(CHUNK_HEAD.pack(int(last), len(sealed)) + sealed)
            if last:
                return header
            index, block = index + 1, following


def read_header(handle: BinaryIO) -> tuple[dict, bytes]:
    """Parse the header at the start of an archive; return it and the digest its chunks are bound to."""
    prefix = handle.read(PREFIX.size)
    if not prefix.startswith(MAGIC[:len(prefix)]) or not prefix:
        raise ArchiveError("not a mediation backup file (unknown start of file)")
    if len(prefix) < PREFIX.size:
        raise ArchiveError("the backup file is truncated (it ends before its header)")
    magic, version, length = PREFIX.unpack(prefix)
    if version > FORMAT_VERSION:
        raise ArchiveError(f"backup file format {version} is newer than this application reads "
                           f"({FORMAT_VERSION}): restore it with a newer version of the application")
    if version != FORMAT_VERSION or not 0 < length <= MAX_HEADER_BYTES:
        raise ArchiveError("the backup header is damaged")
    header_bytes = _read_exactly(handle, length)
    if header_bytes is None:
        raise ArchiveError("the backup file is truncated (it ends inside its header)")
    try:
        header = json.loads(header_bytes)
    except ValueError:
        raise ArchiveError("the backup header is damaged (not readable)") from None
    if not isinstance(header, dict) or any(
        not isinstance(header.get(name), kind) or isinstance(header.get(name), bool)
        for name, kind in REQUIRED_FIELDS.items()
    ):
        raise ArchiveError("the backup header is damaged (fields missing)")
    if header["format"] != version or not 0 < header["chunk_size"] <= MAX_CHUNK_SIZE:
        raise ArchiveError("the backup header is damaged (inconsistent)")
    return header, hashlib.sha256(prefix + header_bytes).digest()


def unseal(handle: BinaryIO, keys: dict[int, bytes], write: Callable[[bytes], object], *,
           key_variable: str = "MEDIATION_BACKUP_KEY") -> dict:
    """Authenticate and decrypt an archive, passing each verified chunk to write; return its header.

    Raises ArchiveError on any doubt. The caller writes to a scratch file and
    uses it only once this returns: the last chunk and the payload's size and
    SHA-256 are checked at the end.
    """
    header, preamble_digest = read_header(handle)
    key = keys.get(header["key_id"])
    if key is None:
        raise ArchiveError(f"the backup was sealed with backup key id {header['key_id']}, which is not in "
                           f"{key_variable} (key ids there: {', '.join(map(str, sorted(keys))) or 'none'})")
    try:
        salt = base64.b64decode(header["salt"], validate=True)
    except ValueError:
        raise ArchiveError("the backup header is damaged (salt)") from None
    enc_key, check_key = _derive(key, salt)
    if not hmac.compare_digest(_key_check(check_key), header["key_check"]):
        raise ArchiveError(f"wrong backup key: {key_variable} (key id {header['key_id']}) does not open this "
                           f"backup; use the key it was made with (or the header is damaged)")
    aead = AESGCM(enc_key)
    digest, total, index, limit = hashlib.sha256(), 0, 0, header["chunk_size"] + TAG_SIZE
    while True:
        head = _read_exactly(handle, CHUNK_HEAD.size)
        if head is None:
            raise ArchiveError(f"the backup file is truncated (it ends before its last chunk, at chunk {index})")
        last, length = CHUNK_HEAD.unpack(head)
        if last not in (0, 1) or not TAG_SIZE <= length <= limit:
            raise ArchiveError(f"the backup file is damaged (chunk {index} has an impossible length or flag)")
        sealed = _read_exactly(handle, length)
        if sealed is None:
            raise ArchiveError(f"the backup file is truncated (it ends inside chunk {index})")
        try:
            block = aead.decrypt(_nonce(index), sealed, _associated_data(preamble_digest, index, bool(last)))
        except InvalidTag:
            raise ArchiveError(f"the backup file is damaged or was altered (chunk {index} does not "
                               f"authenticate)") from None
        digest.update(block)
        total += len(block)
        write(block)
        if last:
            break
        index += 1
    if handle.read(1):
        raise ArchiveError("the backup file is damaged (data after its last chunk)")
    if total != header["payload_size"] or not hmac.compare_digest(digest.hexdigest(), header["payload_sha256"]):
        raise ArchiveError("the backup payload does not match its checksum")
    return header
