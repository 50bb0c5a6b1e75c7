"""`flask backup drill`: the quarterly restore drill (docs/security.md, S26: "a restore-drill record exists for
the last quarter"), on the backend under test.

The drill restores a real backup into a scratch database (a temporary SQLite file; on PostgreSQL a
database it creates next to the live one and drops), checks the copy (schema revision, audit chain,
field keys), and records the drill in the live database, passed or failed. The administrator's home
page says when the last drill passed, and warns when none passed in the last quarter.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from mediation.backup.archive import read_header
from mediation.backup.models import RestoreDrill
from mediation.core.audit import AuditAction, AuditEvent
from mediation.extensions import db
from tests.backup.conftest import cli, configured, create_backup

# On one worker, so that the session's source database (tests/backup/conftest.py) is built once.
pytestmark = [pytest.mark.no_db_transaction, pytest.mark.xdist_group("backup")]


def latest_drill(app) -> RestoreDrill:
    with app.app_context():
        drill = db.session.scalars(select(RestoreDrill).order_by(RestoreDrill.id.desc()).limit(1)).one()
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        assert (event.action, event.entity) == (str(AuditAction.RESTORE_DRILL), "backup")
        assert event.outcome == ("success" if drill.passed else "failure")
        db.session.expunge(drill)
        return drill


def drill_dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


def scratch_databases(app) -> list[str]:
    with app.app_context():
        with db.engine.connect() as connection:
            return list(connection.exec_driver_sql(
                "SELECT datname FROM pg_database WHERE starts_with(datname, 'mediation_drill_')").scalars())


def header_of(path) -> dict:
    with open(path, "rb") as handle:
        return read_header(handle)[0]


def test_a_drill_restores_checks_and_records_the_backup(source, tmp_path):
    path = create_backup(source.app, tmp_path)
    result = cli(source.app, "backup", "drill", str(path))
    assert result.exit_code == 0, result.output
    header = header_of(path)
    assert f"restore drill passed: backup {header['backup_id']}" in result.output
    assert "audit chain of the copy intact" in result.output
    drill = latest_drill(source.app)
    assert drill.passed and drill.failure is None
    assert (drill.backup_id, drill.revision) == (header["backup_id"], header["revision"])
    assert drill.table_count > 20 and drill.row_count > drill.table_count and drill.audit_event_count > 0
    assert drill.backup_created_at is not None
    # On PostgreSQL the drill names the scratch database it created, and that database is gone. (The
    # server's whole list is not compared: another run on the same server may be drilling meanwhile.)
    if drill_dialect(source.app) == "postgresql":
        scratch = result.output.split("scratch database ", 1)[1].split(" dropped", 1)[0]
        assert scratch.startswith("mediation_drill_")
        assert scratch not in scratch_databases(source.app)
    else:
        assert "scratch database" not in result.output
    assert source.marker not in result.output  # operator facts only


def test_a_copy_whose_audit_chain_does_not_verify_fails_and_is_recorded(source, new_target, tmp_path):
    # Another installation's backup (the same backup and field keys, its own audit key): its chain cannot
    # verify here. (Changing this installation's audit key instead would break the live chain itself.)
    other = new_target(migrated=True, AUDIT_KEY=os.urandom(32))
    path = create_backup(other, tmp_path)
    result = cli(source.app, "backup", "drill", str(path))
    assert result.exit_code == 1
    assert "restore drill FAILED: the restored audit chain is broken" in result.output
    drill = latest_drill(source.app)
    assert not drill.passed and "audit chain" in drill.failure
    assert drill.backup_id == header_of(path)["backup_id"]


def test_a_copy_unreadable_with_the_field_keys_fails(source, tmp_path):
    path = create_backup(source.app, tmp_path)
    ring = source.app.config["FIELD_KEYS"]
    wrong = {key_id: os.urandom(32) for key_id in ring}  # the same key ids, other keys
    with configured(source.app, FIELD_KEYS=wrong):
        result = cli(source.app, "backup", "drill", str(path))
    assert result.exit_code == 1
    assert "does not decrypt with the field keys of this installation" in result.output
    assert not latest_drill(source.app).passed


def test_a_damaged_backup_fails_and_nothing_else_changes(source, tmp_path):
    path = create_backup(source.app, tmp_path)
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))
    result = cli(source.app, "backup", "drill", str(path))
    assert result.exit_code == 1 and "restore drill FAILED" in result.output
    drill = latest_drill(source.app)
    assert not drill.passed and drill.backup_id == header_of(path)["backup_id"]  # the header is intact
    missing = cli(source.app, "backup", "drill", str(tmp_path / "nowhere.backup"))
    assert missing.exit_code == 1 and latest_drill(source.app).backup_id is None


def test_into_is_refused_where_it_makes_no_sense(source, tmp_path):
    path = create_backup(source.app, tmp_path)
    with source.app.app_context():
        live = db.engine.url
    if live.get_backend_name() == "sqlite":
        result = cli(source.app, "backup", "drill", str(path), "--into", "sqlite:////tmp/other.db")
        assert "--into is for PostgreSQL" in result.output
    else:
        result = cli(source.app, "backup", "drill", str(path), "--into",
                     live.render_as_string(hide_password=False))
        assert "--into names the live database" in result.output
    assert result.exit_code == 1 and not latest_drill(source.app).passed


def test_an_unreachable_scratch_database_is_a_failed_drill(source, tmp_path):
    with source.app.app_context():
        live = db.engine.url
    if live.get_backend_name() != "postgresql":
        pytest.skip("--into is for PostgreSQL")
    path = create_backup(source.app, tmp_path)
    nowhere = live.set(database="mediation_drill_does_not_exist").render_as_string(hide_password=False)
    result = cli(source.app, "backup", "drill", str(path), "--into", nowhere)
    assert result.exit_code == 1
    assert "restore drill FAILED: " in result.output
    assert not latest_drill(source.app).passed
