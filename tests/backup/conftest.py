"""Fixtures of the backup tests: a source database full of demo data and canaries, targets, snapshots.

The backup commands work on committed data in real databases, so these tests
do not run in the rolled-back transaction of the `db` fixture: each database
here is its own (a SQLite file, or a throw-away PostgreSQL database from
`empty_database`), and each application shares the source's keys, as a real
restore needs the keys kept apart from the backups.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import LargeBinary, select, type_coerce

from mediation import create_app
from mediation.accounts.models import StaffUser
from mediation.core.crypto import Encrypted
from mediation.extensions import db
from tests.cases.encrypted_rows import fill_every_encrypted_column
from tests.cases.fixtures import service_point_of
from tests.conftest import make_config

SHARED_KEYS = ("FIELD_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY", "FEED_PEPPER", "BACKUP_KEYS")
ALEMBIC_VERSION = sa.table("alembic_version", sa.column("version_num"))


@dataclass
class Source:
    app: object
    marker: str  # in every encrypted column: "CANARY-..." and its Arabic twin
    arabic_marker: str
    written: dict[str, str]


def keys_of(app) -> dict:
    """The keys of an application, as configuration overrides for another one."""
    return {name: app.config[name] for name in SHARED_KEYS}


def app_on(url: str, keys_from, **overrides):
    """An application on the database at url with the keys of keys_from (another application)."""
    return create_app(make_config(url, **{**keys_of(keys_from), **overrides}))


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def source(fresh_app):
    """Built once (tests only add to it): a migrated database with the demo data, one more case with a canary
    in every encrypted column."""
    app = fresh_app(demo=True)
    token = secrets.token_hex(6)
    marker, arabic = f"CANARY-{token}", f"كناري-{token}"
    with app.app_context():
        lead = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        supervisor = db.session.scalar(select(StaffUser).where(StaffUser.username == "supervisor.a"))
        _case, written = fill_every_encrypted_column(db.session, service_point_of(lead.association_id).id, lead,
                                                     supervisor, lambda name: f"{marker}-{name} {arabic}")
        db.session.commit()
    yield Source(app, marker, arabic, written)
    dispose(app)


@pytest.fixture
def new_target(fresh_app, source):
    """A factory of applications on new databases, empty unless `migrated`, with the source's keys."""
    made = []

    def make(migrated: bool = False, **overrides):
        app = fresh_app(migrated=migrated, **{**keys_of(source.app), **overrides})
        made.append(app)
        return app

    yield make
    for app in made:
        dispose(app)


@contextmanager
def configured(app, **values):
    """Change configuration values of an application for the duration of a block."""
    saved = {name: app.config[name] for name in values}
    app.config.update(values)
    try:
        yield app
    finally:
        app.config.update(saved)


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def create_backup(app, directory: Path) -> Path:
    result = cli(app, "backup", "create", str(directory))
    assert result.exit_code == 0, result.output
    path = Path(result.output.split("backup written: ", 1)[1].splitlines()[0])
    assert path.parent == directory
    return path


def _tables():
    return [*db.metadata.sorted_tables, ALEMBIC_VERSION]


def stored_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table as stored (ciphertext as bytes), sorted."""
    with app.app_context(), db.engine.connect() as connection:
        rows = {}
        for table in _tables():
            columns = [type_coerce(column, LargeBinary).label(column.name) if isinstance(column.type, Encrypted)
                       else column for column in table.columns]
            rows[table.name] = sorted((tuple(row) for row in connection.execute(select(*columns))), key=repr)
        return rows


def decrypted_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table with its encrypted columns decrypted by the application's keys, sorted."""
    with app.app_context(), db.engine.connect() as connection:
        return {table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for table in _tables()}


def fingerprint(app) -> dict[str, list[tuple]] | list[str]:
    """What a refused restore must leave unchanged: every stored row, or the (empty) list of tables."""
    with app.app_context():
        tables = sorted(sa.inspect(db.engine).get_table_names())
    return stored_rows(app) if tables else tables
