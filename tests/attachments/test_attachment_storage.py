"""The content of attachments at rest: sealed chunks that cannot be read, moved or dropped unnoticed, covered
by `keys rotate` and removed by retention (docs/domain.md, DOM108; docs/security.md, S45)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from mediation.attachments.models import Attachment, AttachmentChunk
from mediation.attachments.storage import StoredContentDamaged, storage_for
from mediation.core import clock
from mediation.core.crypto import key_id_of
from mediation.extensions import db
from mediation.retention.policy import RetentionPolicy
from mediation.retention.services import anonymise_case
from tests.attachments.helpers import MARKER, counts, download_url, minimal_pdf, newest, upload
from tests.cases.fixtures import build_cases
from tests.cases.matrix_rows_notes import case_by_public_id, close_now
from tests.cases.test_encryption_at_rest import raw_database
from tests.conftest import build_world, login


def _chunks(app, storage_key: str) -> list[bytes]:
    with app.app_context():
        return [bytes(blob) for blob in db.session.scalars(
            select(AttachmentChunk.data).where(AttachmentChunk.storage_key == storage_key)
            .order_by(AttachmentChunk.index))]


def _stored(app, storage_key: str, bucket) -> list[bytes]:
    """The sealed chunks of a document where its backend keeps them (`bucket`: the object store's, or None)."""
    if bucket is None:
        return _chunks(app, storage_key)
    objects = bucket.objects()
    return [objects[name] for name in sorted(objects) if name.startswith(f"attachments/{storage_key}/")]


def test_no_byte_of_a_document_is_stored_in_clear(fresh_app):
    application = fresh_app()
    world = build_world(application)
    cases = build_cases(application, world)
    client = application.test_client()
    login(client, "mediator.a1")
    pdf = minimal_pdf(padding=150_000)
    assert upload(client, cases.own, pdf, label="CANARY-label-55ab").status_code == 302
    attachment = newest(application)
    chunks = _chunks(application, attachment.storage_key)
    assert len(chunks) == attachment.chunk_count == 3
    assert all(MARKER not in chunk for chunk in chunks)
    dump = raw_database(application)
    assert MARKER not in dump and b"CANARY-label-55ab" not in dump
    # A chunk is larger than a SQLite page: its first bytes are on the row's own page, the rest overflows.
    assert chunks[0][:200] in dump or chunks[0].hex().encode() in dump, "the scan sees the stored chunks"


def test_a_chunk_moved_dropped_or_altered_is_refused(app, login_as, cases):
    client = login_as("mediator_a1")
    assert upload(client, cases.own, minimal_pdf(padding=140_000)).status_code == 302
    attachment = newest(app)
    with app.app_context():
        storage = storage_for(db.session)
        assert b"".join(storage.stream(attachment.storage_key, attachment.chunk_count)) == \
            client.get(download_url(cases.own, attachment.public_id)).get_data()
        first, second = _chunks(app, attachment.storage_key)[:2]
        table = AttachmentChunk.__table__
        swap = [(0, second), (1, first)]
        for index, blob in swap:
            db.session.execute(update(table).where(table.c.storage_key == attachment.storage_key,
                                                   table.c.index == index).values(data=blob))
        with pytest.raises(StoredContentDamaged, match="fails authentication"):
            list(storage.stream(attachment.storage_key, attachment.chunk_count))
        db.session.rollback()
        with pytest.raises(StoredContentDamaged, match="beyond its count"):
            list(storage.stream(attachment.storage_key, 0))
        with pytest.raises(StoredContentDamaged, match="missing"):
            list(storage.stream(attachment.storage_key, attachment.chunk_count + 1))
        db.session.rollback()


def test_keys_rotate_re_encrypts_the_chunks(app, login_as, cases, backend):
    client = login_as("mediator_a1")
    pdf = minimal_pdf(padding=100_000)
    assert upload(client, cases.own, pdf).status_code == 302
    attachment = newest(app)
    saved = dict(app.config["FIELD_KEYS"])
    (old_id,) = saved
    try:
        app.config["FIELD_KEYS"] = {**saved, old_id + 1: os.urandom(32)}
        before = _stored(app, attachment.storage_key, backend)
        assert len(before) == attachment.chunk_count == 2
        assert {key_id_of(blob) for blob in before} == {old_id}
        result = app.test_cli_runner().invoke(args=["keys", "rotate", "--batch-size", "1"])
        assert result.exit_code == 0, result.output
        assert "attachment_chunk.data: " in result.output and "attachment objects: " in result.output
        after = _stored(app, attachment.storage_key, backend)
        assert {key_id_of(blob) for blob in after} == {old_id + 1} and set(after).isdisjoint(before)
        status = app.test_cli_runner().invoke(args=["keys", "status", "--by-column"])
        counted = "attachment_chunk.data" if backend is None else "attachment objects"
        assert f"{counted}: key 2:" in status.output.replace(f"key {old_id + 1}:", "key 2:"), status.output
        app.config["FIELD_KEYS"] = {old_id + 1: app.config["FIELD_KEYS"][old_id + 1]}  # the old key retired
        assert client.get(download_url(cases.own, attachment.public_id)).get_data() == pdf
    finally:
        app.config["FIELD_KEYS"] = saved


def test_an_anonymised_case_loses_its_attachments(app, login_as, cases, backend):
    client = login_as("mediator_a1")
    assert upload(client, cases.own, minimal_pdf(padding=70_000)).status_code == 302
    attachment = newest(app)
    assert len(_stored(app, attachment.storage_key, backend)) == attachment.chunk_count == 2
    close_now(app, cases.own, "mediator.a1")
    kept = counts(app)
    with app.app_context():
        case = case_by_public_id(cases.own)
        later = clock.today() + timedelta(days=366 * 20)
        assert anonymise_case(db.session, case.id, RetentionPolicy.from_config(app.config), today=later,
                              now=clock.now())
        db.session.commit()
        assert db.session.scalar(select(Attachment).where(Attachment.id == attachment.id)) is None
    assert _stored(app, attachment.storage_key, backend) == []
    stored_in_database = attachment.chunk_count if backend is None else 0
    assert counts(app) == (kept[0] - 1, kept[1] - stored_in_database)
