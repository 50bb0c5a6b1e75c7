"""Documents in backups (docs/domain.md, DOM108; docs/security.md, S45): the archive holds their sealed chunks
only, and a backup restored into an empty database opens every attachment, byte for byte."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from mediation.attachments.models import Attachment
from mediation.attachments.storage import StoredContentDamaged, storage_for
from mediation.extensions import db
from tests.attachments.helpers import minimal_pdf
from tests.backup.conftest import cli, create_backup
from tests.backup.test_round_trip import payload_text

# On one worker, so that the session's source database (tests/backup/conftest.py) is built once.
pytestmark = pytest.mark.xdist_group("backup")


def contents(app) -> dict[str, bytes]:
    """Every attachment's content, read through its backend and checked against its row's size."""
    with app.app_context():
        rows = db.session.execute(select(Attachment.storage_key, Attachment.storage, Attachment.chunk_count,
                                         Attachment.size)).all()
        found = {}
        for storage_key, backend, chunk_count, size in rows:
            content = b"".join(storage_for(db.session, backend).stream(storage_key, chunk_count))
            assert len(content) == size, storage_key
            found[storage_key] = content
        db.session.rollback()
        return found


def add_large_document(source) -> bytes:
    """A document of several chunks in the source, the canary on every line of it."""
    pdf = minimal_pdf(source.marker.encode(), padding=200_000)
    with source.app.app_context():
        model = db.session.scalar(select(Attachment).limit(1))
        attachment = Attachment(case_id=model.case_id, kind=model.kind, visibility=model.visibility,
                                label=model.label, document_date=model.document_date,
                                content_type=model.content_type, size=len(pdf), chunk_count=0,
                                added_by_id=model.added_by_id)
        db.session.add(attachment)
        db.session.flush()
        chunks = [pdf[start:start + 65536] for start in range(0, len(pdf), 65536)]
        attachment.chunk_count = storage_for(db.session).put(attachment.storage_key, chunks)
        db.session.commit()
    return pdf


def test_the_archive_holds_no_document_byte_and_a_restore_opens_every_attachment(source, new_target, tmp_path):
    pdf = add_large_document(source)
    expected = contents(source.app)
    assert len(expected) >= 2 and pdf in expected.values()
    assert any(source.marker.encode() in content for content in expected.values())

    path = create_backup(source.app, tmp_path)
    archive, payload = path.read_bytes(), payload_text(source, path, tmp_path)
    for blob in (archive, payload):
        assert source.marker.encode() not in blob
        assert pdf[:4096] not in blob and pdf[-4096:] not in blob

    target = new_target()  # an empty database
    result = cli(target, "backup", "restore", str(path))
    assert result.exit_code == 0, result.output
    assert contents(target) == expected


def test_a_restore_without_the_field_keys_opens_no_document(source, new_target, tmp_path):
    """Positive control of the test above: the chunks were really sealed with the source's keys."""
    path = create_backup(source.app, tmp_path)
    target = new_target()
    assert cli(target, "backup", "restore", str(path)).exit_code == 0
    target.config["FIELD_KEYS"] = {key_id: os.urandom(32) for key_id in source.app.config["FIELD_KEYS"]}
    with target.app_context():
        storage_key, backend, chunk_count = db.session.execute(
            select(Attachment.storage_key, Attachment.storage, Attachment.chunk_count).limit(1)).one()
        with pytest.raises(StoredContentDamaged, match="fails authentication"):
            b"".join(storage_for(db.session, backend).stream(storage_key, chunk_count))
