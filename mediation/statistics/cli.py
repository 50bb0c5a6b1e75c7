"""`flask stats ...`: the scheduled release build, publication by the platform admin, the register."""

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.accounts.services import normalise_username
from mediation.core.errors import DomainError
from mediation.extensions import db
from mediation.statistics.codes import CorrectionReason
from mediation.statistics.release import build_release, publish_release, release_counts, write_release_files


@click.group("stats")
def stats_cli():
    """Anonymous statistics releases for the ministry."""


def _refused(error: DomainError):
    db.session.rollback()
    click.echo(f"refused: {error}", err=True)
    sys.exit(1)


@stats_cli.command("release")
@click.argument("release_id")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Also write the files to this directory.")
@click.option("--correction-of", help="The release this one corrects (same period).")
@click.option("--reason", type=click.Choice([reason.value for reason in CorrectionReason]),
              help="Why the correction is built (required with --correction-of); fixed codes only.")
@with_appcontext
def release_command(release_id: str, out_dir: str | None, correction_of: str | None, reason: str | None):
    """Compute and register the release of a quarter (2026Q3) or a year (2026)."""
    try:
        release = build_release(db.session, release_id, correction_of=correction_of, reason=reason)
        db.session.commit()
    except DomainError as error:
        _refused(error)
    # Counts of tables and files only: a build never prints figures (docs/statistics.md, ST15).
    tables = len({f.table_id for f in release.files} - {"all"})
    click.echo(f"release {release.release_id} ready: {tables} tables, {len(release.files)} files")
    if out_dir:
        written = write_release_files(release, out_dir)
        click.echo(f"wrote {len(written)} files to {out_dir}")


@stats_cli.command("publish")
@click.argument("release_id")
@click.option("--by", "username", required=True, help="Username of the platform administrator.")
@with_appcontext
def publish_command(release_id: str, username: str):
    """Publish a ready release (once, on or after its release date)."""
    actor = db.session.scalar(select(StaffUser).where(StaffUser.username == normalise_username(username)))
    if actor is None:
        click.echo("refused: no such account", err=True)
        sys.exit(1)
    try:
        publish_release(db.session, release_id, actor)
        db.session.commit()
    except DomainError as error:
        _refused(error)
    click.echo(f"release {release_id} published")


@stats_cli.command("list")
@with_appcontext
def list_command():
    """The register: release id, status, period, number of files."""
    for release_id, status, period, count in release_counts(db.session):
        click.echo(f"{release_id}\t{status}\t{period}\t{count} files")
