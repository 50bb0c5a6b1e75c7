"""Where the content of attachments is kept: one small interface, sealed chunks (docs/security.md, S45).

Every chunk is encrypted with the field-encryption key ring (AES-256-GCM) before it reaches a backend, with
its own nonce, and its associated data names the storage key and the chunk's index: a chunk moved to another
position or another attachment fails to decrypt, and a missing or extra chunk is refused by the count the
attachment row keeps. So a backend only ever holds ciphertext; the database backend is the default (it works
with any number of application servers and is in every backup as it is), an S3-compatible object store the
second (`object_store.py`, docs/security.md, S78).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Protocol

from flask import current_app
from sqlalchemy import LargeBinary, bindparam, delete, func, insert, literal_column, select, type_coerce, update
from sqlalchemy.orm import Session

from mediation.attachments.codes import StorageBackend
from mediation.attachments.models import AttachmentChunk
from mediation.core.crypto import FORMAT_VERSION, HEADER_SIZE, DecryptionError, key_id_of, seal, unseal
from mediation.core.keys import ColumnRotation, SealedRotation, register_sealed_rotation


class StoredContentDamaged(Exception):
    """A stored content is missing a chunk, has one too many, or a chunk fails authentication."""


def chunk_context(storage_key: str, index: int) -> str:
    return f"attachment_chunk|{storage_key}|{index}"


def seal_chunk(storage_key: str, index: int, data: bytes, *, key_id: int | None = None) -> bytes:
    return seal(data, chunk_context(storage_key, index), key_id=key_id)


def open_chunk(storage_key: str, index: int, blob: bytes) -> bytes:
    return unseal(blob, chunk_context(storage_key, index))


class AttachmentStorage(Protocol):
    def put(self, storage_key: str, chunks: Iterable[bytes]) -> int:
        """Seal and keep the plaintext chunks, in order; returns how many were kept."""

    def stream(self, storage_key: str, chunk_count: int) -> Iterator[bytes]:
        """The plaintext chunks, one at a time; StoredContentDamaged if they are not exactly `chunk_count`."""

    def delete(self, storage_key: str) -> None:
        """Forget the content (retention, a refused upload)."""


class DatabaseStorage:
    """Chunks as rows of `attachment_chunk`, written in the caller's transaction (flushed, never committed)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, storage_key: str, chunks: Iterable[bytes]) -> int:
        count = 0
        for index, data in enumerate(chunks):
            # A Core INSERT, not an ORM object: the session's identity map would keep every chunk alive.
            self.session.execute(insert(AttachmentChunk).values(
                storage_key=storage_key, index=index, data=seal_chunk(storage_key, index, bytes(data))))
            count += 1
        return count

    def stream(self, storage_key: str, chunk_count: int) -> Iterator[bytes]:
        # One chunk per statement (a primary-key lookup): a result set would buffer every chunk at once.
        for index in range(chunk_count):
            blob = self.session.scalar(select(AttachmentChunk.data).where(
                AttachmentChunk.storage_key == storage_key, AttachmentChunk.index == index))
            if blob is None:
                raise StoredContentDamaged(f"chunk {index} of {storage_key} is missing")
            try:
                yield open_chunk(storage_key, index, bytes(blob))
            except DecryptionError as error:
                raise StoredContentDamaged(f"chunk {index} of {storage_key} fails authentication") from error
        extra = self.session.scalar(select(func.count()).select_from(AttachmentChunk).where(
            AttachmentChunk.storage_key == storage_key, AttachmentChunk.index >= chunk_count))
        if extra:
            raise StoredContentDamaged(f"{storage_key} has {extra} chunk(s) beyond its count")

    def delete(self, storage_key: str) -> None:
        self.session.execute(delete(AttachmentChunk).where(AttachmentChunk.storage_key == storage_key)
                             .execution_options(synchronize_session=False))


def configured_backend() -> StorageBackend:
    """Where a new document goes: ATTACHMENT_STORAGE (docs/domain.md, DOM165)."""
    if current_app.config.get("ATTACHMENT_STORAGE") == "s3":
        return StorageBackend.OBJECT_STORE
    return StorageBackend.DATABASE


def storage_for(session: Session, backend: StorageBackend | None = None) -> AttachmentStorage:
    """The backend that keeps an attachment (its row's `storage`), or by default the configured one."""
    if (backend or configured_backend()) is StorageBackend.OBJECT_STORE:
        # Imported here: the object store's module builds on this one (and boto3 only loads when it is used).
        from mediation.attachments.object_store import ObjectStorage

        return ObjectStorage(session)
    return DatabaseStorage(session)


# Key rotation (docs/security.md, S23, S45): the chunks' associated data name their row, so the generic
# column rotation cannot re-encrypt them; `flask keys rotate` runs this with the columns.

# Chunks are up to 64 KiB each: a batch of the columns' size would hold tens of megabytes.
CHUNK_BATCH_LIMIT = 16
_RAW = type_coerce(AttachmentChunk.data, LargeBinary)


def _rotate_chunks(session: Session, active: int, batch_size: int) -> ColumnRotation:
    stat = ColumnRotation("attachment_chunk.data")
    batch = max(1, min(batch_size, CHUNK_BATCH_LIMIT))
    last: tuple[str, int] | None = None
    while True:
        query = select(AttachmentChunk.storage_key, AttachmentChunk.index, _RAW).order_by(
            AttachmentChunk.storage_key, AttachmentChunk.index).limit(batch)
        if last is not None:
            query = query.where((AttachmentChunk.storage_key > last[0])
                                | ((AttachmentChunk.storage_key == last[0]) & (AttachmentChunk.index > last[1])))
        rows = session.execute(query).all()
        if not rows:
            return stat
        for storage_key, index, blob in rows:
            blob = bytes(blob)
            try:
                if key_id_of(blob) == active:
                    stat.current += 1
                    continue
                fresh = seal_chunk(storage_key, index, open_chunk(storage_key, index, blob), key_id=active)
            except DecryptionError:
                stat.failed.append((storage_key, index))
                continue
            # Rewritten only if it still holds what was read (as the columns' rotation does).
            result = session.execute(
                update(AttachmentChunk)
                .where(AttachmentChunk.storage_key == storage_key, AttachmentChunk.index == index,
                       _RAW == bindparam("old", blob, type_=LargeBinary))
                .values(data=bindparam("new", fresh, type_=LargeBinary))
                .execution_options(synchronize_session=False))
            if getattr(result, "rowcount", 0) == 1:
                stat.reencrypted += 1
            else:
                stat.changed_meanwhile += 1
        session.commit()
        last = (rows[-1][0], rows[-1][1])


def _chunk_usage(session: Session) -> Counter:
    header = type_coerce(func.substr(_RAW, literal_column("1"), literal_column(str(HEADER_SIZE))), LargeBinary)
    counts: Counter = Counter()
    for value, count in session.execute(select(header, func.count()).group_by(header)):
        value = bytes(value)
        if len(value) == HEADER_SIZE and value[0] == FORMAT_VERSION:
            counts[int.from_bytes(value[1:3], "big")] += count
    return counts


register_sealed_rotation(SealedRotation("attachment_chunk.data", _rotate_chunks, _chunk_usage))
