"""`flask backup create | verify | restore` end to end, on the backend under test (docs/security.md, S26).

A restore gives back every stored row byte for byte and every decrypted field;
the restored audit chain verifies, with the restore appended to it. The backup
holds ciphertext only: no canary and no key in the file or in its decrypted
payload, while a plain column is found there (so the scan can find things).
"""

from __future__ import annotations

import os
import stat
import subprocess

import pytest
from sqlalchemy import func, select

from mediation.backup.archive import file_digest, unseal
from mediation.core.audit import AuditAction, AuditEvent, verify_chain
from mediation.extensions import db
from tests.backup.conftest import cli, configured, create_backup, decrypted_rows, stored_rows

# On one worker, so that the session's source database (tests/backup/conftest.py) is built once.
pytestmark = [pytest.mark.no_db_transaction, pytest.mark.xdist_group("backup")]


def audit_events(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def without_restore_event(rows: dict[str, list[tuple]], backup_id: str) -> dict[str, list[tuple]]:
    """The restored rows minus what the restore itself appended: its audit event and the chain head."""
    events = sorted(rows["audit_event"], key=lambda row: row[0])
    last = events[-1]
    assert (last[2], last[7], last[8]) == (str(AuditAction.BACKUP_RESTORED), "backup", backup_id)
    return {**rows, "audit_event": sorted(events[:-1], key=repr), "audit_head": None}


def header_of(path) -> dict:
    from mediation.backup.archive import read_header

    with open(path, "rb") as handle:
        return read_header(handle)[0]


@pytest.mark.parametrize("occupied", [False, True], ids=["empty target", "forced over a used target"])
def test_restore_gives_back_every_row_and_every_decrypted_field(source, new_target, tmp_path, occupied):
    path = create_backup(source.app, tmp_path)
    expected_stored, expected_plain = stored_rows(source.app), decrypted_rows(source.app)
    target = new_target(migrated=occupied)
    if occupied:
        assert cli(target, "backup", "create", str(tmp_path / "other")).exit_code == 0  # a used database

    result = cli(target, "backup", "restore", str(path), *(["--force"] if occupied else []))

    assert result.exit_code == 0, result.output
    backup_id = header_of(path)["backup_id"]
    assert f"restored backup {backup_id}" in result.output
    assert "audit chain intact" in result.output
    assert ("replacing" in result.output) is occupied
    restored = stored_rows(target)
    assert sum(len(rows) for rows in expected_stored.values()) > 500
    assert all(expected_stored[name] for name in ("person", "case_file", "audit_event", "alembic_version"))
    assert without_restore_event(restored, backup_id) == {**expected_stored, "audit_head": None}
    plain = decrypted_rows(target)
    assert without_restore_event(plain, backup_id) == {**expected_plain, "audit_head": None}
    assert any(source.marker in str(row) for row in plain["person"])  # decrypted, not just copied
    with target.app_context():
        report = verify_chain(db.session)
        assert report.ok and report.checked == len(expected_stored["audit_event"]) + 1


def test_the_backup_records_its_own_creation_in_the_archive(source, new_target, tmp_path):
    before = audit_events(source.app)
    path = create_backup(source.app, tmp_path)
    backup_id = header_of(path)["backup_id"]
    assert audit_events(source.app) == before + 1
    with source.app.app_context():
        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert (event.action, event.outcome, event.entity, event.entity_id) == (
            "backup_created", "success", "backup", backup_id)
    target = new_target()
    assert cli(target, "backup", "restore", str(path)).exit_code == 0
    with target.app_context():
        actions = db.session.execute(
            select(AuditEvent.action, AuditEvent.entity_id).order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert actions == [("backup_restored", backup_id), ("backup_created", backup_id)]


def test_file_name_mode_checksum_and_verify(source, tmp_path):
    result = cli(source.app, "backup", "create", str(tmp_path / "nightly"))
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "nightly").iterdir()
    header = header_of(path)
    assert path.name.startswith("mediation-") and path.name.endswith(f"-{header['revision']}.backup")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert f"sha256: {file_digest(path)[1]}" in result.output
    assert not [name for name in os.listdir(tmp_path / "nightly") if name != path.name]  # no scratch left
    dialect = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    assert header["dialect"] == dialect

    verified = cli(source.app, "backup", "verify", str(path))
    assert verified.exit_code == 0, verified.output
    assert f"backup intact: backup {header['backup_id']}" in verified.output
    assert "(current schema)" in verified.output


def payload_text(source, path, tmp_path) -> bytes:
    """The decrypted payload; a PostgreSQL dump (compressed) as the SQL it restores."""
    payload = tmp_path / "payload"
    with open(path, "rb") as handle, open(payload, "wb") as out:
        header = unseal(handle, source.app.config["BACKUP_KEYS"], out.write)
    if header["dialect"] == "sqlite":
        return payload.read_bytes()
    return subprocess.run(["pg_restore", "--file=-", str(payload)], check=True, capture_output=True).stdout


def key_forms(app) -> list[bytes]:
    import base64

    keys = [*app.config["FIELD_KEYS"].values(), *app.config["BACKUP_KEYS"].values(),
            app.config["BLIND_INDEX_KEY"], app.config["AUDIT_KEY"], app.config["FEED_PEPPER"]]
    forms = []
    for key in keys:
        forms += [key, key.hex().encode(), base64.b64encode(key), base64.urlsafe_b64encode(key).rstrip(b"=")]
    return forms


def test_the_backup_holds_ciphertext_only_and_no_key(source, tmp_path):
    path = create_backup(source.app, tmp_path)
    archive = path.read_bytes()
    payload = payload_text(source, path, tmp_path)
    assert b"mediator.a1" in payload  # positive control: a plain column is there to be found
    assert len(source.written) >= 30
    for blob in (archive, payload):
        assert source.marker.encode() not in blob
        assert source.arabic_marker.encode("utf-8") not in blob
        assert source.arabic_marker.encode("utf-16-le") not in blob
        assert not [form for form in key_forms(source.app) if form in blob]


def test_the_backup_key_is_required_and_named(source, tmp_path):
    before = audit_events(source.app)
    with configured(source.app, BACKUP_KEYS={}):
        for args in (("create", str(tmp_path / "out")), ("verify", str(tmp_path / "x")),
                     ("restore", str(tmp_path / "x"))):
            result = cli(source.app, "backup", *args)
            assert result.exit_code == 1
            assert "MEDIATION_BACKUP_KEY is not set" in result.output
    assert audit_events(source.app) == before  # nothing recorded for a backup that never started
    assert not (tmp_path / "out").exists()


def test_a_backup_key_ring_restores_old_backups(source, tmp_path):
    old = create_backup(source.app, tmp_path)
    with configured(source.app, BACKUP_KEYS={**source.app.config["BACKUP_KEYS"], 9: os.urandom(32)}):
        new = create_backup(source.app, tmp_path / "new")
        assert header_of(old)["key_id"] == 1 and header_of(new)["key_id"] == 9
        for path in (old, new):
            assert cli(source.app, "backup", "verify", str(path)).exit_code == 0
    refused = cli(source.app, "backup", "verify", str(new))
    assert refused.exit_code == 1 and "backup key id 9, which is not in MEDIATION_BACKUP_KEY" in refused.output


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="pg_dump is used on PostgreSQL only")
def test_missing_pg_dump_is_refused_before_anything_is_recorded(source, tmp_path, monkeypatch):
    before = audit_events(source.app)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = cli(source.app, "backup", "create", str(tmp_path / "out"))
    assert result.exit_code == 1 and "pg_dump was not found on PATH" in result.output
    assert audit_events(source.app) == before



def test_a_failed_backup_leaves_no_file_and_records_the_failure(source, tmp_path, monkeypatch):
    from mediation.backup import databases

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(databases, "dump_sqlite", disk_full)
    monkeypatch.setattr(databases, "dump_postgresql", disk_full)
    before = audit_events(source.app)
    result = cli(source.app, "backup", "create", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "FAILED: [Errno 28] No space left on device" in result.output
    assert list((tmp_path / "out").iterdir()) == []  # neither an archive nor a scratch copy
    with source.app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.outcome, AuditEvent.entity_id)
                                    .order_by(AuditEvent.seq.desc()).limit(2)).all()
        assert verify_chain(db.session).ok
    assert audit_events(source.app) == before + 2
    assert [(action, outcome) for action, outcome, _id in events] == [("backup_created", "failure"),
                                                                      ("backup_created", "success")]
    assert events[0][2] == events[1][2]


def test_the_postgresql_password_is_passed_in_the_environment_only():
    from sqlalchemy.engine import make_url

    from mediation.backup.databases import libpq_connection

    dsn, environment = libpq_connection(make_url("postgresql+psycopg://app:s3cret@db.local:5433/mediation"))
    assert dsn == "postgresql://app@db.local:5433/mediation"
    assert environment["PGPASSWORD"] == "s3cret"


def test_a_restore_with_another_audit_key_says_the_chain_does_not_verify(source, new_target, tmp_path):
    path = create_backup(source.app, tmp_path)
    target = new_target(AUDIT_KEY=os.urandom(32))
    result = cli(target, "backup", "restore", str(path))
    assert result.exit_code == 1
    assert "restored backup" in result.output
    assert "audit chain BROKEN at event 1: hash mismatch (is MEDIATION_AUDIT_KEY the key" in result.output
