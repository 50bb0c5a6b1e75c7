"""The case status workflow and the mediation gate (docs/domain.md, DOM14, DOM15, DOM28, DOM29).

Rules are exercised by direct POST to /cases/<id>/status; the exhaustive table
test calls the service itself for every pair of statuses.
"""

from __future__ import annotations

import re
from itertools import product
from uuid import UUID

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import LargeBinary, select, type_coerce

from mediation.accounts.models import StaffUser
from mediation.cases import queries as case_queries
from mediation.cases.codes import CaseStatus, SessionType
from mediation.cases.models import Case, Participant, StatusChange
from mediation.cases.services import gate as gate_service
from mediation.cases.services import safety, workflow
from mediation.cases.workflow_table import TRANSITIONS
from mediation.core.errors import DomainError, StaleRecord
from mediation.extensions import db
from tests.cases.fixtures import open_as
from tests.cases.test_safety import (
    add_participant,
    case_row,
    count,
    decide,
    events,
    give_consent,
    nasty_text,
    requesting_party,
    screen,
    sometimes,
)
from tests.strategies import FUZZ

STATUS_URL = "/cases/{case}/status?lang=en"


def move(client, case: str, to: str, reason: str = "", current: str | None = None, app=None):
    """POST a status change; `current` defaults to the case's status as stored."""
    if current is None:
        current = case_row(app, case).status.value
    return client.post(STATUS_URL.format(case=case), data={"to_status": to, "reason": reason, "current": current})


def set_status(app, case: str, status: CaseStatus) -> None:
    with app.app_context():
        row = db.session.scalar(select(Case).where(Case.public_id == UUID(case)))
        row.status = status
        db.session.commit()


def ready_for_mediation(app, client, case: str, *parties: str) -> None:
    """Each party screened negative and consenting to mediation: the gate is open."""
    for party in parties:
        assert screen(client, case, party).status_code == 302
        assert give_consent(client, case, party, "mediation").status_code == 302


def gate(app, case: str, session_type=None) -> list[str]:
    with app.app_context():
        row = db.session.scalar(select(Case).where(Case.public_id == UUID(case)))
        return [problem.check.value for problem in gate_service.mediation_gate(db.session, row, None, session_type)]


@pytest.fixture
def two_parties(app, cases):
    """Mediator A1's case, in assessment, with the requesting mother and the father."""
    set_status(app, cases.own, CaseStatus.ASSESSMENT)
    return requesting_party(app, cases.own), add_participant(app, cases.own)


# The table


def test_every_pair_of_statuses_follows_the_table(app, cases):
    """Exhaustive over CaseStatus × CaseStatus: listed changes (closure aside) pass, every other is refused."""
    with app.app_context():
        session = db.session
        case = session.scalar(select(Case).where(Case.public_id == UUID(cases.own)))
        users = {role: session.scalar(select(StaffUser).where(StaffUser.username == name))
                 for role, name in (("mediator", "mediator.a1"), ("supervisor", "supervisor.a"))}
        party = session.scalar(select(Participant).where(Participant.case_id == case.id))
        lead = users["mediator"]
        safety.record_screening(session, case, party, safety.ScreeningData(case.first_contact_on, "none"), actor=lead)
        safety.record_consent(session, case, party, safety.ConsentData("mediation", "given", case.first_contact_on,
                                                                       "self"), actor=lead)
        session.flush()
        allowed = refused = 0
        for from_, to in product(CaseStatus, CaseStatus):
            savepoint = session.begin_nested()
            case.status = from_
            session.flush()
            row = TRANSITIONS.get((from_, to))
            listed = row is not None and CaseStatus.CLOSED not in (from_, to)
            actor = users[sorted(row.by)[0]] if listed else lead
            if listed:
                change = workflow.change_status(session, case, to, actor=actor, reason="raison")
                assert (change.from_status, change.to_status, case.status) == (from_, to, to)
                allowed += 1
            else:
                for someone in users.values():
                    with pytest.raises(DomainError) as refusal:
                        workflow.change_status(session, case, to, actor=someone, reason="raison")
                    assert isinstance(refusal.value, (workflow.TransitionRefused, workflow.ClosureElsewhere))
                    assert str(refusal.value.message)
                    assert case.status is from_
                refused += 1
            savepoint.rollback()
        assert (allowed, refused) == (10, 26)


def test_every_listed_change_is_refused_to_a_role_the_table_does_not_name(app, cases):
    with app.app_context():
        session = db.session
        case = session.scalar(select(Case).where(Case.public_id == UUID(cases.own)))
        users = {role: session.scalar(select(StaffUser).where(StaffUser.username == name))
                 for role, name in (("mediator", "mediator.a1"), ("supervisor", "supervisor.a"),
                                    ("admin", "admin.test"), ("ministry", "ministry.test"))}
        outsiders = [session.scalar(select(StaffUser).where(StaffUser.username == name))
                     for name in ("mediator.a2", "supervisor.b", "mediator.b1")]
        for (from_, to), row in TRANSITIONS.items():
            if CaseStatus.CLOSED in (from_, to):
                continue
            case.status = from_
            for role, user in users.items():
                if role not in row.by:
                    with pytest.raises(workflow.StatusChangeForbidden):
                        workflow.change_status(session, case, to, actor=user, reason="r")
            for user in outsiders:  # not assigned (A2), or another association
                with pytest.raises(workflow.StatusChangeForbidden):
                    workflow.change_status(session, case, to, actor=user, reason="r")
        session.rollback()


@pytest.mark.parametrize("from_, to", [("intake", "closed"), ("in_mediation", "closed"), ("closed", "assessment")])
def test_closing_and_reopening_belong_elsewhere(app, login_as, cases, from_, to):
    set_status(app, cases.own, CaseStatus(from_))
    client = login_as("mediator_a1" if from_ != "closed" else "supervisor_a")
    response = move(client, cases.own, to, reason="r", app=app)
    assert response.status_code in (403, 422)  # a closed case is read-only (403)
    assert case_row(app, cases.own).status == from_


def test_a_mediator_cannot_make_a_supervisors_change(app, login_as, two_parties, cases):
    set_status(app, cases.own, CaseStatus.SUSPENDED)
    client = login_as("mediator_a1")
    assert move(client, cases.own, "in_counselling", app=app).status_code == 403
    assert case_row(app, cases.own).status == "suspended"
    denied = events(app, "access_denied")[-1]
    assert denied.entity_id == "cases.status_change"


def test_a_supervisor_cannot_move_a_case_out_of_intake(app, login_as, cases):
    assert move(login_as("supervisor_a"), cases.own, "assessment", app=app).status_code == 403
    assert case_row(app, cases.own).status == "intake"


def test_unknown_and_unlisted_changes_are_refused_with_a_message(app, login_as, cases):
    client = login_as("mediator_a1")
    for to in ("in_mediation", "suspended", "intake", "nonsense"):
        response = move(client, cases.own, to, reason="r", app=app)
        assert response.status_code == 422, to
        assert "This status change is not allowed." in response.get_data(as_text=True) or \
            "Not a valid choice" in response.get_data(as_text=True)
    assert case_row(app, cases.own).status == "intake" and count(app, StatusChange) == 3


# Guards


def test_intake_to_assessment_needs_the_data_processing_consent(app, login_as, cases):
    with app.app_context():
        case = open_as("mediator.a1", consents={})
        db.session.commit()
        case_id = str(case.public_id)
    client = login_as("mediator_a1")
    for to in ("assessment", "in_counselling"):
        response = move(client, case_id, to, app=app)
        assert response.status_code == 422
        assert "consent to the processing of their data is not recorded" in response.get_data(as_text=True)
    assert case_row(app, case_id).status == "intake"
    party = requesting_party(app, case_id)
    assert give_consent(client, case_id, party, "data_processing", "refused").status_code == 302
    assert move(client, case_id, "assessment", app=app).status_code == 422
    assert give_consent(client, case_id, party, "data_processing", "given").status_code == 302
    assert move(client, case_id, "assessment", app=app).status_code == 302
    assert case_row(app, case_id).status == "assessment"


def test_a_positive_screen_blocks_mediation_until_a_supervisor_proceeds(app, login_as, cases, two_parties):
    mother, father = two_parties
    client = login_as("mediator_a1")
    ready_for_mediation(app, client, cases.own, mother, father)
    assert screen(client, cases.own, father, gating_fear_of_other_party="yes").status_code == 302
    refused = move(client, cases.own, "in_mediation", app=app)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "A positive screening needs a later supervisor decision to proceed." in page
    assert case_row(app, cases.own).status == "assessment"

    supervisor = login_as("supervisor_a")
    assert decide(supervisor, cases.own, "counselling_only").status_code == 302
    client = login_as("mediator_a1")
    refused = move(client, cases.own, "in_mediation", app=app)
    assert refused.status_code == 422
    assert "The latest supervisor decision does not allow mediation." in refused.get_data(as_text=True)

    assert decide(login_as("supervisor_a"), cases.own, "proceed").status_code == 302
    client = login_as("mediator_a1")
    assert move(client, cases.own, "in_mediation", app=app).status_code == 302
    assert case_row(app, cases.own).status == "in_mediation"


def test_a_new_positive_screen_after_the_decision_closes_the_gate_again(app, login_as, cases, two_parties):
    mother, father = two_parties
    client = login_as("mediator_a1")
    ready_for_mediation(app, client, cases.own, mother, father)
    screen(client, cases.own, mother, violence="past")
    decide(login_as("supervisor_a"), cases.own, "proceed")
    assert gate(app, cases.own) == []
    client = login_as("mediator_a1")
    response = screen(client, cases.own, father, violence="current", violence_types=["psychological"])
    assert response.status_code == 302
    assert gate(app, cases.own) == ["no_decision"]
    assert move(client, cases.own, "in_mediation", app=app).status_code == 422
    # The latest screening of each party counts: the mother's positive one stays covered by the decision.
    screen(client, cases.own, father)
    assert gate(app, cases.own) == []
    screen(client, cases.own, mother, gating_abduction_threat="yes")
    assert gate(app, cases.own) == ["no_decision"]


def test_a_positive_screen_in_mediation_closes_the_gate_and_proposes_suspension(app, login_as, cases, two_parties):
    mother, father = two_parties
    client = login_as("mediator_a1")
    ready_for_mediation(app, client, cases.own, mother, father)
    assert move(client, cases.own, "in_mediation", app=app).status_code == 302
    assert gate(app, cases.own, SessionType.JOINT_MEDIATION) == []
    assert screen(client, cases.own, mother, gating_coercive_control="yes").status_code == 302
    follow = client.get(f"/cases/{cases.own}?lang=en")
    assert "Consider suspending the case." in follow.get_data(as_text=True)
    assert gate(app, cases.own, SessionType.JOINT_MEDIATION) == ["no_decision"]
    assert gate(app, cases.own, SessionType.COUNSELLING_SOCIAL) == [], "other session types are never gated"
    assert move(client, cases.own, "suspended", app=app).status_code == 422, "a suspension needs a reason"
    assert move(client, cases.own, "suspended", reason="CANARY-reason: new disclosure", app=app).status_code == 302
    assert case_row(app, cases.own).status == "suspended"


def test_withdrawing_mediation_consent_closes_the_gate(app, login_as, cases, two_parties):
    mother, father = two_parties
    client = login_as("mediator_a1")
    ready_for_mediation(app, client, cases.own, mother, father)
    assert gate(app, cases.own) == []
    assert give_consent(client, cases.own, father, "mediation", "withdrawn").status_code == 302
    with app.app_context():
        father_id = db.session.scalar(select(Participant.id).where(Participant.public_id == UUID(father)))
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(cases.own)))
        problems = gate_service.mediation_gate(db.session, case)
    assert [(p.check, p.participant_id) for p in problems] == [("no_mediation_consent", father_id)]
    refused = move(client, cases.own, "in_mediation", app=app)
    assert refused.status_code == 422 and "Youssef Bennani" in refused.get_data(as_text=True)


def test_an_unscreened_party_or_immediate_danger_keeps_the_gate_shut(app, login_as, cases, two_parties):
    mother, father = two_parties
    client = login_as("mediator_a1")
    ready_for_mediation(app, client, cases.own, mother)
    assert sorted(gate(app, cases.own)) == ["no_mediation_consent", "not_screened"]
    ready_for_mediation(app, client, cases.own, father)
    assert gate(app, cases.own) == []
    screen(client, cases.own, father, gating_immediate_danger="yes")
    assert sorted(gate(app, cases.own)) == ["immediate_danger", "no_decision"]
    decide(login_as("supervisor_a"), cases.own, "proceed")
    assert gate(app, cases.own) == ["immediate_danger"], "the flag stays until a supervisor clears it"
    cleared = login_as("supervisor_a").post(f"/cases/{cases.own}/danger/clear", data={"note": "safe now"})
    assert cleared.status_code == 302
    assert gate(app, cases.own) == []


def test_the_session_gate_follows_the_decisions_adaptations(app, login_as, cases, two_parties):
    mother, father = two_parties
    client = login_as("mediator_a1")
    ready_for_mediation(app, client, cases.own, mother, father)
    screen(client, cases.own, mother, violence="past")
    decide(login_as("supervisor_a"), cases.own, "proceed_with_adaptations", adaptations=["separate_sessions"])
    assert move(login_as("mediator_a1"), cases.own, "in_mediation", app=app).status_code == 302
    assert gate(app, cases.own, SessionType.JOINT_MEDIATION) == ["no_joint_session"]
    assert gate(app, cases.own, SessionType.SHUTTLE_MEDIATION) == []
    child = add_participant(app, cases.own, "Salma", child=True)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(cases.own)))
        ids = [p.id for p in case_queries.parties_of(db.session, case)]
        child_id = db.session.scalar(select(Participant.id).where(Participant.public_id == UUID(child)))
        problems = gate_service.mediation_gate(db.session, case, [ids[1], child_id], SessionType.SHUTTLE_MEDIATION)
        assert [(p.check, p.participant_id) for p in problems] == [("not_a_party", child_id)]
        assert gate_service.mediation_gate(db.session, case, [ids[1]], "shuttle_mediation") == []


def test_the_session_gate_needs_the_case_in_mediation(app, cases, two_parties):
    assert "not_in_mediation" in gate(app, cases.own, SessionType.JOINT_MEDIATION)
    assert "not_in_mediation" not in gate(app, cases.own)


def test_back_from_counselling_every_party_is_screened_again(app, login_as, cases, two_parties):
    mother, father = two_parties
    client = login_as("mediator_a1")
    ready_for_mediation(app, client, cases.own, mother, father)
    assert move(client, cases.own, "in_counselling", app=app).status_code == 302
    assert move(client, cases.own, "assessment", app=app).status_code == 302
    assert gate(app, cases.own) == ["not_screened", "not_screened"]
    assert move(client, cases.own, "in_mediation", app=app).status_code == 422
    screen(client, cases.own, mother)
    screen(client, cases.own, father)
    assert move(client, cases.own, "in_mediation", app=app).status_code == 302


def test_a_supervisor_resumes_a_suspended_mediation_only_through_the_gate(app, login_as, cases, two_parties):
    mother, father = two_parties
    client = login_as("mediator_a1")
    ready_for_mediation(app, client, cases.own, mother, father)
    move(client, cases.own, "in_mediation", app=app)
    move(client, cases.own, "suspended", reason="party unavailable", app=app)
    give_consent(client, cases.own, mother, "mediation", "withdrawn")
    supervisor = login_as("supervisor_a")
    assert move(supervisor, cases.own, "in_mediation", app=app).status_code == 422
    give_consent(login_as("mediator_a1"), cases.own, mother, "mediation", "given")
    assert move(login_as("supervisor_a"), cases.own, "in_mediation", app=app).status_code == 302


# Audit, history, concurrency


def test_each_change_writes_its_history_and_one_audit_event_with_ids_only(app, login_as, cases, two_parties):
    set_status(app, cases.own, CaseStatus.IN_COUNSELLING)
    client = login_as("mediator_a1")
    before = len(events(app))
    response = move(client, cases.own, "suspended", reason="CANARY-reason كناري", app=app)
    assert response.status_code == 302
    new = events(app)[before:]
    assert [(e.action, e.outcome, e.entity, e.entity_id) for e in new] == [
        ("status_change", "success", "case", cases.own)]
    assert b"CANARY" not in new[0].body and "كناري".encode("unicode_escape") not in new[0].body
    with app.app_context():
        change = db.session.scalar(select(StatusChange).order_by(StatusChange.id.desc()))
        assert (change.from_status, change.to_status, change.reason) == ("in_counselling", "suspended",
                                                                          "CANARY-reason كناري")
        assert change.changed_by.username == "mediator.a1"
        raw = db.session.scalar(select(type_coerce(StatusChange.reason, LargeBinary))
                                .where(StatusChange.id == change.id))
    assert b"CANARY" not in raw
    page = client.get(f"/cases/{cases.own}").get_data(as_text=True)
    assert "CANARY-reason" in page, "the history shows the reason to the case's staff"


def test_a_stale_form_does_not_overwrite_a_change_made_meanwhile(app, login_as, cases):
    client = login_as("mediator_a1")
    response = move(client, cases.own, "in_counselling", current="assessment", app=app)
    assert response.status_code == 409
    assert "has changed since the page was loaded" in response.get_data(as_text=True)
    assert case_row(app, cases.own).status == "intake"


def test_a_concurrent_change_is_refused_not_overwritten(app, cases):
    """Someone else's change committed between loading and saving: the version check refuses (S31)."""
    from sqlalchemy import update

    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(cases.own)))
        lead = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        db.session.execute(update(Case.__table__).where(Case.__table__.c.id == case.id)
                           .values(version_id=case.version_id + 1))
        with pytest.raises(StaleRecord, match="status of this case"):
            workflow.change_status(db.session, case, "assessment", actor=lead)
        db.session.rollback()


def _status_buttons(page: str) -> dict[str, str]:
    """The status section's buttons posting `to_status`: value -> visible label."""
    section = page[page.index('id="status"'):].split("</section>")[0]
    return dict(re.findall(r'<button type="submit" name="to_status" value="([a-z_]+)"[^>]*>([^<]+)</button>', section))


def test_the_status_form_offers_only_the_users_changes_one_button_each(app, login_as, cases):
    """One press makes a change (docs/architecture.md, U6): a button per change the user may make, named by
    what it does; the reason field comes only with a change that needs one, before its button."""
    page = login_as("mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert _status_buttons(page) == {"assessment": "Move to assessment", "in_counselling": "Move into counselling"}
    assert "<select" not in page[page.index('id="status"'):].split("</section>")[0]
    assert 'name="reason"' not in page[page.index('id="status"'):].split("</section>")[0]
    page = login_as("supervisor_a").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert 'name="to_status"' not in page and "No status change is open to you here." in page
    set_status(app, cases.own, CaseStatus.SUSPENDED)
    page = login_as("supervisor_a").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert _status_buttons(page) == {"in_mediation": "Move into mediation", "in_counselling": "Move into counselling"}
    set_status(app, cases.own, CaseStatus.IN_COUNSELLING)
    page = login_as("supervisor_a").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert _status_buttons(page) == {"suspended": "Suspend the case"}
    section = page[page.index('id="status"'):].split("</section>")[0]
    assert section.index('name="reason"') < section.index('value="suspended"')


@FUZZ
@given(data=st.fixed_dictionaries({
    "to_status": sometimes("assessment", "in_counselling", "in_mediation", "suspended", "closed", "intake", ""),
    "reason": sometimes("", "Motif : partie indisponible"),
    "current": sometimes("intake", "assessment", "in_counselling", "suspended", ""),
}, optional={"from_status": nasty_text, "changed_by_id": nasty_text, "status": nasty_text}), fresh=st.booleans())
def test_fuzz_the_status_form(app, login_as, cases, data, fresh):
    client = login_as("mediator_a1")
    before = case_row(app, cases.own).status, count(app, StatusChange), len(events(app))
    if fresh:  # as sent by a page showing the current status
        data = {**data, "current": before[0].value}
    response = client.post(f"/cases/{cases.own}/status", data=data)
    event(f"status {response.status_code}")
    assert response.status_code in (302, 403, 409, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    status, changes, audited = case_row(app, cases.own).status, count(app, StatusChange), len(events(app))
    if response.status_code == 302:
        assert (status, changes, audited) == (data["to_status"], before[1] + 1, before[2] + 1)
        assert before[0] == data["current"]
    else:
        assert (status, changes) == before[:2], "a refused change saves nothing"
        assert audited == before[2] + (1 if response.status_code == 403 else 0), "only a denial is audited"
