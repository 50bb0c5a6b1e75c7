"""`flask reminders ...` (meant for cron) and `flask appointments retime` (after a tzdata update).

Output is for the operator: counts only, never an address, a name or a text.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.appointments.services import reminders
from mediation.appointments.services.status import retime_future
from mediation.core import clock
from mediation.extensions import db
from mediation.outbox import queries as outbox_queries
from mediation.outbox import services as outbox
from mediation.outbox import sms
from mediation.outbox.settings import MailSettings, MailSettingsError, SmsSettings, SmsSettingsError

# Exit codes: settings that cannot work are an operator's problem to fix now; a message
# given up for good in this run is one too (cron mails the output of a failing job).
EXIT_GAVE_UP = 1
EXIT_BAD_SETTINGS = 2


def parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use an ISO 8601 date and time, e.g. 2026-11-08T17:00:00+00:00") from None
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


@click.group("reminders")
def reminders_cli():
    """Day-before reminders by e-mail or SMS and the outbox they go through."""


@reminders_cli.command("send")
@click.option("--now", "now_text", metavar="ISO", help="Act as if it were this instant (UTC unless an offset "
                                                      "is given); default: the current time.")
@click.option("--limit", default=500, show_default=True, help="At most this many messages per run.")
@click.option("--queue/--no-queue", "queue", default=True, show_default=True,
              help="Queue tomorrow's messages first. Cron may run `send` once in the late afternoon and "
                   "`send --no-queue` every few minutes for the retries.")
@with_appcontext
def send(now_text: str | None, limit: int, queue: bool):
    """Queue tomorrow's agendas and reminders, then send every message that is due."""
    now = parse_now(now_text) or clock.now()
    try:
        settings = MailSettings.from_config(current_app.config)
        sms_settings = SmsSettings.from_config(current_app.config)
    except (MailSettingsError, SmsSettingsError) as error:
        click.echo(f"refused: {error}", err=True)
        sys.exit(EXIT_BAD_SETTINGS)
    queued = reminders.queue_reminders(db.session, now=now) if queue else reminders.QueueCounts()
    db.session.commit()
    counts = outbox.deliver(db.session, settings=settings, now=now, limit=limit,
                            still_wanted=reminders.still_wanted)
    click.echo(f"queued: {queued.agendas} agenda(s), {queued.reminders} reminder(s); "
               f"{queued.not_contacted} invited party(ies) without an allowed channel")
    click.echo(f"e-mail sent: {counts.sent}; to retry: {counts.retried}; withdrawn: {counts.withdrawn}; "
               f"failed for good: {counts.failed}")
    failed = counts.failed
    if sms_settings is None:
        click.echo("sms: no gateway configured (SMPP_HOST is empty); SMS stay queued")
    else:
        sms_counts = sms.deliver_sms(db.session, settings=sms_settings, now=now, limit=limit,
                                     still_wanted=reminders.still_wanted)
        click.echo(f"sms sent: {sms_counts.sent}; to retry: {sms_counts.retried}; withdrawn: "
                   f"{sms_counts.withdrawn}; failed for good: {sms_counts.failed}; receipts: {sms_counts.receipts}")
        failed += sms_counts.failed
    if failed:
        click.echo("some messages were given up: see `flask reminders status`", err=True)
        sys.exit(EXIT_GAVE_UP)


@reminders_cli.command("status")
@with_appcontext
def status():
    """Messages per status, per channel and status, per kind and channel, and the errors of the failed ones."""
    for name, count in outbox_queries.status_counts(db.session).items():
        click.echo(f"{name}: {count}")
    for channel, counts in outbox_queries.channel_status_counts(db.session).items():
        click.echo(f"{channel}: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    # Reminders, convocations and agendas apart (docs/domain.md, DOM168).
    for kind, counts in outbox_queries.kind_channel_counts(db.session).items():
        click.echo(f"kind {kind}: " + ", ".join(f"{channel} {count}" for channel, count in counts.items()))
    for error, count in outbox_queries.failure_counts(db.session).items():
        click.echo(f"  failed with {error or 'unknown error'}: {count}")
    db.session.rollback()


@click.group("appointments")
def appointments_cli():
    """Appointment maintenance."""


@appointments_cli.command("retime")
@with_appcontext
def retime():
    """Recompute the UTC times of future appointments from their local time (run after a tzdata update)."""
    moved = retime_future(db.session)
    db.session.commit()
    click.echo(f"{moved} appointment(s) moved to their new UTC time")
