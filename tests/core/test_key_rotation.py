"""`flask keys rotate` and `flask keys status` (docs/security.md, S23).

Add key 2: new writes use it and old rows still read. Rotate: no value is left
on key 1. Remove key 1: every row still reads through the ORM. A second
rotation changes nothing. The application is session-scoped, so its key ring
is restored after each test.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from sqlalchemy import LargeBinary, select, type_coerce

from mediation.accounts.models import StaffUser
from mediation.attachments.models import AttachmentChunk
from mediation.cases.codes import NoteVisibility
from mediation.cases.models import Case, Note, NoteVersion, Person
from mediation.core.crypto import DecryptionError, Encrypted, key_id_of
from mediation.extensions import db
from tests.cases.encrypted_rows import encrypted_columns, fill_every_encrypted_column, raw_values
from tests.cases.fixtures import service_point_of


@pytest.fixture
def key_ring(app):
    """The application's key ring, put back as it was after the test."""
    saved = dict(app.config["FIELD_KEYS"])
    yield saved
    app.config["FIELD_KEYS"] = saved


@pytest.fixture
def filled(app, world, cases):
    """Every encrypted column holds at least one value, all under the first key."""
    with app.app_context():
        lead = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        supervisor = db.session.scalar(select(StaffUser).where(StaffUser.username == "supervisor.a"))
        point = service_point_of(world.association_a)
        _case, written = fill_every_encrypted_column(db.session, point.id, lead, supervisor,
                                                     lambda name: f"value of {name} ٪ é")
        db.session.commit()
    return written


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def keys_in_use(app) -> Counter:
    """Key id -> number of stored values, by key_id_of over every encrypted column and every attachment chunk
    (sealed with their row's associated data, docs/security.md, S45)."""
    with app.app_context():
        blobs = [blob for values in raw_values(db.session).values() for blob in values]
        blobs += [bytes(blob) for blob in db.session.scalars(select(AttachmentChunk.data))]
        return Counter(key_id_of(blob) for blob in blobs)


def read_everything(app) -> dict[str, list]:
    """Load every row of every mapped class with an encrypted attribute, through the ORM."""
    seen: dict[str, list] = {}
    with app.app_context():
        for mapper in db.Model.registry.mappers:
            attributes = [prop.key for prop in mapper.column_attrs
                          if any(isinstance(column.type, Encrypted) for column in prop.columns)]
            if not attributes:
                continue
            rows = db.session.scalars(select(mapper.class_).order_by(*mapper.primary_key)).unique().all()
            seen[mapper.class_.__name__] = [tuple(getattr(row, name) for name in attributes) for row in rows]
    return seen


def versions(app) -> dict:
    with app.app_context():
        return {
            model.__name__: dict(db.session.execute(select(model.id, model.version_id)).all())
            for model in (Case, Person, Note)
        } | {"updated_at": dict(db.session.execute(select(Person.id, Person.updated_at)).all())}


def test_every_encrypted_column_gets_a_value(app, filled):
    assert {name for name in filled} == {f"{table}.{column}" for table, column in encrypted_columns()}
    with app.app_context():
        assert all(raw_values(db.session).values())


def test_rotation_add_rotate_retire(app, filled, key_ring, cli):
    (old_id,) = key_ring
    assert keys_in_use(app) == Counter({old_id: keys_in_use(app)[old_id]}) and keys_in_use(app)[old_id] > 0
    before = read_everything(app)
    assert any("value of person.full_name ٪ é" in values for values in before["Person"])

    # 1. Add key 2: new writes use it, old rows still read.
    new_id = old_id + 1
    app.config["FIELD_KEYS"] = {**key_ring, new_id: os.urandom(32)}
    with app.app_context():
        author = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        case = db.session.scalar(select(Case).order_by(Case.id))
        note = Note(case_id=case.id, author_id=author.id, visibility=NoteVisibility.JOINT,
                    versions=[NoteVersion(number=1, body="written after key 2", edited_by_id=author.id)])
        db.session.add(note)
        db.session.commit()
        blob = db.session.scalar(select(type_coerce(NoteVersion.body, LargeBinary))
                                 .where(NoteVersion.note_id == note.id))
        assert key_id_of(blob) == new_id
    after_add = read_everything(app)
    assert {name: rows for name, rows in after_add.items() if name != "NoteVersion"} == \
        {name: rows for name, rows in before.items() if name != "NoteVersion"}
    assert keys_in_use(app)[new_id] == 1 and keys_in_use(app)[old_id] > 0

    status = cli("keys", "status")
    assert status.exit_code == 0, status.output
    assert f"key {old_id}: {keys_in_use(app)[old_id]} values (still in use" in status.output
    assert f"key {new_id}: 1 values (active)" in status.output

    # 2. Rotate: nothing left on key 1; ORM version counters and updated_at untouched.
    stamps = versions(app)
    total = sum(keys_in_use(app).values())
    result = cli("keys", "rotate", "--batch-size", "2")  # several batches per table
    assert result.exit_code == 0, result.output
    moved = keys_in_use(app)
    assert moved[old_id] == 0
    assert sum(moved.values()) == total
    assert "person.full_name: " in result.output and "re-encrypted" in result.output
    assert f"total: {moved[new_id] - 1} re-encrypted" in result.output
    assert versions(app) == stamps
    status = cli("keys", "status")
    assert f"key {old_id}: 0 values (unused: can be retired)" in status.output

    # 3. Retire key 1: every row still reads, with the same values.
    app.config["FIELD_KEYS"] = {new_id: app.config["FIELD_KEYS"][new_id]}
    assert read_everything(app) == after_add

    # 4. A second rotation changes nothing.
    with app.app_context():
        stored = raw_values(db.session)
    again = cli("keys", "rotate")
    assert again.exit_code == 0, again.output
    assert "total: 0 re-encrypted" in again.output
    with app.app_context():
        assert raw_values(db.session) == stored


def test_rotation_reports_values_it_cannot_read_and_leaves_them(app, filled, key_ring, cli):
    (old_id,) = key_ring
    # The operator dropped the old key before rotating: nothing is readable, nothing is changed.
    app.config["FIELD_KEYS"] = {old_id + 1: os.urandom(32)}
    with app.app_context():
        stored = raw_values(db.session)
    result = cli("keys", "rotate")
    assert result.exit_code == 1
    assert "UNREADABLE" in result.output
    with app.app_context():
        assert raw_values(db.session) == stored
        with pytest.raises(DecryptionError):
            db.session.scalars(select(Person)).all()
    status = cli("keys", "status")
    assert status.exit_code == 1
    assert f"key {old_id}: " in status.output and "NOT IN THE KEY RING" in status.output


def test_status_per_column(app, filled, cli):
    result = cli("keys", "status", "--by-column")
    assert result.exit_code == 0, result.output
    for table, column in encrypted_columns():
        assert f"  {table}.{column}: key " in result.output
