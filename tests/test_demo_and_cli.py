"""`flask demo load` and `flask users create-admin`.

The CLI runs against the session app inside the test's rolled-back
transaction: its commits only release savepoints.
"""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from mediation import create_app
from mediation.admin.models import Association, StaffUser
from mediation.core.audit import AuditEvent, verify_chain
from mediation.core.authz import Profession, Role
from mediation.demo.data import ACCOUNTS, ASSOCIATIONS, DEMO_PASSWORD
from mediation.extensions import db
from tests.conftest import login, make_config

ADMIN_PASSWORD = "a-long-enough-passphrase"  # 24 characters

EXPECTED_ACCOUNTS = {
    # username: (role, association key, profession)
    "admin": (Role.ADMIN, None, None),
    "ministry": (Role.MINISTRY, None, None),
    "supervisor.a": (Role.SUPERVISOR, "A", None),
    "mediator.a1": (Role.MEDIATOR, "A", Profession.MEDIATOR),
    "mediator.a2": (Role.MEDIATOR, "A", Profession.PSYCHOLOGIST),
    "supervisor.b": (Role.SUPERVISOR, "B", None),
    "mediator.b1": (Role.MEDIATOR, "B", Profession.SOCIAL_WORKER),
}


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=list(args))

    return invoke


def counts(app) -> dict[str, int]:
    with app.app_context():
        session = db.session
        return {
            "users": session.scalar(select(func.count()).select_from(StaffUser)),
            "associations": session.scalar(select(func.count()).select_from(Association)),
            "audit": session.scalar(select(func.count()).select_from(AuditEvent)),
        }


def staff(app) -> dict[str, tuple]:
    """username -> (role, association French name, profession)."""
    with app.app_context():
        return {
            user.username: (user.role, user.association.name_fr if user.association else None, user.profession)
            for user in db.session.scalars(select(StaffUser))
        }


def create_admin(cli, username: str, password: str = ADMIN_PASSWORD, display_name: str = "Second Admin"):
    return cli("users", "create-admin", "--username", username, "--display-name", display_name,
               "--password", password)


# -- demo load ---------------------------------------------------------------------


def test_demo_accounts_match_the_expected_personas():
    assert {username: (role, key, profession) for username, _, role, key, profession in ACCOUNTS} \
        == EXPECTED_ACCOUNTS


def test_demo_load_creates_two_associations_and_seven_accounts(app, cli):
    assert counts(app)["users"] == 0
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "7 new accounts" in result.output

    with app.app_context():
        associations = {
            key: db.session.scalar(select(Association).where(Association.name_fr == data.name_fr))
            for key, data in ASSOCIATIONS.items()
        }
        assert associations["A"].region_code == "MA-04"
        assert associations["B"].region_code == "MA-09"
        assert associations["A"].province_code == "MA-RAB"
        assert associations["B"].province_code == "MA-AGD"
        assert db.session.scalar(select(func.count()).select_from(Association)) == 2
        assert verify_chain(db.session).ok

    names = {key: data.name_fr for key, data in ASSOCIATIONS.items()}
    assert staff(app) == {
        username: (role, names.get(key), profession)
        for username, (role, key, profession) in EXPECTED_ACCOUNTS.items()
    }


def test_demo_load_twice_creates_nothing_new(app, cli):
    assert cli("demo", "load").exit_code == 0
    before = counts(app)
    assert before["users"] == 7 and before["associations"] == 2

    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "0 new accounts" in result.output
    assert counts(app) == before  # not even an audit event


def test_demo_load_completes_a_partial_demo(app, cli):
    assert cli("demo", "load").exit_code == 0
    before = counts(app)
    # A partly loaded demo (say, an interrupted run) is completed, not duplicated.
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.b1"))
        user.username = "renamed.b1"
        db.session.commit()
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "1 new accounts" in result.output
    after = counts(app)
    assert after["users"] == before["users"] + 1
    assert after["associations"] == before["associations"]


def test_demo_load_if_empty_on_an_empty_database_loads(app, cli):
    result = cli("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert counts(app)["users"] == 7


def test_demo_load_if_empty_leaves_a_real_database_alone(app, cli):
    assert create_admin(cli, "root.admin").exit_code == 0
    before = counts(app)

    result = cli("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert counts(app) == before
    assert set(staff(app)) == {"root.admin"}
    # Not a demo database: no demo password or demo account list is shown.
    assert DEMO_PASSWORD not in result.output
    assert "mediator.a1" not in result.output


def test_demo_password_is_not_shown_for_a_real_account_with_a_demo_name(app, cli):
    # A real administrator who happens to be called "admin" has their own password.
    assert create_admin(cli, "admin").exit_code == 0
    result = cli("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD not in result.output


def test_demo_load_prints_the_password_and_the_accounts(app, cli):
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    for username in EXPECTED_ACCOUNTS:
        assert f"  {username}\n" in result.output

    again = cli("demo", "load", "--if-empty")  # a demo database: still reminded
    assert again.exit_code == 0, again.output
    assert DEMO_PASSWORD in again.output
    assert "  mediator.b1\n" in again.output


def test_every_demo_account_logs_in_with_the_demo_password(app, cli, client):
    assert cli("demo", "load").exit_code == 0
    assert login(client, "mediator.a1", "not-the-demo-password-at-all").status_code == 401
    for username in EXPECTED_ACCOUNTS:
        response = login(client, username, DEMO_PASSWORD)
        assert response.status_code == 302, username
        assert response.headers["Location"] == "/"
        assert client.get("/").status_code == 200, username
        assert client.post("/logout").status_code == 302


@pytest.mark.no_db_transaction
def test_demo_load_is_refused_in_production(empty_database):
    app = create_app(make_config(empty_database(), ENV_NAME="production", TESTING=False))
    try:
        with app.app_context():
            upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code != 0
        assert DEMO_PASSWORD not in result.output
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 0
            assert db.session.scalar(select(func.count()).select_from(Association)) == 0
            assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    finally:
        with app.app_context():
            db.engine.dispose()


# -- users create-admin --------------------------------------------------------------


def test_create_admin_creates_an_audited_admin(app, cli):
    before = counts(app)
    result = create_admin(cli, "admin.two")
    assert result.exit_code == 0, result.output
    assert ADMIN_PASSWORD not in result.output

    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin.two"))
        assert user is not None
        assert user.role is Role.ADMIN
        assert user.association_id is None and user.profession is None
        assert user.display_name == "Second Admin"
        assert user.active
        assert user.password_hash.startswith("$argon2id$")
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "staff_user",
                                     AuditEvent.entity_id == str(user.public_id))
        ).all()
        assert [(event.action, event.outcome, event.actor_role) for event in events] == [
            ("create", "success", "cli")
        ]
        assert verify_chain(db.session).ok
    assert counts(app) == {**before, "users": before["users"] + 1, "audit": before["audit"] + 1}


def test_created_admin_can_log_in(app, cli, client):
    assert create_admin(cli, "admin.two").exit_code == 0
    assert login(client, "admin.two", ADMIN_PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["x" * 14, "fourteen-chars", "\u00e9" * 14])
def test_create_admin_refuses_a_short_password(app, cli, password):
    assert len(password) == 14
    before = counts(app)
    result = create_admin(cli, "admin.short", password=password)
    assert result.exit_code != 0
    assert "refused" in result.output
    assert password not in result.output
    assert counts(app) == before


def test_create_admin_accepts_exactly_fifteen_characters(app, cli):
    result = create_admin(cli, "admin.fifteen", password="fifteen-chars-x")
    assert result.exit_code == 0, result.output
    assert "admin.fifteen" in staff(app)


@pytest.mark.parametrize("first, second", [("admin.two", "Admin.Two"), ("Admin.Two", "admin.two"),
                                           ("admin.two", "ADMIN.TWO")])
def test_create_admin_refuses_a_duplicate_user_name_whatever_the_case(app, cli, first, second):
    assert create_admin(cli, first).exit_code == 0
    before = counts(app)
    result = create_admin(cli, second, password="another-long-passphrase")
    assert result.exit_code != 0
    assert "refused" in result.output
    assert counts(app) == before
    assert set(staff(app)) == {"admin.two"}
