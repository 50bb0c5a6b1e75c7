"""The object-store backend: sealed chunks in an S3-compatible bucket (docs/security.md, S78; docs/domain.md,
DOM165).

Each chunk is sealed here, exactly as for the database backend (S45), and sent as an object of its own,
`attachments/<storage key>/<index>`: the store receives ciphertext only, a 10 MB document is sent and read one
chunk at a time (no multipart buffer of 5 MB, no whole file), and a chunk moved, dropped or added is found as
in the database. The store is outside the database's transaction, so its writes follow the session's: the
objects of an upload whose transaction rolls back are deleted at the rollback, and the objects of a document
deleted (retention) go only once the deletion is committed (DOM166).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session, scoped_session

from mediation.attachments.codes import StorageBackend
from mediation.attachments.models import Attachment
from mediation.attachments.storage import StoredContentDamaged, open_chunk, seal_chunk
from mediation.core.crypto import FORMAT_VERSION, HEADER_SIZE, DecryptionError, key_id_of
from mediation.core.keys import ColumnRotation, SealedRotation, register_sealed_rotation

log = logging.getLogger(__name__)

PREFIX = "attachments/"
_CLIENTS = "attachment_object_store_clients"
_PENDING = "attachment_object_store_pending"
# delete_objects takes at most 1000 names.
DELETE_BATCH = 1000


def object_name(storage_key: str, index: int) -> str:
    return f"{PREFIX}{storage_key}/{index:06d}"


def _client(config: Any) -> Any:
    """One client per application and settings (creating one loads the service's description: megabytes)."""
    import boto3
    from botocore.config import Config

    settings = (config["ATTACHMENT_S3_ENDPOINT_URL"], config["ATTACHMENT_S3_REGION"],
                config["AWS_ACCESS_KEY_ID"], config["AWS_SECRET_ACCESS_KEY"])
    clients = current_app.extensions.setdefault(_CLIENTS, {})
    if settings not in clients:
        endpoint, region, key_id, secret = settings
        # Explicit credentials: never ~/.aws files nor an instance-metadata lookup (docs/deploy/settings.md).
        clients[settings] = boto3.session.Session().client(
            "s3", endpoint_url=endpoint, region_name=(region or "").strip() or "us-east-1",
            aws_access_key_id=key_id, aws_secret_access_key=secret,
            config=Config(s3={"addressing_style": "path" if endpoint else "auto"}, connect_timeout=5,
                          read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}))
    return clients[settings]


def _is_missing(error: Exception) -> bool:
    code = getattr(error, "response", {}).get("Error", {}).get("Code")
    return code in {"NoSuchKey", "404", "NotFound"}


class ObjectStorage:
    """Sealed chunks as objects of the configured bucket; see the module's docstring for the transaction."""

    def __init__(self, session: Session | scoped_session, config: Any | None = None) -> None:
        config = current_app.config if config is None else config
        self.session = session() if isinstance(session, scoped_session) else session
        self.client = _client(config)
        self.bucket = str(config["ATTACHMENT_S3_BUCKET"]).strip()

    # -- the interface (storage.AttachmentStorage) --

    def put(self, storage_key: str, chunks: Iterable[bytes]) -> int:
        self._pending()["written"].append((self, storage_key))  # before the first object: a failure is undone
        count = 0
        for index, data in enumerate(chunks):
            self.client.put_object(Bucket=self.bucket, Key=object_name(storage_key, index),
                                   Body=seal_chunk(storage_key, index, bytes(data)))
            count += 1
        return count

    def stream(self, storage_key: str, chunk_count: int) -> Iterator[bytes]:
        for index in range(chunk_count):
            blob = self._read(storage_key, index)
            try:
                yield open_chunk(storage_key, index, blob)
            except DecryptionError as error:
                raise StoredContentDamaged(f"chunk {index} of {storage_key} fails authentication") from error
        listing = self.client.list_objects_v2(
            Bucket=self.bucket, Prefix=f"{PREFIX}{storage_key}/", MaxKeys=1,
            **({"StartAfter": object_name(storage_key, chunk_count - 1)} if chunk_count else {}))
        if listing.get("KeyCount", 0):
            raise StoredContentDamaged(f"{storage_key} has chunk(s) beyond its count")

    def delete(self, storage_key: str) -> None:
        """Deleted once the session commits (a rolled-back retention keeps its documents whole)."""
        self._pending()["doomed"].append((self, storage_key))

    # -- the objects themselves --

    def _read(self, storage_key: str, index: int, **options: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=object_name(storage_key, index), **options)
        except Exception as error:
            if _is_missing(error):
                raise StoredContentDamaged(f"chunk {index} of {storage_key} is missing") from error
            raise
        body = response["Body"]
        try:
            return body.read()
        finally:
            body.close()

    def names(self, storage_key: str) -> list[str]:
        names: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=f"{PREFIX}{storage_key}/"):
            names += [item["Key"] for item in page.get("Contents", [])]
        return names

    def remove_now(self, storage_key: str) -> None:
        names = self.names(storage_key)
        for start in range(0, len(names), DELETE_BATCH):
            self.client.delete_objects(Bucket=self.bucket, Delete={
                "Objects": [{"Key": name} for name in names[start:start + DELETE_BATCH]], "Quiet": True})

    # -- following the session's transaction --

    def _pending(self) -> dict[str, list[tuple[ObjectStorage, str]]]:
        self.session.connection()  # a database transaction is open: its end settles the objects
        pending = self.session.info.get(_PENDING)
        if pending is None:
            pending = self.session.info[_PENDING] = {"written": [], "doomed": []}
            event.listen(self.session, "after_commit", _after_commit)
            event.listen(self.session, "after_rollback", _after_rollback)
        return pending


def _settle(session: Session, undo: str, keep: str) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint: the outer transaction decides
    pending = session.info.get(_PENDING)
    if not pending:
        return
    settled, pending[undo], pending[keep] = pending[undo], [], []
    for storage, storage_key in settled:
        try:
            storage.remove_now(storage_key)
        except Exception:
            # Ciphertext left behind, under a key no row names: logged by its random key only.
            log.exception("attachment objects of %s could not be deleted", storage_key)


def _after_commit(session: Session) -> None:
    _settle(session, "doomed", "written")


def _after_rollback(session: Session) -> None:
    _settle(session, "written", "doomed")


# Key rotation (docs/security.md, S23, S79): the objects of the attachments the object store keeps are read,
# opened and sealed again under the active key, as the database's chunks are.

def _stored_in_objects(session: Session, after_id: int, batch: int) -> list[tuple[int, str, int]]:
    return [(row[0], row[1], row[2]) for row in session.execute(
        select(Attachment.id, Attachment.storage_key, Attachment.chunk_count)
        .where(Attachment.storage == StorageBackend.OBJECT_STORE, Attachment.id > after_id)
        .order_by(Attachment.id).limit(batch))]


def _rotate_objects(session: Session, active: int, batch_size: int) -> ColumnRotation:
    stat = ColumnRotation("attachment objects")
    last, storage = 0, None
    while rows := _stored_in_objects(session, last, max(1, batch_size)):
        storage = storage or ObjectStorage(session)
        for _id, storage_key, chunk_count in rows:
            for index in range(chunk_count):
                try:
                    blob = storage._read(storage_key, index)
                    if key_id_of(blob) == active:
                        stat.current += 1
                        continue
                    fresh = seal_chunk(storage_key, index, open_chunk(storage_key, index, blob), key_id=active)
                except (DecryptionError, StoredContentDamaged):
                    stat.failed.append((storage_key, index))
                    continue
                storage.client.put_object(Bucket=storage.bucket, Key=object_name(storage_key, index), Body=fresh)
                stat.reencrypted += 1
        session.rollback()  # reads only: nothing to commit, and no lock held between batches
        last = rows[-1][0]
    return stat


def _object_usage(session: Session) -> Counter:
    counts: Counter = Counter()
    last, storage = 0, None
    while rows := _stored_in_objects(session, last, 100):
        storage = storage or ObjectStorage(session)
        for _id, storage_key, chunk_count in rows:
            for index in range(chunk_count):
                try:
                    header = storage._read(storage_key, index, Range=f"bytes=0-{HEADER_SIZE - 1}")
                except StoredContentDamaged:
                    continue
                if len(header) == HEADER_SIZE and header[0] == FORMAT_VERSION:
                    counts[int.from_bytes(header[1:3], "big")] += 1
        last = rows[-1][0]
    return counts


register_sealed_rotation(SealedRotation("attachment objects", _rotate_objects, _object_usage))
