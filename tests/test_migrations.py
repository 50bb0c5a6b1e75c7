"""Alembic revisions against the models and each other (docs/security.md, S33, V5).

Each test builds its own empty database (SQLite file, or a throw-away
PostgreSQL database with TEST_DATABASE_URL) and its own application; the tests
that read the head alone read a copy of the run's database, which `upgrade()`
migrated from empty before any test wrote to it (tests/conftest.py).
"""

from __future__ import annotations

import shutil
import textwrap
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import check, downgrade, upgrade

from config import BASE_DIR
from mediation.accounts.models import Association, StaffUser
from mediation.accounts.services import NewAssociation, create_association
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.core.audit import verify_chain
from mediation.core.authz import Profession, Role
from mediation.extensions import db
from tests.conftest import dispose

pytestmark = pytest.mark.no_db_transaction

MIGRATIONS = Path(BASE_DIR) / "migrations"
VERSION_TABLE = "alembic_version"

# Decree 2-15-40: provinces and prefectures per region.
PROVINCES_PER_REGION = {
    "MA-01": 8, "MA-02": 8, "MA-03": 9, "MA-04": 7, "MA-05": 5, "MA-06": 9,
    "MA-07": 8, "MA-08": 5, "MA-09": 6, "MA-10": 4, "MA-11": 4, "MA-12": 2,
}


@pytest.fixture
def migrated_app(fresh_app):
    """An application on a database migrated from empty to head: a copy of the run's own, which
    `upgrade()` built from an empty database before any test wrote to it (tests/conftest.py)."""
    application = fresh_app()
    yield application
    dispose(application)


@pytest.fixture
def blank_app(fresh_app):
    """An application on its own empty, unmigrated database."""
    application = fresh_app(migrated=False)
    yield application
    dispose(application)


def revisions_in_order() -> list:
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1, "the revision history has several heads"
    return list(reversed(list(script.walk_revisions("base", "heads"))))


def _triggers_and_functions(connection) -> dict:
    """What the inspector does not show: triggers (and PostgreSQL functions)."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(sa.text(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
        )).all()
        return {"triggers": sorted((name, table) for name, table in rows)}
    if connection.dialect.name == "postgresql":
        triggers = connection.execute(sa.text(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal"
        )).all()
        functions = connection.execute(sa.text(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema()"
        )).scalars().all()
        return {"triggers": sorted((name, table) for name, table in triggers),
                "functions": sorted(functions)}
    return {}


def dump_schema(engine) -> dict:
    """The schema as the inspector sees it, in a comparable, order-free form."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        tables = {}
        for table in sorted(set(inspector.get_table_names()) - {VERSION_TABLE}):
            columns = [
                (column["name"], str(column["type"]), column["nullable"])
                for column in inspector.get_columns(table)
            ]
            pk = inspector.get_pk_constraint(table)
            try:
                checks = sorted(
                    (check_["name"], " ".join(check_["sqltext"].split()))
                    for check_ in inspector.get_check_constraints(table)
                )
            except NotImplementedError:
                checks = None
            tables[table] = {
                "columns": columns,
                "primary_key": (pk.get("name"), tuple(pk["constrained_columns"])),
                "indexes": sorted(
                    (index["name"], tuple(index["column_names"]), bool(index["unique"]))
                    for index in inspector.get_indexes(table)
                ),
                "unique": sorted(
                    (unique["name"], tuple(unique["column_names"]))
                    for unique in inspector.get_unique_constraints(table)
                ),
                "foreign_keys": sorted(
                    (fk["name"] or "", tuple(fk["constrained_columns"]), fk["referred_table"],
                     tuple(fk["referred_columns"]))
                    for fk in inspector.get_foreign_keys(table)
                ),
                "checks": checks,
                "rows": connection.execute(
                    sa.select(sa.func.count()).select_from(sa.table(table))
                ).scalar_one(),
            }
        return {"tables": tables, **_triggers_and_functions(connection)}


def table_names(engine) -> set[str]:
    with engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def test_head_matches_the_models(migrated_app):
    with migrated_app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"head differs from the models: {differences}"
        # `flask db check` agrees (it exits non-zero on pending changes).
        check()


def test_reference_data_and_genesis_are_seeded(migrated_app):
    with migrated_app.app_context():
        with db.engine.connect() as connection:
            regions = connection.execute(sa.text("SELECT code FROM region ORDER BY code")).scalars().all()
            assert regions == [f"MA-{number:02d}" for number in range(1, 13)]

            provinces = connection.execute(
                sa.text("SELECT code, kind, region_code FROM province")
            ).all()
            assert len(provinces) == 75
            assert len({code for code, _, _ in provinces}) == 75
            kinds = Counter(kind for _, kind, _ in provinces)
            assert kinds == {"prefecture": 13, "province": 62}
            assert Counter(region for _, _, region in provinces) == PROVINCES_PER_REGION
            region_of = {code: region for code, _, region in provinces}
            # The two the iso-codes package misplaces (docs/domain.md, DOM67).
            assert region_of["MA-NOU"] == "MA-06"
            assert region_of["MA-CHT"] == "MA-09"

            head = connection.execute(sa.text("SELECT id, seq, hash FROM audit_head")).all()
            assert len(head) == 1
            assert head[0].seq == 0
            assert bytes(head[0].hash) == bytes(32)
            assert connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar_one() == 0


def test_fresh_database_has_no_accounts(migrated_app):
    """docs/security.md, S5: no default accounts; the first admin comes from the CLI."""
    with migrated_app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM staff_user")).scalar_one() == 0
            assert connection.execute(sa.text("SELECT count(*) FROM association")).scalar_one() == 0


def test_every_revision_downgrades_and_upgrades_again(blank_app):
    revisions = revisions_in_order()
    assert revisions, "no revisions found"
    with blank_app.app_context():
        engine = db.engine
        previous = dump_schema(engine)
        assert previous["tables"] == {}, "the database is not empty"
        for script in revisions:
            upgrade(revision=script.revision)
            current = dump_schema(engine)
            assert current != previous, f"{script.revision} changes nothing"

            downgrade(revision=script.down_revision or "base")
            assert dump_schema(engine) == previous, f"downgrade of {script.revision} is incomplete"

            upgrade(revision=script.revision)
            assert dump_schema(engine) == current, f"{script.revision} differs after up/down/up"
            previous = current

        downgrade(revision="base")
        assert table_names(engine) <= {VERSION_TABLE}
        assert dump_schema(engine) == {"tables": {}, **{key: [] for key in previous if key != "tables"}}


# -- with data (docs/security.md, V5) -------------------------------------------


def _snapshot(engine) -> dict:
    with engine.connect() as connection:
        return {
            table: connection.execute(sa.text(sql)).all()
            for table, sql in {
                "association": "SELECT id, public_id, name_fr, region_code, province_code FROM association ORDER BY id",
                "staff_user": "SELECT id, public_id, username, role, association_id, password_hash "
                              "FROM staff_user ORDER BY id",
                "audit_event": "SELECT seq, body, hash FROM audit_event ORDER BY seq",
                "audit_head": "SELECT seq, hash FROM audit_head",
                "province": "SELECT code, region_code FROM province ORDER BY code",
            }.items()
        }


def test_data_survives_downgrade_and_upgrade(blank_app):
    """Rows referenced by others survive every revision after the first, down and up again."""
    revisions = revisions_in_order()
    if len(revisions) < 2:
        pytest.skip("a single revision: its downgrade empties the database")
    with blank_app.app_context():
        upgrade()
        session = db.session
        association = create_association(
            session, NewAssociation("جمعية", "Association", "MA-04", "MA-RAB"), actor=None
        )
        for username, role, profession in (("supervisor.x", Role.SUPERVISOR, None),
                                           ("mediator.x", Role.MEDIATOR, Profession.MEDIATOR)):
            create_staff_user(session, NewStaffUser(username, username, role, "a-long-enough-passphrase",
                                                    association.id, profession), actor=None)
        session.commit()
        association_id = association.id
        session.remove()
        before = _snapshot(db.engine)
        assert len(before["staff_user"]) == 2 and len(before["audit_event"]) == 3

        downgrade(revision=revisions[0].revision)
        assert _snapshot(db.engine) == before
        upgrade()
        assert _snapshot(db.engine) == before

        assert db.session.scalar(sa.select(sa.func.count()).select_from(StaffUser)) == 2
        assert db.session.get(Association, association_id).province_code == "MA-RAB"
        assert verify_chain(db.session).ok


def test_foreign_keys_are_enforced_again_after_migrating(blank_app):
    with blank_app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        with db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            with pytest.raises(sa.exc.IntegrityError):
                connection.execute(sa.text(
                    "INSERT INTO province (code, kind, name_fr, name_ar, region_code) "
                    "VALUES ('MA-XXX', 'province', 'x', 'x', 'MA-99')"
                ))


# -- the environment itself, with throw-away revisions --------------------------------

TOY_REVISIONS = {
    "toy1": ("""
        op.create_table("toy_parent", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("obsolete", sa.String(10)))
        op.create_table("toy_child", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("parent_id", sa.Integer,
                                  sa.ForeignKey("toy_parent.id", name="fk_toy_child_parent_id_toy_parent"),
                                  nullable=False))
        op.execute("INSERT INTO toy_parent (id, obsolete) VALUES (1, 'x')")
        op.execute("INSERT INTO toy_child (id, parent_id) VALUES (1, 1)")
    """, """
        op.drop_table("toy_child")
        op.drop_table("toy_parent")
    """),
    # SQLite rebuilds toy_parent (copy, drop, rename) while toy_child rows reference it.
    "toy2": ("""
        with op.batch_alter_table("toy_parent") as batch_op:
            batch_op.drop_column("obsolete")
    """, """
        with op.batch_alter_table("toy_parent") as batch_op:
            batch_op.add_column(sa.Column("obsolete", sa.String(10)))
    """),
    # Leaves a dangling reference: must be refused and leave nothing behind.
    "toy3": ("""
        op.create_table("toy_other", sa.Column("id", sa.Integer, primary_key=True))
        op.execute("INSERT INTO toy_child (id, parent_id) VALUES (2, 99)")
    """, """
        op.drop_table("toy_other")
    """),
}


# Flask-Migrate turns the environment's RuntimeError into exit 1 (SQLite); PostgreSQL
# refuses the row itself.
REFUSED = (SystemExit, sa.exc.IntegrityError)


@pytest.fixture
def toy_migrations(tmp_path) -> str:
    """A copy of the real environment (env.py, alembic.ini) with toy revisions."""
    directory = tmp_path / "migrations"
    (directory / "versions").mkdir(parents=True)
    for name in ("env.py", "alembic.ini", "script.py.mako"):
        shutil.copy(MIGRATIONS / name, directory / name)
    previous = None
    for revision, (up, down) in TOY_REVISIONS.items():
        (directory / "versions" / f"{revision}.py").write_text(
            "from alembic import op\nimport sqlalchemy as sa\n\n"
            f"revision = {revision!r}\ndown_revision = {previous!r}\n"
            "branch_labels = None\ndepends_on = None\n\n\n"
            "def upgrade():\n" + textwrap.indent(textwrap.dedent(up).strip(), "    ") + "\n\n\n"
            "def downgrade():\n" + textwrap.indent(textwrap.dedent(down).strip(), "    ") + "\n",
            encoding="utf-8",
        )
        previous = revision
    return str(directory)


def _toy_state(engine) -> tuple:
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        version = (connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
                   if "alembic_version" in tables else [])
        children = (connection.execute(sa.text("SELECT id, parent_id FROM toy_child ORDER BY id")).all()
                    if "toy_child" in tables else None)
        parent_columns = ([column["name"] for column in sa.inspect(connection).get_columns("toy_parent")]
                          if "toy_parent" in tables else None)
    return sorted(tables - {"alembic_version"}), version, children, parent_columns


def test_a_referenced_table_is_rebuilt_with_its_rows(blank_app, toy_migrations):
    with blank_app.app_context():
        upgrade(directory=toy_migrations, revision="toy1")
        upgrade(directory=toy_migrations, revision="toy2")
        assert _toy_state(db.engine) == (["toy_child", "toy_parent"], ["toy2"], [(1, 1)], ["id"])
        downgrade(directory=toy_migrations, revision="toy1")
        assert _toy_state(db.engine) == (["toy_child", "toy_parent"], ["toy1"], [(1, 1)], ["id", "obsolete"])


def test_a_revision_leaving_a_dangling_reference_is_refused_whole(blank_app, toy_migrations):
    with blank_app.app_context():
        upgrade(directory=toy_migrations, revision="toy2")
        before = _toy_state(db.engine)
        with pytest.raises(REFUSED):
            upgrade(directory=toy_migrations, revision="toy3")
        db.session.remove()
        assert _toy_state(db.engine) == before
        assert "toy_other" not in before[0]


def test_an_upgrade_that_fails_midway_leaves_nothing(blank_app, toy_migrations):
    # toy1 and toy2 succeed, toy3 fails: one transaction, so none of them is kept.
    with blank_app.app_context():
        with pytest.raises(REFUSED):
            upgrade(directory=toy_migrations, revision="toy3")
        assert _toy_state(db.engine) == ([], [], None, None)
