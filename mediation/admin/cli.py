"""`flask users ...`: the first admin account (no default accounts exist)."""

import sys

import click
from flask.cli import with_appcontext

from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.core.authz import Role
from mediation.core.errors import DomainError
from mediation.extensions import db


@click.group("users")
def users_cli():
    """Staff account commands."""


@users_cli.command("create-admin")
@click.option("--username", required=True)
@click.option("--display-name", required=True)
@click.password_option(help="15 to 128 characters; asked twice when omitted.")
@with_appcontext
def create_admin(username: str, display_name: str, password: str):
    """Create a platform administrator."""
    try:
        user = create_staff_user(
            db.session,
            NewStaffUser(username=username, display_name=display_name, role=Role.ADMIN, password=password),
            actor=None,
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        click.echo(f"refused: {error}", err=True)
        sys.exit(1)
    click.echo(f"created admin account {user.username}")
