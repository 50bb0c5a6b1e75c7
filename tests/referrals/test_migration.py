"""The referrals revision: its tables and constraints come and go with it, and the case's tables keep their
rows both ways (docs/security.md, S33)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from mediation.extensions import db
from tests.cases.fixtures import build_cases
from tests.conftest import build_world, dispose

REVISION, BEFORE = "22e427a999af", "7efafd0f3c56"
TABLES = {"referral", "referral_shared_data", "referral_closure", "safeguarding_exception"}


@pytest.fixture
def blank_app(fresh_app):
    application = fresh_app(migrated=False)
    yield application
    dispose(application)


def _tables() -> set[str]:
    with db.engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def _scalar_row(sql: str) -> tuple:
    with db.engine.connect() as connection:
        return tuple(connection.execute(sa.text(sql)).one())


def test_the_revision_adds_and_removes_only_its_tables(blank_app):
    # The world and its cases are built by today's models, so at the head; the later revisions then go
    # down, and the rows stay for this one.
    with blank_app.app_context():
        upgrade()
    world = build_world(blank_app)
    cases = build_cases(blank_app, world)
    with blank_app.app_context():
        downgrade(revision=REVISION)
        assert TABLES <= _tables()
        case_id, participant_id, staff_id = _scalar_row(
            "SELECT c.id, p.id, a.user_id FROM case_file c JOIN participant p ON p.case_id = c.id "
            "JOIN case_assignment a ON a.case_id = c.id ORDER BY c.id LIMIT 1")
        insert = sa.text(
            "INSERT INTO referral (case_id, participant_id, destination, organisation_name, urgency, reason, made_on,"
            " status, made_by_id, created_at, version_id, public_id) VALUES (:case, :participant, :destination,"
            " :blob, 'urgent', :blob, '2026-11-20', :status, :staff, '2026-11-20 10:00:00', 1, :public_id)")
        values = dict(case=case_id, participant=participant_id, staff=staff_id, blob=b"x",
                      destination="legal_aid")
        with db.engine.begin() as connection:
            connection.execute(insert, {**values, "status": "made",
                                        "public_id": "00000000000040008000000000000001"})
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(insert, {**values, "status": "lost", "public_id": "00000000000040008000000000000002"})
        assert _scalar_row("SELECT count(*) FROM referral") == (1,)
        downgrade(revision=BEFORE)
        assert not TABLES & _tables()
        assert _scalar_row("SELECT count(*) FROM case_file") == (3,)
        upgrade()
        assert TABLES <= _tables() and cases.own
