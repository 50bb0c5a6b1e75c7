"""`flask retention run [--dry-run] [--today YYYY-MM-DD]`: meant for a daily cron; a second run changes nothing.

Output is for the operator: case references (free of personal data, docs/domain.md, DOM10) and counts only.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.core import clock
from mediation.extensions import db
from mediation.retention import queries, services
from mediation.retention.policy import RetentionPolicy, RetentionSettingsError

EXIT_BAD_SETTINGS = 2


def parse_today(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use a date such as 2031-05-01") from None


@click.group("retention")
def retention_cli():
    """Anonymise closed cases and delete records once their retention period is over."""


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what would change and change nothing.")
@click.option("--today", "today_text", metavar="YYYY-MM-DD",
              help="Act as if today were this date (tests, catching up); default: today.")
@with_appcontext
def run(dry_run: bool, today_text: str | None):
    """Anonymise every expired closed case (one transaction each), then purge the other expired records."""
    try:
        policy = RetentionPolicy.from_config(current_app.config)
    except RetentionSettingsError as error:
        click.echo(f"refused: {error}", err=True)
        sys.exit(EXIT_BAD_SETTINGS)
    today = parse_today(today_text) or clock.today()
    # The current time of day on the chosen date: periods counted in days stay exact.
    now = datetime.combine(today, clock.now().time(), tzinfo=UTC) if today_text else clock.now()
    due = queries.expired_cases(db.session, policy, today)
    db.session.rollback()
    prefix = "would anonymise" if dry_run else "anonymised"
    done = 0
    for case in due:
        if dry_run:
            click.echo(f"{prefix}: {case.reference} (closed {case.closed_on}, expired {case.expires_on})")
            continue
        try:
            changed = services.anonymise_case(db.session, case.id, policy, today=today, now=now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        if changed:
            done += 1
            click.echo(f"{prefix}: {case.reference}")
    counts = services.purge_expired_records(db.session, policy, now=now, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"cases to anonymise: {len(due)}" if dry_run else f"cases anonymised: {done}")
    click.echo(f"{verb}: {counts.outbox_messages} outbox message(s), {counts.reset_tokens} reset token(s), "
               f"{counts.login_failures} failed-login record(s); "
               f"{'would clear' if dry_run else 'cleared'}: {counts.intake_labels} intake label(s)")
    click.echo(f"{verb}: {counts.group_participants} group-only participant(s)")
