"""`flask audit ...`: verify the audit chain."""

import sys

import click
from flask.cli import with_appcontext

from mediation.core.audit import verify_chain
from mediation.extensions import db


@click.group("audit")
def audit_cli():
    """Audit trail commands."""


@audit_cli.command("verify")
@click.option("--anchor", help="SEQ:HEX of an anchored head to compare with.")
@with_appcontext
def verify(anchor: str | None):
    """Recompute the hash chain; exit 1 naming the first broken event."""
    parsed = None
    if anchor:
        seq, sep, digest = anchor.partition(":")
        try:
            parsed = (int(seq), bytes.fromhex(digest))
        except ValueError:
            parsed = None
        # An anchor is the head as printed: a seq >= 1 and a 32-byte (64 hex) hash.
        if not sep or parsed is None or parsed[0] < 1 or len(parsed[1]) != 32:
            raise click.BadParameter("expected SEQ:HEX", param_hint="--anchor")
    report = verify_chain(db.session, parsed)
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} events, head {report.head_seq}:{report.head_hash}")
        return
    click.echo(f"audit chain BROKEN at event {report.first_bad_seq}: {report.reason}", err=True)
    sys.exit(1)
