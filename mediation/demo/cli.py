"""`flask demo load` (idempotent) and `flask demo synthetic` (an empty database only): refused in production."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from mediation.accounts.models import StaffUser
from mediation.demo.data import DEMO_PASSWORD, demo_accounts_in_use, load_demo
from mediation.demo.synthetic.loader import (
    SYNTHETIC_PASSWORD,
    SyntheticRefused,
    load_synthetic,
    refresh_planner_statistics,
)
from mediation.extensions import db


@click.group("demo")
def demo_cli():
    """Demonstration data."""


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when any account exists.")
@with_appcontext
def load(if_empty: bool):
    """Load the demo associations, accounts, case files and appointments (never in production)."""
    if current_app.config.get("ENV_NAME") == "production":
        click.echo("refused: demo data is never loaded in production", err=True)
        sys.exit(1)
    if if_empty and db.session.scalar(select(func.count()).select_from(StaffUser)):
        click.echo("database not empty: demo data not loaded")
    else:
        report = load_demo(db.session)
        db.session.commit()
        click.echo(f"demo data loaded ({len(report.accounts)} new accounts, "
                   f"{len(report.service_points)} new service points, {len(report.cases)} new cases, "
                   f"{len(report.rooms)} new rooms, {report.appointments} new appointments, "
                   f"{report.referrals} new referrals, {report.follow_ups} post-closure follow-ups planned, "
                   f"{report.groups} parenting groups, {report.activities} activities, "
                   f"{len(report.releases)} statistics releases built)")
    # Only a demo database gets the reminder: a real account never shows the demo password.
    usernames = demo_accounts_in_use(db.session)
    if usernames:
        click.echo(f"demo accounts (password: {DEMO_PASSWORD}):")
        for username in usernames:
            click.echo(f"  {username}")


@demo_cli.command("synthetic")
@click.option("--cases", type=click.IntRange(min=1), default=1000, show_default=True, help="Case files to create.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same population.")
@with_appcontext
def synthetic(cases: int, seed: int):
    """Fill an empty database with a national-scale synthetic population (benchmarks; never in production)."""
    try:
        report = load_synthetic(db.session, cases, seed)
    except SyntheticRefused as refusal:
        db.session.rollback()
        click.echo(f"refused: {refusal}", err=True)
        sys.exit(1)
    db.session.commit()
    refresh_planner_statistics(db.session)
    db.session.commit()
    rows = ", ".join(f"{table} {count}" for table, count in sorted(report.rows.items()))
    click.echo(f"synthetic population loaded in {report.seconds:.1f} s: {report.associations} associations; {rows}")
    click.echo(f"synthetic accounts (a001.supervisor1, a001.staff01, synthetic.ministry, ...; "
               f"password: {SYNTHETIC_PASSWORD})")
