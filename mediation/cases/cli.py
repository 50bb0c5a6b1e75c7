"""`flask cases reindex-names`: rebuild the name-token index of the case search (docs/security.md, S37).

Output is for the operator: counts and person ids only, never a name.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from mediation.cases.services.name_index import DEFAULT_BATCH_SIZE, reindex_names_after
from mediation.extensions import db


@click.group("cases")
def cases_cli() -> None:
    """Case-file maintenance."""


@cases_cli.command("reindex-names")
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, type=click.IntRange(1, 100_000),
              help="People per transaction.")
@with_appcontext
def reindex_names(batch_size: int) -> None:
    """Recompute every person's name tokens from their encrypted names, with the service stopped: once after
    the upgrade that brought them, and after any change of MEDIATION_BLIND_INDEX_KEY. A second run changes
    nothing."""
    people = reindexed = 0
    failed: list[int] = []
    after = 0
    while True:
        try:
            batch = reindex_names_after(db.session, after, batch_size=batch_size)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        if batch.last_id is None:
            break
        after = batch.last_id
        people += batch.people
        reindexed += batch.reindexed
        failed += batch.failed
    click.echo(f"people: {people}, reindexed: {reindexed}, already right: {people - reindexed - len(failed)}")
    if failed:
        ids = ", ".join(str(person_id) for person_id in failed[:20]) + (" ..." if len(failed) > 20 else "")
        click.echo(f"{len(failed)} name(s) could not be decrypted (person ids {ids}): "
                   f"is every field key still in MEDIATION_FIELD_KEYS?", err=True)
        sys.exit(1)
