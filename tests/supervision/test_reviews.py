"""Supervision reviews, the review-due flag and reassignment."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.accounts.models import StaffUser
from mediation.cases.models import AssignmentRole, Case, CaseAssignment
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from mediation.supervision.models import LeadChange, SupervisionReview
from tests.cases.fixtures import open_as
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)
from tests.strategies import FUZZ, nasty_text, sometimes


def case_of(public_id) -> Case:
    return db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(str(public_id))))


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def today(app):
    with app.test_request_context():
        return clock.today()


def roles_on(app, case_id) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            select(StaffUser.username, CaseAssignment.role).join(StaffUser, StaffUser.id == CaseAssignment.user_id)
            .where(CaseAssignment.case_id == case_of(case_id).id)).all()
        return {username: role.value for username, role in rows}


def test_a_supervisor_records_a_review_that_shows_on_the_case_and_its_timeline(app, world, cases, login_as):
    client = login_as("supervisor_a")
    day = today(app)
    page = client.get(f"/supervision/cases/{cases.own}/reviews/new").get_data(as_text=True)
    assert 'name="reviewed_on"' in page
    response = client.post(f"/supervision/cases/{cases.own}/reviews/new", data={
        "reviewed_on": day.isoformat(), "trigger": "periodic", "decision": "change_approach",
        "note": "Proposer des séances séparées.", "next_review_on": (day + timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    with app.app_context():
        review = db.session.scalar(select(SupervisionReview))
        assert (review.decision.value, review.note) == ("change_approach", "Proposer des séances séparées.")
        assert case_of(cases.own).review_due_on == day + timedelta(days=30)
    page = client.get(f"/cases/{cases.own}").get_data(as_text=True)
    assert "Proposer des séances séparées." in page and "Change approach or adaptations" in page
    assert 'data-kind="review"' in page  # on the timeline too
    # The case's lead reads it; a colleague of the association without the case does not reach the case at all.
    assert "Proposer des séances séparées." in login_as("mediator_a1").get(f"/cases/{cases.own}").get_data(
        as_text=True)
    assert login_as("mediator_a2").get(f"/cases/{cases.own}").status_code == 404


@pytest.mark.parametrize("overrides, message", [
    ({"reviewed_on": "future"}, "The review date cannot be in the future."),
    ({"reviewed_on": "before"}, "The review date cannot be before the case was opened."),
    ({"next_review_on": "same"}, "The next review must come after this one."),
    ({"decision": "burn"}, "Not a valid choice."),
])
def test_a_wrong_review_is_refused_with_the_input_kept(app, world, cases, login_as, overrides, message):
    client = login_as("supervisor_a")
    day = today(app)
    dates = {"future": day + timedelta(days=1), "before": day - timedelta(days=400), "same": day}
    values = {"reviewed_on": day.isoformat(), "trigger": "periodic", "decision": "continue", "note": "Mot-témoin"}
    for key, value in overrides.items():
        values[key] = dates[value].isoformat() if value in dates else value
    response = client.post(f"/supervision/cases/{cases.own}/reviews/new", data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "Mot-témoin" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupervisionReview)) == 0


def test_a_flag_shows_until_the_review_is_recorded(app, world, cases, login_as):
    client = login_as("supervisor_a")
    day = today(app)
    due = day + timedelta(days=7)
    assert client.post(f"/supervision/cases/{cases.own}/review-due",
                       data={"due_on": due.isoformat()}).status_code == 302
    with app.app_context():
        assert case_of(cases.own).review_due_on == due
    past = client.post(f"/supervision/cases/{cases.own}/review-due",
                       data={"due_on": (day - timedelta(days=1)).isoformat()})
    assert past.status_code == 422 and "The review date cannot be in the past." in past.get_data(as_text=True)
    client.post(f"/supervision/cases/{cases.own}/reviews/new", data={
        "reviewed_on": day.isoformat(), "trigger": "periodic", "decision": "continue"})
    with app.app_context():
        assert case_of(cases.own).review_due_on is None


def test_only_the_associations_supervisor_reviews(app, world, cases, login_as):
    assert login_as("mediator_a1").get(f"/supervision/cases/{cases.own}/reviews/new").status_code == 403
    assert login_as("supervisor_b").get(f"/supervision/cases/{cases.own}/reviews/new").status_code == 404


def reassign(client, case_id, to_user, reason="Départ en congé", keep=False, version=None):
    data = {"to_user": to_user, "reason": reason}
    if keep:
        data["keep_previous"] = "y"
    if version is not None:
        data["version"] = str(version)
    return client.post(f"/supervision/cases/{case_id}/reassign", data=data)


def test_reassigning_a_case_moves_the_lead_and_removes_the_previous_one(app, world, cases, login_as):
    client = login_as("supervisor_a")
    response = reassign(client, cases.own, world.user_ids["mediator_a2"])
    assert response.status_code == 302
    assert roles_on(app, cases.own) == {"mediator.a2": "lead"}
    assert login_as("mediator_a1").get(f"/cases/{cases.own}").status_code == 404  # no access kept
    assert login_as("mediator_a2").get(f"/cases/{cases.own}").status_code == 200
    with app.app_context():
        change = db.session.scalar(select(LeadChange))
        assert change.reason == "Départ en congé" and not change.kept_as_co_worker
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "case_assignment"))
        assert (event.action, event.entity_id) == ("update", cases.own)
        assert b"D\xc3\xa9part" not in event.body  # the reason never reaches the audit trail


def test_the_previous_lead_can_be_kept_as_a_co_worker(app, world, cases, login_as):
    client = login_as("supervisor_a")
    assert reassign(client, cases.own, world.user_ids["mediator_a2"], keep=True).status_code == 302
    assert roles_on(app, cases.own) == {"mediator.a2": "lead", "mediator.a1": "co_worker"}
    # Moving it back promotes the co-worker instead of adding a second row.
    assert reassign(client, cases.own, world.user_ids["mediator_a1"]).status_code == 302
    assert roles_on(app, cases.own) == {"mediator.a1": "lead"}


@pytest.mark.parametrize("target, message", [
    ("mediator_b1", "Choose a staff member of your association."),
    ("deactivated", "This account is deactivated: choose an active staff member."),
    ("supervisor_a", "A case is led by a staff member, not by a supervisor."),
    ("nonsense", "Choose a staff member of your association."),
])
def test_a_wrong_target_moves_nothing(app, world, cases, login_as, target, message):
    if target == "deactivated":
        with app.app_context():
            staff("mediator.a2").active = False
            db.session.commit()
        to_user = world.user_ids["mediator_a2"]
    else:
        to_user = world.user_ids.get(target, "not-a-uuid")
    response = reassign(login_as("supervisor_a"), cases.own, to_user)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert roles_on(app, cases.own) == {"mediator.a1": "lead"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LeadChange)) == 0


def test_a_reason_is_required_and_a_stale_form_is_refused(app, world, cases, login_as):
    client = login_as("supervisor_a")
    missing = reassign(client, cases.own, world.user_ids["mediator_a2"], reason=" ")
    assert missing.status_code == 422 and "Give the reason for the change." in missing.get_data(as_text=True)
    with app.app_context():
        version = case_of(cases.own).version_id
    assert reassign(client, cases.own, world.user_ids["mediator_a2"], version=version, keep=True).status_code == 302
    stale = reassign(client, cases.own, world.user_ids["mediator_a1"], version=version)
    assert stale.status_code == 409
    assert roles_on(app, cases.own) == {"mediator.a2": "lead", "mediator.a1": "co_worker"}


def test_all_open_cases_of_a_leaving_staff_member_move_in_one_transaction(app, world, cases, login_as):
    with app.app_context():
        second = open_as("mediator.a1")
        closed = open_as("mediator.a1")
        from mediation.cases.services.closure import ClosureData, close_case

        close_case(db.session, closed, ClosureData(outcome="lost_contact"), actor=staff("mediator.a1"))
        db.session.commit()
        second_id, closed_id = str(second.public_id), str(closed.public_id)
    client = login_as("supervisor_a")
    page = client.get(f"/supervision/staff/{world.user_ids['mediator_a1']}/reassign").get_data(as_text=True)
    assert "2 open cases will move:" in page
    response = client.post(f"/supervision/staff/{world.user_ids['mediator_a1']}/reassign",
                           data={"to_user": world.user_ids["mediator_a2"], "reason": "Fin de contrat"})
    assert response.status_code == 302
    assert roles_on(app, cases.own) == {"mediator.a2": "lead"}
    assert roles_on(app, second_id) == {"mediator.a2": "lead"}
    assert roles_on(app, closed_id) == {"mediator.a1": "lead"}  # a closed case keeps its history
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LeadChange)) == 2


def test_reassigning_all_to_another_association_moves_nothing(app, world, cases, login_as):
    with app.app_context():
        open_as("mediator.a1")
        db.session.commit()
    response = login_as("supervisor_a").post(f"/supervision/staff/{world.user_ids['mediator_a1']}/reassign",
                                             data={"to_user": world.user_ids["mediator_b1"], "reason": "x"})
    assert response.status_code == 422
    with app.app_context():
        leads = db.session.scalar(select(func.count()).select_from(CaseAssignment).where(
            CaseAssignment.user_id == staff("mediator.a1").id, CaseAssignment.role == AssignmentRole.LEAD))
        assert leads == 2
    assert login_as("supervisor_b").get(
        f"/supervision/staff/{world.user_ids['mediator_a1']}/reassign").status_code == 404


@given(data=st.data())
@FUZZ
def test_generated_reassignments_never_fail_or_half_move(app, world, cases, login_as, data):
    client = login_as("supervisor_a")
    form = data.draw(st.fixed_dictionaries({
        "to_user": sometimes(*world.user_ids.values(), ""),
        "reason": sometimes("Congé", ""),
        "keep_previous": sometimes("", "y"),
        "version": sometimes("", "1", "99999999999999999999"),
    }))
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(LeadChange))
    response = client.post(f"/supervision/cases/{cases.own}/reassign", data=form)
    assert response.status_code in (302, 409, 422)
    roles = roles_on(app, cases.own)
    assert list(roles.values()).count("lead") == 1
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(LeadChange))
    assert after == before + (1 if response.status_code == 302 else 0)


@given(data=st.data())
@FUZZ
def test_generated_reviews_never_fail(app, world, cases, login_as, data):
    client = login_as("supervisor_a")
    form = data.draw(st.fixed_dictionaries({
        "reviewed_on": sometimes("2026-11-30", "2999-01-01", "1999-12-31", "30/11/2026", ""),
        "trigger": sometimes("periodic", "reopen", ""),
        "decision": sometimes("continue", "refer", ""),
        "note": nasty_text,
        "next_review_on": sometimes("", "2027-01-15", "2026-01-01", "9999-12-31"),
    }))
    response = client.post(f"/supervision/cases/{cases.own}/reviews/new", data=form)
    assert response.status_code in (302, 409, 422)
