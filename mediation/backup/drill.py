"""The quarterly restore drill (docs/security.md, S26): a backup restored for real into a scratch database,
what came back checked, the drill recorded in the live database, the scratch dropped.

A drill proves more than `backup verify`: the payload loads into a database, its schema revision is the
one its header states, the audit chain of the copy verifies under this installation's audit key, every
stored ciphertext is under a key id of the ring and a value of each encrypted column decrypts with it
(a restore needs all the keys, docs/security.md, S26: "keys backed up separately"). The live database is only
read (the backup's dialect) and written once, for the record.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import LargeBinary, create_engine, func, select, table, type_coerce
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from mediation.backup import databases
from mediation.backup.errors import BackupError
from mediation.backup.models import RestoreDrill
from mediation.backup.services import ENTITY, database_revision, engine_dialect, open_backup
from mediation.core import clock, crypto
from mediation.core.audit import AuditAction, AuditOutcome, record, verify_chain
from mediation.core.keys import encrypted_tables, key_usage
from mediation.core.models import Base
from mediation.extensions import db

# S26 asks for a drill each quarter: the administrator's home warns once the last passed one is older.
DRILL_INTERVAL = timedelta(days=92)
FAILURE_LENGTH = 500


@dataclass(frozen=True)
class DrillReport:
    header: dict
    tables: int
    rows: int
    audit_events: int
    # The PostgreSQL database the drill created and dropped (None when it restored into a file or `--into`).
    scratch: str | None = None


def run_drill(path, into: str | None = None) -> DrillReport:
    """Restore the backup at `path` into a scratch database and check the copy; BackupError if any step fails."""
    dialect = engine_dialect(db.engine)
    with tempfile.TemporaryDirectory(prefix="mediation-drill-") as scratch:
        checked, payload = open_backup(path, Path(scratch))
        header = checked.header
        if header["dialect"] != dialect:
            raise BackupError(f"the backup is of a {header['dialect']} database; this installation runs {dialect}")
        with _scratch_database(Path(scratch), dialect, into) as (engine, created):
            if dialect == "sqlite":
                databases.load_sqlite(engine, payload)
            else:
                databases.load_postgresql(engine.url, payload, replace=bool(databases.application_tables(engine)))
            report = _check_copy(engine, header)
        return replace(report, scratch=created)  # only once the scratch database is dropped


@contextmanager
def _scratch_database(scratch: Path, dialect: str, into: str | None) -> Iterator[tuple[Engine, str | None]]:
    """An engine on the scratch database: a temporary SQLite file, the `--into` database, or one created
    next to the live PostgreSQL database (and dropped afterwards), with the name of the one created."""
    live, created = db.engine.url, None
    if dialect == "sqlite":
        if into is not None:
            raise BackupError("--into is for PostgreSQL: on SQLite the drill restores into a temporary file")
        url = make_url(f"sqlite:///{scratch / 'drill.db'}")
    elif into is not None:
        url = make_url(into)
        if (url.host, url.port, url.database) == (live.host, live.port, live.database):
            raise BackupError("--into names the live database: give an empty scratch database")
    else:
        created = f"mediation_drill_{secrets.token_hex(6)}"
        try:
            _server_command("CREATE DATABASE {}", created)
        except Exception as error:  # the driver's own error class: no right to create databases, most often
            raise BackupError(f"cannot create a scratch database ({type(error).__name__}: {error}): "
                              f"give --into URL of an empty scratch database") from None
        url = live.set(database=created)
    engine = create_engine(url)
    try:
        yield engine, created
    finally:
        engine.dispose()
        if created is not None:
            _server_command("DROP DATABASE IF EXISTS {} WITH (FORCE)", created)


def _server_command(statement: str, database: str) -> None:
    """A PostgreSQL statement naming a database, outside any transaction: identifiers cannot be bound
    parameters, so psycopg composes the name as a quoted identifier."""
    from psycopg import sql

    connection = db.engine.raw_connection()
    try:
        connection.driver_connection.autocommit = True
        connection.driver_connection.execute(sql.SQL(statement).format(sql.Identifier(database)))
    finally:
        connection.driver_connection.autocommit = False
        connection.close()


def _check_copy(engine: Engine, header: dict) -> DrillReport:
    revision = database_revision(engine)
    if revision != header["revision"]:
        raise BackupError(f"the restored database is at revision {revision}, its header states {header['revision']}")
    tables = databases.application_tables(engine)
    with Session(engine) as session:
        rows = sum(session.execute(select(func.count()).select_from(table(name))).scalar_one() for name in tables)
        chain = verify_chain(session)
        if not chain.ok:
            raise BackupError(f"the restored audit chain is broken at event {chain.first_bad_seq} ({chain.reason}): "
                              f"is MEDIATION_AUDIT_KEY the key of the backed-up installation?")
        _check_field_keys(session)
    return DrillReport(header, len(tables), rows, chain.checked)


def _check_field_keys(session: Session) -> None:
    """Every ciphertext under a key of the ring, and one value of each encrypted column decrypts."""
    ring = current_app.config["FIELD_KEYS"]
    usage = key_usage(session, Base.metadata)
    missing = sum(count for key_id, count in usage.by_key.items() if key_id not in ring) + usage.unknown_format
    if missing:
        raise BackupError(f"{missing} stored values are under keys missing from MEDIATION_FIELD_KEYS")
    for entry in encrypted_tables(Base.metadata):
        for column in entry.columns:
            stored = session.execute(select(type_coerce(column, LargeBinary)).where(column.is_not(None))
                                     .limit(1)).scalar()
            if stored is None:
                continue
            try:
                crypto.decrypt(bytes(stored), column.type.context)
            except Exception:  # which key failed is the finding; the value never leaves this function
                raise BackupError(f"a value of {entry.table.name}.{column.name} does not decrypt with the field "
                                  f"keys of this installation") from None


def record_drill(session: Session, *, started: float, report: DrillReport | None = None,
                 header: dict | None = None, failure: str | None = None) -> RestoreDrill:
    """The drill's record and its audit event (ids only), in the caller's transaction."""
    header = report.header if report is not None else (header or {})
    # A failed drill's header may come from a damaged file: its fields are cut to their columns.
    drill = RestoreDrill(
        drilled_at=clock.now(), passed=report is not None, backup_id=_cut(header.get("backup_id"), 64),
        backup_created_at=_parse(header.get("created_at")), revision=_cut(header.get("revision"), 32),
        table_count=report.tables if report else None, row_count=report.rows if report else None,
        audit_event_count=report.audit_events if report else None,
        duration_ms=round((time.monotonic() - started) * 1000),
        failure=failure[:FAILURE_LENGTH] if failure else None,
    )
    session.add(drill)
    record(session, AuditAction.RESTORE_DRILL, outcome=AuditOutcome.SUCCESS if report else AuditOutcome.FAILURE,
           entity=ENTITY, entity_id=drill.backup_id)
    return drill


def _cut(value, length: int) -> str | None:
    return str(value)[:length] if value else None


def _parse(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class DrillStatus:
    last: RestoreDrill | None  # the latest drill, passed or not
    last_passed: RestoreDrill | None
    due: bool  # no drill passed within DRILL_INTERVAL


def drill_status(session: Session, now: datetime | None = None) -> DrillStatus:
    now = now or clock.now()
    last = session.scalars(select(RestoreDrill).order_by(RestoreDrill.drilled_at.desc(), RestoreDrill.id.desc())
                           .limit(1)).first()
    last_passed = session.scalars(select(RestoreDrill).where(RestoreDrill.passed.is_(True))
                                  .order_by(RestoreDrill.drilled_at.desc(), RestoreDrill.id.desc()).limit(1)).first()
    due = last_passed is None or now - last_passed.drilled_at > DRILL_INTERVAL
    return DrillStatus(last, last_passed, due)
