"""`flask audit ...`: verify the audit chain. `flask keys ...`: rotate the field keys."""

import sys
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from mediation.core import clock, keys
from mediation.core.audit import verify_chain
from mediation.core.crypto import active_key_id
from mediation.extensions import db


@click.group("audit")
def audit_cli() -> None:
    """Audit trail commands."""


@audit_cli.command("verify")
@click.option("--anchor", help="SEQ:HEX of an anchored head to compare with.")
@with_appcontext
def verify(anchor: str | None) -> None:
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
    report = verify_chain(db.session(), parsed)
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} events, head {report.head_seq}:{report.head_hash}")
        return
    click.echo(f"audit chain BROKEN at event {report.first_bad_seq}: {report.reason}", err=True)
    sys.exit(1)


@click.group("keys")
def keys_cli() -> None:
    """Field-encryption key ring (MEDIATION_FIELD_KEYS)."""


@keys_cli.command("rotate")
@click.option("--batch-size", default=keys.DEFAULT_BATCH_SIZE, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows per transaction.")
@with_appcontext
def rotate(batch_size: int) -> None:
    """Re-encrypt every encrypted value under the newest key (the highest id)."""
    report = keys.rotate(db.session(), db.metadata, batch_size=batch_size)
    click.echo(f"active key: {report.active_key_id}")
    for name, column in report.columns.items():
        line = f"{name}: {column.reencrypted} re-encrypted, {column.current} already on key {report.active_key_id}"
        if column.changed_meanwhile:
            line += f", {column.changed_meanwhile} changed meanwhile (already rewritten)"
        if column.failed:
            ids = ", ".join(":".join(str(part) for part in key) for key in column.failed[:20])
            more = " ..." if len(column.failed) > 20 else ""
            line += f", {len(column.failed)} UNREADABLE (row ids {ids}{more})"
        click.echo(line)
    click.echo(f"total: {report.reencrypted} re-encrypted")
    if report.failed:
        click.echo(f"{report.failed} value(s) could not be decrypted: is every old key still in the ring?", err=True)
        sys.exit(1)


@keys_cli.command("status")
@click.option("--by-column", is_flag=True, help="Also count per table.column.")
@with_appcontext
def status(by_column: bool) -> None:
    """How many stored values each key id protects; a key at 0 can be retired.

    Exits 1 when some values are under a key missing from the ring, or in an unknown format.
    """
    ring = current_app.config["FIELD_KEYS"]
    active = active_key_id()
    usage = keys.key_usage(db.session(), db.metadata)
    click.echo(f"active key: {active} (key ring: {', '.join(str(key_id) for key_id in sorted(ring))})")
    unreadable = usage.unknown_format
    for key_id in sorted(set(ring) | set(usage.by_key)):
        count = usage.by_key.get(key_id, 0)
        if key_id not in ring:
            unreadable += count
            note = "NOT IN THE KEY RING: these values cannot be read"
        elif key_id == active:
            note = "active"
        elif count == 0:
            note = "unused: can be retired"
        else:
            note = "still in use: run `flask keys rotate`"
        click.echo(f"key {key_id}: {count} values ({note})")
    if usage.unknown_format:
        click.echo(f"unknown format: {usage.unknown_format} values")
    if by_column:
        for name, counts in usage.by_column.items():
            detail = ", ".join(f"key {key_id}: {count}" for key_id, count in sorted(counts.items())) or "empty"
            click.echo(f"  {name}: {detail}")
    if unreadable:
        sys.exit(1)


@click.command("doctor")
@click.option("--system-zoneinfo", default="/usr/share/zoneinfo", show_default=True,
              help="Where the operating system keeps its zone data (compared with the pinned data).")
@with_appcontext
def doctor(system_zoneinfo: str) -> None:
    """Print the zone data in use; warn when the system's data disagrees with it in the next 12 months."""
    name = clock.zone_name()
    now = clock.now()
    click.echo(f"time zone: {name}")
    click.echo(f"zone data in use: {clock.zone_data_version()}, from the pinned Python package, never the system's")
    local = clock.local_datetime(now).isoformat(timespec="minutes")
    click.echo(f"now: {now.isoformat(timespec='seconds')} UTC, {local} local; today: {clock.today().isoformat()}")
    system_version = clock.system_zone_data_version(system_zoneinfo) or "unknown version"
    found = clock.disagreements_with_system(name, now, system_dir=system_zoneinfo)
    if found is None:
        click.echo(f"system zone data ({system_zoneinfo}, {system_version}): no {name}; nothing to compare")
        return
    if not found:
        click.echo(f"system zone data ({system_zoneinfo}, {system_version}): agrees for the next 12 months")
        return
    click.echo(f"WARNING: the system zone data ({system_zoneinfo}, {system_version}) disagrees with the pinned "
               f"data for {name} in the next 12 months. The application uses the pinned data only; other "
               f"programs on this server (cron, the database, logs) may show times an hour apart:")
    for stretch in found[:10]:
        click.echo(f"  from {stretch.start:%Y-%m-%d %H:%M} to {stretch.end:%Y-%m-%d %H:%M} UTC: "
                   f"pinned UTC{_offset(stretch.pinned)}, system UTC{_offset(stretch.system)}")
    if len(found) > 10:
        click.echo(f"  ... and {len(found) - 10} more")


def _offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60}" + (f":{abs(minutes) % 60:02d}" if minutes % 60 else "")
