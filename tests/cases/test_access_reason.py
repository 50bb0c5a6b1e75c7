"""A supervisor opening a case outside their assignment gives a reason first (docs/security.md, P4).

Association A gets a second supervisor, who neither supervises nor works the cases of the `cases`
fixture; the first supervisor became their supervisor at intake (the association's only one then).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest
from sqlalchemy import select

from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.cases.models import Case, CaseAccess
from mediation.core.audit import AuditEvent
from mediation.core.authz import Role
from mediation.extensions import db
from tests.cases.matrix_rows_notes import actor
from tests.conftest import PASSWORD, login


@pytest.fixture
def second_supervisor(app, world, cases):
    with app.app_context():
        create_staff_user(db.session, NewStaffUser(username="supervisor.a2", display_name="Supervisor A2",
                                                   role=Role.SUPERVISOR, password=PASSWORD,
                                                   association_id=world.association_a), actor=None)
        db.session.commit()
    client = app.test_client()
    assert login(client, "supervisor.a2").status_code == 302
    return client


def case_row(app, public_id: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(public_id)))
        db.session.expunge(case)
        return case


def accesses(app) -> list[CaseAccess]:
    with app.app_context():
        rows = db.session.scalars(select(CaseAccess).order_by(CaseAccess.id)).all()
        db.session.expunge_all()
        return rows


def test_the_case_supervisor_and_its_staff_are_not_asked(app, world, cases, login_as):
    with app.app_context():
        assert case_row(app, cases.own).supervisor_id == actor("supervisor.a").id
    assert login_as("supervisor_a").get(f"/cases/{cases.own}").status_code == 200
    assert login_as("mediator_a1").get(f"/cases/{cases.own}").status_code == 200
    assert accesses(app) == []


def test_another_supervisor_gives_a_reason_then_goes_where_they_were_going(app, cases, second_supervisor):
    response = second_supervisor.get(f"/cases/{cases.own}/edit?lang=en")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == f"/cases/{cases.own}/access"
    assert parse_qs(location.query)["next"] == [f"/cases/{cases.own}/edit?lang=en"]
    page = second_supervisor.get(response.headers["Location"] + "&lang=en")
    assert page.status_code == 200 and "This case is not assigned to you." in page.get_data(as_text=True)
    given = second_supervisor.post(f"/cases/{cases.own}/access?lang=en",
                                   data={"reason": "review", "note": "Contrôle trimestriel",
                                         "next": f"/cases/{cases.own}/edit?lang=en"})
    assert given.status_code == 302 and given.headers["Location"] == f"/cases/{cases.own}/edit?lang=en"
    # Not asked again today, on any page of the case; the reason is on the case for its staff.
    assert second_supervisor.get(f"/cases/{cases.own}/edit").status_code == 200
    page = second_supervisor.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert "Opened outside assignment" in page and "Case review" in page and "Contrôle trimestriel" in page
    assert "Supervisor A2" in page
    [row] = accesses(app)
    assert row.reason == "review" and row.note == "Contrôle trimestriel"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "case_access"))
        assert event.entity_id == str(row.public_id) and event.action == "view"
    # Another case is another question.
    assert second_supervisor.get(f"/cases/{cases.colleague}").status_code == 302


def test_the_reason_lasts_a_working_day(app, cases, second_supervisor, frozen_clock):
    second_supervisor.post(f"/cases/{cases.own}/access", data={"reason": "decision"})

    def opens_after(**delta) -> int:
        frozen_clock.advance(**delta)
        client = app.test_client()  # a new login: the session's own limits are not what this tests
        assert login(client, "supervisor.a2").status_code == 302
        return client.get(f"/cases/{cases.own}").status_code

    assert opens_after(hours=9, minutes=50) == 200
    assert opens_after(minutes=20) == 302, "asked again after 10 hours"


def test_taking_the_case_on_makes_it_theirs(app, cases, second_supervisor):
    response = second_supervisor.post(f"/cases/{cases.colleague}/access", data={"reason": "supervise"})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{cases.colleague}"
    with app.app_context():
        assert case_row(app, cases.colleague).supervisor_id == actor("supervisor.a2").id


@pytest.mark.parametrize("data, message", [
    ({}, "Choose why you are opening this case."),
    ({"reason": "other", "note": "   "}, "Say why you are opening this case."),
    ({"reason": "curiosity"}, None),
    ({"reason": "review", "note": "x" * 501}, None),
])
def test_a_missing_or_wrong_reason_is_refused_and_nothing_is_stored(app, cases, second_supervisor, data, message):
    response = second_supervisor.post(f"/cases/{cases.own}/access?lang=en", data=data)
    assert response.status_code == 422
    if message:
        assert message in response.get_data(as_text=True)
    assert accesses(app) == []
    assert second_supervisor.get(f"/cases/{cases.own}").status_code == 302


def test_outside_the_scope_it_stays_a_404_and_mediators_are_never_asked(app, cases, second_supervisor, login_as):
    assert second_supervisor.get(f"/cases/{cases.other}").status_code == 404
    assert second_supervisor.get(f"/cases/{cases.other}/access").status_code == 404
    assert login_as("mediator_a1").get(f"/cases/{cases.own}/access").status_code == 403
    # An unsafe destination is never followed.
    response = second_supervisor.post(f"/cases/{cases.own}/access",
                                      data={"reason": "review", "next": "https://evil.example/"})
    assert response.headers["Location"] == f"/cases/{cases.own}"


def test_a_case_opened_with_two_supervisors_has_none_until_one_takes_it(app, world, cases, second_supervisor):
    from tests.cases.fixtures import open_as

    with app.app_context():
        by_mediator = open_as("mediator.a1")
        by_supervisor = open_as("supervisor.a2", lead_mediator_id=actor("mediator.a1").id)
        db.session.commit()
        assert by_mediator.supervisor_id is None
        assert by_supervisor.supervisor_id == actor("supervisor.a2").id
