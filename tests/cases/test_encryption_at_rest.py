"""Class-S fields are never stored in clear; a damaged ciphertext never decrypts (docs/security.md, S22, V2).

The canary test builds its own application on a fresh database, gives every
encrypted column a unique marker `CANARY-<table.column>-<12 hex>` (and one Arabic
marker `كناري-<12 hex>`), commits, and searches the raw database for them: the
SQLite file with its `-wal` and `-journal` after a checkpoint, or `pg_dump
--data-only` on PostgreSQL. Markers written on purpose into clear-text columns
are the scanner's positive control; reading the markers back through the ORM is
the encryption's.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import LargeBinary, bindparam, select, type_coerce, update

from mediation.accounts.services import (
    NewAssociation,
    ServicePointData,
    create_association,
    create_service_point,
)
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.cases.codes import AgeBand, ChildLivesWith, ParticipantRole, Sex
from mediation.cases.identity import PersonData
from mediation.cases.models import Case, Participant, Person
from mediation.cases.services.intake import create_person
from mediation.core.authz import Profession, Role
from mediation.core.crypto import DecryptionError, Encrypted
from mediation.extensions import db
from tests.cases.encrypted_rows import encrypted_columns, fill_every_encrypted_column
from tests.conftest import PASSWORD


def marker(field: str) -> str:
    return f"CANARY-{field}-{secrets.token_hex(6)}"


def arabic_marker() -> str:
    return f"كناري-{secrets.token_hex(6)}"


def encodings(text: str) -> dict[str, bytes]:
    """The forms in which a leaked value could sit in a database file or dump."""
    raw = text.encode("utf-8")
    return {
        "raw": raw,
        "utf-16-le": text.encode("utf-16-le"),
        "utf-16-be": text.encode("utf-16-be"),
        "hex": raw.hex().encode(),
        "HEX": raw.hex().upper().encode(),
        "json": json.dumps(text)[1:-1].encode(),  # \\uXXXX escapes for non-ASCII text
    }


def found(text: str, haystack: bytes) -> list[str]:
    return [name for name, needle in encodings(text).items() if needle in haystack]


# -- the raw database ------------------------------------------------------------------


def sqlite_bytes(url) -> bytes:
    """The database file with its -wal and -journal, after a full checkpoint."""
    path = Path(url.database)
    with sqlite3.connect(path, isolation_level=None) as connection:
        busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    connection.close()
    assert busy == 0, "the WAL checkpoint was blocked"
    files = [path] + [path.with_name(path.name + suffix) for suffix in ("-wal", "-journal")]
    return b"".join(file.read_bytes() for file in files if file.exists())


def postgresql_dump(url) -> bytes:
    if shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is not on PATH: the PostgreSQL canary scan cannot run (install postgresql-client)")
    target = url.set(drivername="postgresql").render_as_string(hide_password=False)
    result = subprocess.run(["pg_dump", "--data-only", f"--dbname={target}"], capture_output=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def raw_database(app) -> bytes:
    with app.app_context():
        url = db.engine.url
        db.session.remove()
        db.engine.dispose()
    return sqlite_bytes(url) if url.get_backend_name() == "sqlite" else postgresql_dump(url)


# -- the data ------------------------------------------------------------------------


@pytest.fixture
def canary_app(fresh_app):
    application = fresh_app()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def seed(app) -> tuple[dict[str, str], list[str]]:
    """Markers in every encrypted column; returns them and the clear-text control markers."""
    controls = [marker("control"), f"كناري-ضبط-{secrets.token_hex(6)}"]
    with app.app_context():
        session = db.session
        association = create_association(
            session, NewAssociation("جمعية الاختبار", "Association test", "MA-04", "MA-RAB", address=controls[0],
                                    cndp_declaration_no="D-1-2025",
                                    cndp_declaration_on=date(2025, 1, 15)),
            actor=None,
        )
        point = create_service_point(session, association, "CAN-01",
                                     ServicePointData("jisr_al_usra", controls[1], "Espace test"), actor=None)
        lead = create_staff_user(session, NewStaffUser(username="mediator.canary", display_name="Mediator Canary",
                                                       role=Role.MEDIATOR, password=PASSWORD,
                                                       association_id=association.id,
                                                       profession=Profession.MEDIATOR), actor=None)
        supervisor = create_staff_user(session, NewStaffUser(username="supervisor.canary",
                                                             display_name="Supervisor Canary",
                                                             role=Role.SUPERVISOR, password=PASSWORD,
                                                             association_id=association.id), actor=None)
        case, written = fill_every_encrypted_column(session, point.id, lead, supervisor, marker)
        # The Arabic variant: a child of the family, named with an Arabic marker.
        child_name = arabic_marker()
        child = create_person(session, association.id, PersonData(full_name=child_name, sex=Sex.FEMALE,
                                                                   birth_date="2016-05-01"))
        session.flush()
        session.add(Participant(case_id=case.id, person_id=child.id, role=ParticipantRole.CHILD, is_party=False,
                                age_band=AgeBand.B6_11, lives_with=ChildLivesWith.MOTHER, in_school=True))
        session.commit()
        written["person.full_name (Arabic)"] = child_name
    return written, controls


def decrypted_values(app) -> set[str]:
    """Every value of every encrypted attribute, read back through the ORM in a new session."""
    values: set[str] = set()
    with app.app_context():
        for mapper in db.Model.registry.mappers:
            names = [prop.key for prop in mapper.column_attrs
                     if any(isinstance(column.type, Encrypted) for column in prop.columns)]
            if names:
                for row in db.session.scalars(select(mapper.class_)).unique():
                    values.update(getattr(row, name) for name in names if getattr(row, name) is not None)
    return values


@pytest.mark.no_db_transaction
def test_no_canary_reaches_the_raw_database(canary_app):
    markers, controls = seed(canary_app)
    seeded = {name for name in markers if not name.endswith("(Arabic)")}
    missing = {f"{table}.{column}" for table, column in encrypted_columns()} - seeded
    assert not missing, f"no canary for {sorted(missing)}: add one in tests/cases/encrypted_rows.py"
    assert len(set(markers.values())) == len(markers)

    # Positive control of the encryption: every marker reads back through the ORM.
    assert set(markers.values()) <= decrypted_values(canary_app)

    dump = raw_database(canary_app)
    # Positive control of the scan: clear-text columns are found, in both scripts.
    for control in controls:
        assert "raw" in found(control, dump), "the scan does not see the database content"
    leaks = {name: found(value, dump) for name, value in markers.items()}
    assert {name: forms for name, forms in leaks.items() if forms} == {}


# -- damaged ciphertexts -------------------------------------------------------------


def stored(column, row_id) -> bytes:
    table = column.table
    return bytes(db.session.scalar(select(type_coerce(column, LargeBinary)).where(table.c.id == row_id)))


def overwrite(column, row_id, blob: bytes) -> None:
    table = column.table
    db.session.execute(update(table).where(table.c.id == row_id)
                       .values({column.name: bindparam("blob", blob, type_=LargeBinary)}))
    db.session.commit()


def requesting_person_id(reference: str) -> int:
    return db.session.scalar(
        select(Participant.person_id).join(Case, Case.id == Participant.case_id)
        .where(Case.reference == reference, Participant.is_requesting_party.is_(True))
    )


# 0: format version, 1-2: key id, 3-14: nonce, 15..-17: ciphertext, last 16: tag.
@pytest.mark.parametrize("position", [0, 2, 3, 14, 15, 20, -16, -1])
def test_a_flipped_byte_in_a_stored_ciphertext_raises(app, cases, position):
    column = Person.__table__.c.full_name
    with app.app_context():
        person_id = requesting_person_id(cases.references["own"])
        other_id = requesting_person_id(cases.references["colleague"])
        blob = bytearray(stored(column, person_id))
        blob[position] ^= 0x01
        overwrite(column, person_id, bytes(blob))
    with app.app_context():
        with pytest.raises(DecryptionError):
            db.session.get(Person, person_id)
    with app.app_context():
        assert db.session.get(Person, other_id).full_name == "Karim Alaoui"  # other rows are unaffected


def test_a_ciphertext_moved_to_another_column_raises(app, cases):
    table = Person.__table__
    with app.app_context():
        person_id = requesting_person_id(cases.references["own"])
        overwrite(table.c.address, person_id, stored(table.c.phone, person_id))
    with app.app_context():
        with pytest.raises(DecryptionError):
            db.session.get(Person, person_id)


def test_a_ciphertext_moved_to_the_same_column_of_another_row_still_reads(app, cases):
    # Accepted limit (docs/security.md, S22): ciphertexts are bound to the column, not the row;
    # database grants and the audit chain cover a swap. This test documents it.
    table = Person.__table__
    with app.app_context():
        own = requesting_person_id(cases.references["own"])
        other = requesting_person_id(cases.references["colleague"])
        overwrite(table.c.full_name, own, stored(table.c.full_name, other))
    with app.app_context():
        assert db.session.get(Person, own).full_name == "Karim Alaoui"
