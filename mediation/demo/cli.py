"""`flask demo load`: idempotent, refused in production."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from mediation.admin.models import StaffUser
from mediation.demo.data import DEMO_PASSWORD, demo_accounts_in_use, load_demo
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
                   f"{len(report.rooms)} new rooms, {report.appointments} new appointments)")
    # Only a demo database gets the reminder: a real account never shows the demo password.
    usernames = demo_accounts_in_use(db.session)
    if usernames:
        click.echo(f"demo accounts (password: {DEMO_PASSWORD}):")
        for username in usernames:
            click.echo(f"  {username}")
