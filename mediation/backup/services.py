"""Create, verify and restore encrypted backups of the whole database (docs/security.md, S26).

A backup is the database as stored: field-encrypted columns stay ciphertext,
and no key is in it. The archive around it is sealed again with the backup key
(MEDIATION_BACKUP_KEY), which is kept apart from the backups and from the other
keys; a restore also needs the field, blind-index and audit keys of the source.

Nothing is ever restored from an unchecked file: the archive is decrypted,
authenticated chunk by chunk and checksummed into a scratch file first, its
schema revision must be one this code knows (a newer one is refused), and only
then is the target touched, in one transaction. A "non-empty" target is one
with any table in its default schema: a new database has none (`flask db
upgrade` already makes one non-empty, since it seeds reference data), and
replacing it needs --force.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from mediation import __version__
from mediation.backup import databases
from mediation.backup.archive import file_digest, seal, unseal
from mediation.backup.errors import BackupError
from mediation.core import clock
from mediation.core.audit import AuditAction, AuditOutcome, record
from mediation.extensions import db

KEY_VARIABLE = "MEDIATION_BACKUP_KEY"
ENTITY = "backup"


@dataclass(frozen=True)
class CreatedBackup:
    path: Path
    sha256: str
    header: dict


@dataclass(frozen=True)
class CheckedBackup:
    header: dict
    # True when the backup is at this code's newest revision; False: older, `flask db upgrade` after restoring.
    at_head: bool


@dataclass(frozen=True)
class RestoredBackup(CheckedBackup):
    replaced_tables: int


def backup_keys() -> dict[int, bytes]:
    """The backup key ring; refused, naming the variable, when it is not configured."""
    keys = current_app.config.get("BACKUP_KEYS") or {}
    if not keys:
        raise BackupError(
            f"{KEY_VARIABLE} is not set: generate one (python -c \"import secrets, base64; "
            f"print(base64.b64encode(secrets.token_bytes(32)).decode())\"), keep a copy apart from the "
            f"backups and from the other keys, and set it in the environment"
        )
    return keys


def engine_dialect(engine: Engine) -> str:
    if engine.dialect.name not in databases.SUPPORTED_DIALECTS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {engine.dialect.name}")
    return engine.dialect.name


def _migration_scripts() -> ScriptDirectory:
    config = AlembicConfig()
    config.set_main_option("script_location", str(current_app.extensions["migrate"].directory))
    return ScriptDirectory.from_config(config)


def database_revision(engine: Engine) -> str:
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    if len(heads) != 1:
        raise BackupError("the database has no single schema revision: run `flask db upgrade` first")
    return heads[0]


def check_revision(header: dict) -> bool:
    """Refuse a schema revision this code does not know (a newer one); True when it is the newest."""
    scripts = _migration_scripts()
    if header["revision"] not in {script.revision for script in scripts.walk_revisions()}:
        raise BackupError(
            f"the backup's schema revision {header['revision']} is unknown to this version of the application "
            f"({__version__}): it comes from a newer schema (made by version {header['app_version']}); "
            f"restore it with that version of the application or a newer one"
        )
    return header["revision"] in scripts.get_heads()


# -- create ---------------------------------------------------------------------------


def start_backup(session: Session, directory: str | os.PathLike) -> str:
    """Check everything a backup needs, then record its event; the caller commits before write_backup."""
    backup_keys()
    dialect = engine_dialect(db.engine)
    if dialect == "postgresql":
        databases.client_tool("pg_dump")
    directory = Path(directory)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create the directory {directory}: {error.strerror}") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise BackupError(f"the directory {directory} is not writable")
    backup_id = uuid.uuid4().hex
    # Committed before the snapshot, so the archive holds the event of its own creation.
    record(session, AuditAction.BACKUP_CREATED, entity=ENTITY, entity_id=backup_id)
    return backup_id


def record_backup_failure(session: Session, backup_id: str) -> None:
    """A backup whose event was committed but which was not written gets a failure event."""
    record(session, AuditAction.BACKUP_CREATED, outcome=AuditOutcome.FAILURE, entity=ENTITY, entity_id=backup_id)


def _free_name(directory: Path, created: datetime, revision: str, backup_id: str) -> Path:
    path = directory / f"mediation-{created:%Y%m%dT%H%M%SZ}-{revision}.backup"
    if path.exists():  # two backups in the same second
        path = path.with_name(f"{path.stem}-{backup_id[:8]}.backup")
    return path


def write_backup(directory: str | os.PathLike, backup_id: str) -> CreatedBackup:
    """Snapshot the database, seal it with the newest backup key, and move it into place atomically."""
    keys = backup_keys()
    key_id = max(keys)
    engine = db.engine
    dialect = engine_dialect(engine)
    directory = Path(directory)
    created = clock.now().replace(microsecond=0)
    # The scratch directory (0700) is inside the destination: the plain snapshot needs the
    # room of the database, and the final rename stays on one file system, hence atomic.
    with tempfile.TemporaryDirectory(dir=directory, prefix=".mediation-backup-") as scratch:
        payload = Path(scratch) / "payload"
        if dialect == "sqlite":
            databases.dump_sqlite(engine, payload)
            revision = databases.check_sqlite_payload(payload)
        else:
            revision = database_revision(engine)
            databases.dump_postgresql(engine.url, payload)
            if database_revision(engine) != revision:
                raise BackupError("the schema changed during the backup (a migration ran): take it again")
        fields = {"backup_id": backup_id, "created_at": created.isoformat(), "dialect": dialect,
                  "revision": revision, "app_version": __version__}
        descriptor, sealing = tempfile.mkstemp(dir=scratch, suffix=".part")  # mode 0600
        with os.fdopen(descriptor, "wb") as out:
            header = seal(payload, out, fields, key_id, keys[key_id])
            out.flush()
            os.fsync(out.fileno())
        payload.unlink()
        final = _free_name(directory, created, revision, backup_id)
        os.replace(sealing, final)
    _sync_directory(directory)
    return CreatedBackup(final, file_digest(final)[1], header)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# -- verify and restore -----------------------------------------------------------------


def open_backup(path: str | os.PathLike, scratch: Path) -> tuple[CheckedBackup, Path]:
    """Decrypt and check a backup into scratch; return what it is and the payload file."""
    keys = backup_keys()
    payload = scratch / "payload"
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}") from None
    with handle, open(payload, "wb") as out:
        header = unseal(handle, keys, out.write, key_variable=KEY_VARIABLE)
    at_head = check_revision(header)
    if header["dialect"] == "sqlite":
        if databases.check_sqlite_payload(payload) != header["revision"]:
            raise BackupError("the backup's database is not at the revision its header states")
    elif header["dialect"] == "postgresql":
        databases.check_postgresql_payload(payload)
    else:
        raise BackupError(f"the backup is of an unsupported database ({header['dialect']})")
    return CheckedBackup(header, at_head), payload


def verify_backup(path: str | os.PathLike) -> CheckedBackup:
    """Check a backup completely without touching any database."""
    with tempfile.TemporaryDirectory(prefix="mediation-verify-") as scratch:
        return open_backup(path, Path(scratch))[0]


def restore_backup(path: str | os.PathLike, *, force: bool) -> RestoredBackup:
    """Restore a checked backup into the configured database, which must be empty unless force."""
    engine = db.engine
    dialect = engine_dialect(engine)
    with tempfile.TemporaryDirectory(prefix="mediation-restore-") as scratch:
        checked, payload = open_backup(path, Path(scratch))
        header = checked.header
        if header["dialect"] != dialect:
            raise BackupError(f"the backup is of a {header['dialect']} database; the configured database is "
                              f"{dialect}")
        tables = databases.application_tables(engine)
        if tables and not force:
            raise BackupError(f"the target database is not empty ({len(tables)} tables): restore into a new, "
                              f"empty database, or add --force to replace its whole content")
        db.session.remove()
        engine.dispose()  # no pooled connection holds a lock or a stale schema
        if dialect == "sqlite":
            databases.load_sqlite(engine, payload)
        else:
            databases.load_postgresql(engine.url, payload, replace=bool(tables))
        engine.dispose()
    return RestoredBackup(header, checked.at_head, len(tables))


def record_restore(session: Session, backup_id: str) -> None:
    """Append the restore to the restored chain (ids only)."""
    record(session, AuditAction.BACKUP_RESTORED, entity=ENTITY, entity_id=backup_id)
