"""The object-store backend (docs/security.md, S78, S79; docs/domain.md, DOM165, DOM166), against moto's S3
server on loopback: it receives sealed chunks only, a chunk moved, dropped or added is refused, its writes
follow the database's transaction, and each document is read from the backend its row names."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mediation.attachments.codes import StorageBackend
from mediation.attachments.models import AttachmentChunk
from mediation.attachments.object_store import object_name
from mediation.attachments.storage import StoredContentDamaged, storage_for
from mediation.core.crypto import key_id_of
from mediation.extensions import db
from tests.attachments.helpers import MARKER, download_url, gps_exif, image_bytes, minimal_pdf, newest, upload


def _database_chunks(app, storage_key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AttachmentChunk)
                                 .where(AttachmentChunk.storage_key == storage_key))


def test_no_byte_of_a_document_is_in_clear_in_the_object_store(app, login_as, cases, object_store):
    client = login_as("mediator_a1")
    pdf = minimal_pdf(padding=150_000)
    assert upload(client, cases.own, pdf, label="CANARY-label-3f9e").status_code == 302
    photo = image_bytes("JPEG", size=(120, 80), exif=gps_exif(), comment=MARKER)
    assert upload(client, cases.own, photo, name="IMG_0002.JPG", mimetype="image/jpeg").status_code == 302
    document, picture = newest(app), None
    with app.app_context():
        from mediation.attachments.models import Attachment

        picture = db.session.scalar(select(Attachment).where(Attachment.id == document.id))
        document = db.session.scalar(select(Attachment).where(Attachment.id == document.id - 1))
        db.session.expunge_all()
    objects = object_store.objects()
    assert sorted(objects) == sorted([object_name(document.storage_key, index) for index in range(3)]
                                     + [object_name(picture.storage_key, 0)])
    assert all(key_id_of(blob) in app.config["FIELD_KEYS"] for blob in objects.values())
    everything = b"".join(objects.values())
    assert MARKER not in everything and b"CANARY-label-3f9e" not in everything
    assert pdf[:4096] not in everything and pdf[-4096:] not in everything
    # Nothing of either went to the database's chunks; both come back whole.
    assert _database_chunks(app, document.storage_key) == _database_chunks(app, picture.storage_key) == 0
    assert client.get(download_url(cases.own, document.public_id)).get_data() == pdf
    assert MARKER not in client.get(download_url(cases.own, picture.public_id)).get_data()


def test_an_object_moved_dropped_added_or_altered_is_refused(app, login_as, cases, object_store):
    client = login_as("mediator_a1")
    assert upload(client, cases.own, minimal_pdf(padding=140_000)).status_code == 302
    attachment = newest(app)
    key, count, bucket, s3 = attachment.storage_key, attachment.chunk_count, object_store.name, object_store.client
    first, second = (s3.get_object(Bucket=bucket, Key=object_name(key, index))["Body"].read() for index in (0, 1))
    with app.app_context():
        storage = storage_for(db.session, StorageBackend.OBJECT_STORE)
        assert len(b"".join(storage.stream(key, count))) == attachment.size
        s3.put_object(Bucket=bucket, Key=object_name(key, 0), Body=second)
        with pytest.raises(StoredContentDamaged, match="chunk 0 .* fails authentication"):
            list(storage.stream(key, count))
        s3.put_object(Bucket=bucket, Key=object_name(key, 0), Body=first[:-1] + bytes([first[-1] ^ 1]))
        with pytest.raises(StoredContentDamaged, match="fails authentication"):
            list(storage.stream(key, count))
        s3.put_object(Bucket=bucket, Key=object_name(key, 0), Body=first)
        assert len(b"".join(storage.stream(key, count))) == attachment.size
        with pytest.raises(StoredContentDamaged, match="beyond its count"):
            list(storage.stream(key, count - 1))
        with pytest.raises(StoredContentDamaged, match=f"chunk {count} .* is missing"):
            list(storage.stream(key, count + 1))
        s3.delete_object(Bucket=bucket, Key=object_name(key, 1))
        with pytest.raises(StoredContentDamaged, match="chunk 1 .* is missing"):
            list(storage.stream(key, count))
    # The application answers as for any unreadable content: the stream stops, nothing is sent in clear.
    with pytest.raises(StoredContentDamaged):
        client.get(download_url(cases.own, attachment.public_id)).get_data()


def test_the_object_store_follows_the_database_transaction(app, object_store):
    """A rolled-back upload leaves no object; a deletion waits for its commit (DOM166)."""
    with app.app_context():
        storage = storage_for(db.session, StorageBackend.OBJECT_STORE)
        assert storage.put("kept-0000", [b"a" * 10, b"b" * 10]) == 2
        assert storage.put("dropped-0000", [b"c" * 10]) == 1
        assert len(object_store.names()) == 3
        db.session.rollback()
        assert object_store.names() == []

        storage = storage_for(db.session, StorageBackend.OBJECT_STORE)
        storage.put("kept-0000", [b"a" * 10, b"b" * 10])
        db.session.commit()
        storage.delete("kept-0000")
        assert len(object_store.names()) == 2, "not before the commit"
        db.session.rollback()
        assert len(object_store.names()) == 2, "a rolled-back deletion keeps the document"
        assert list(storage.stream("kept-0000", 2)) == [b"a" * 10, b"b" * 10]
        storage.delete("kept-0000")
        db.session.commit()
        assert object_store.names() == []


def test_each_document_is_read_from_the_backend_its_row_names(app, login_as, cases, object_store):
    """An installation moving to the object store still opens what the database keeps, and back (DOM165)."""
    client = login_as("mediator_a1")
    app.config["ATTACHMENT_STORAGE"] = "database"
    in_database = minimal_pdf(b"kept-in-the-database", padding=70_000)
    assert upload(client, cases.own, in_database).status_code == 302
    first = newest(app)
    app.config["ATTACHMENT_STORAGE"] = "s3"
    in_objects = minimal_pdf(b"kept-in-objects", padding=70_000)
    assert upload(client, cases.own, in_objects).status_code == 302
    second = newest(app)
    assert (first.storage, second.storage) == (StorageBackend.DATABASE, StorageBackend.OBJECT_STORE)
    assert _database_chunks(app, first.storage_key) == 2 and _database_chunks(app, second.storage_key) == 0
    assert len(object_store.names()) == 2
    assert client.get(download_url(cases.own, first.public_id)).get_data() == in_database
    app.config["ATTACHMENT_STORAGE"] = "database"
    assert client.get(download_url(cases.own, second.public_id)).get_data() == in_objects
