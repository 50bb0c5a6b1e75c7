"""`flask backup create|verify|restore|drill` (meant for cron; `drill` is the quarterly restore drill).

Output is for the operator: paths, ids, revisions, checksums; never a value from the database.
Exit 0 on success, 1 on any refusal (cron mails the output of a failing job).
"""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from mediation.backup.archive import read_header
from mediation.backup.drill import record_drill, run_drill
from mediation.backup.errors import BackupError
from mediation.backup.services import (
    record_backup_failure,
    record_restore,
    restore_backup,
    start_backup,
    verify_backup,
    write_backup,
)
from mediation.core.audit import verify_chain
from mediation.extensions import db


@click.group("backup")
def backup_cli():
    """Encrypted backups of the whole database (MEDIATION_BACKUP_KEY)."""


def _refused(error: BackupError, what: str = "refused"):
    db.session.rollback()
    click.echo(f"{what}: {error}", err=True)
    sys.exit(1)


def _describe(header: dict, at_head: bool) -> str:
    state = "current schema" if at_head else "older schema: run `flask db upgrade` after restoring"
    return (f"backup {header['backup_id']} of {header['created_at']}, {header['dialect']}, "
            f"revision {header['revision']} ({state}), {header['payload_size']} bytes")


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def create_command(directory: str):
    """Write an encrypted, checksummed backup of the database into DIRECTORY."""
    try:
        backup_id = start_backup(db.session, directory)
        db.session.commit()
    except BackupError as error:
        _refused(error)
    try:
        created = write_backup(directory, backup_id)
    except (BackupError, OSError) as error:
        db.session.rollback()
        try:
            record_backup_failure(db.session, backup_id)
            db.session.commit()
        except SQLAlchemyError:  # the database itself may be what failed: report the first error
            db.session.rollback()
        _refused(error, f"backup {backup_id} FAILED")
    click.echo(f"backup written: {created.path}")
    click.echo(f"sha256: {created.sha256}")
    click.echo(f"backup {backup_id}, revision {created.header['revision']}, "
               f"{created.header['payload_size']} bytes of {created.header['dialect']} database")


@backup_cli.command("verify")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def verify_command(file: str):
    """Check a backup completely (key, every chunk, checksum, database integrity) without restoring it."""
    try:
        checked = verify_backup(file)
    except BackupError as error:
        _refused(error, "backup NOT usable")
    click.echo(f"backup intact: {_describe(checked.header, checked.at_head)}")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the content of a database that is not empty.")
@with_appcontext
def restore_command(file: str, force: bool):
    """Restore a backup into the configured database (empty, unless --force), then verify the audit chain."""
    try:
        restored = restore_backup(file, force=force)
    except BackupError as error:
        _refused(error)
    record_restore(db.session, restored.header["backup_id"])
    db.session.commit()
    replaced = f", replacing {restored.replaced_tables} tables" if restored.replaced_tables else ""
    click.echo(f"restored {_describe(restored.header, restored.at_head)}{replaced}")
    report = verify_chain(db.session)
    if not report.ok:
        # The chain is signed with MEDIATION_AUDIT_KEY: a restore with other keys shows here.
        click.echo(f"audit chain BROKEN at event {report.first_bad_seq}: {report.reason} "
                   f"(is MEDIATION_AUDIT_KEY the key of the backed-up installation?)", err=True)
        sys.exit(1)
    click.echo(f"audit chain intact: {report.checked} events, head {report.head_seq}:{report.head_hash}")


@backup_cli.command("drill")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--into", metavar="URL", help="PostgreSQL: an empty scratch database to restore into (by default "
              "the drill creates one next to the live database and drops it afterwards).")
@with_appcontext
def drill_command(file: str, into: str | None):
    """The quarterly restore drill: restore FILE into a scratch database, check the copy, record the drill.

    The live database is not touched but for the drill's record, which the administrator's home shows.
    """
    started = time.monotonic()
    try:
        report = run_drill(file, into)
    except (BackupError, SQLAlchemyError, OSError) as error:
        # A scratch database that refuses a connection or a statement is a failed drill too; its message
        # is reduced to the error's kind (a driver's message may quote the statement).
        failure = str(error) if isinstance(error, BackupError) else (
            f"the scratch database could not be used ({type(error).__name__})")
        db.session.rollback()
        record_drill(db.session, started=started, header=_readable_header(file), failure=failure)
        db.session.commit()
        click.echo(f"restore drill FAILED: {failure}", err=True)
        sys.exit(1)
    record_drill(db.session, started=started, report=report)
    db.session.commit()
    header = report.header
    click.echo(f"restore drill passed: backup {header['backup_id']} of {header['created_at']}, {header['dialect']}, "
               f"revision {header['revision']}; restored {report.tables} tables, {report.rows} rows; audit chain "
               f"of the copy intact ({report.audit_events} events); every encrypted column readable with this "
               f"installation's keys")
    if report.scratch is not None:
        click.echo(f"scratch database {report.scratch} dropped")


def _readable_header(file: str) -> dict:
    """The archive's plain header, for the record of a failed drill (nothing when even that is unreadable)."""
    try:
        with open(file, "rb") as handle:
            return read_header(handle)[0]
    except (OSError, BackupError, ValueError):
        return {}
