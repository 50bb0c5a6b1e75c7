"""The session log: logging with the type rules and the safety gate, local times,
corrections with revisions and optimistic locking, voiding, access."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.accounts.models import Association, StaffUser
from mediation.cases.codes import (
    AgeBand,
    CaseStatus,
    ConsentScope,
    ConsentStatus,
    NoteVisibility,
    ParticipantRole,
    ScreeningDecision,
    SessionType,
    Sex,
    ViolenceLevel,
)
from mediation.cases.models import AssignmentRole, Case, CaseAssignment, Participant, Person
from mediation.cases.models.safety import ConsentGiver
from mediation.cases.services import safety
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.counselling.models import CounsellingSession, FollowUpAction, SessionRevision
from mediation.counselling.services import log as service
from mediation.extensions import db
from tests.strategies import fuzz

DAY = "2026-11-20"  # after the fixture cases' first contact (2026-11-02), in the past


@dataclass
class Family:
    case_id: str
    mother: str  # participant public ids
    father: str
    child: str


def _user(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def _case(public_id: str) -> Case:
    return db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(public_id)))


def _participant(public_id: str) -> Participant:
    return db.session.scalar(select(Participant).where(Participant.public_id == uuid.UUID(public_id)))


def _add_participant(case: Case, name: str, role: ParticipantRole, band: AgeBand, sex: Sex,
                     birth_date: str | None = None) -> Participant:
    person = Person(association_id=case.association_id, full_name=name, sex=sex, birth_date=birth_date)
    db.session.add(person)
    db.session.flush()
    participant = Participant(case_id=case.id, person_id=person.id, role=role, age_band=band,
                              is_party=role is not ParticipantRole.CHILD)
    db.session.add(participant)
    db.session.flush()
    return participant


@pytest.fixture
def family(app, cases) -> Family:
    """The own case (mediator A1 leads) with a father and a child; psychologist A2 works it too."""
    with app.app_context():
        case = _case(cases.own)
        father = _add_participant(case, "Youssef El Idrissi", ParticipantRole.FATHER, AgeBand.B35_44, Sex.MALE)
        child = _add_participant(case, "Salma", ParticipantRole.CHILD, AgeBand.B12_14, Sex.FEMALE, "2013-05-01")
        # Her hearing was agreed to by her legal representative (a child consultation needs it).
        safety.record_consent(db.session, case, child,
                              safety.ConsentData(ConsentScope.CHILD_CONSULTATION, ConsentStatus.GIVEN,
                                                 date(2026, 11, 3), ConsentGiver.LEGAL_REPRESENTATIVE),
                              actor=_user("mediator.a1"))
        db.session.add(CaseAssignment(case_id=case.id, user_id=_user("mediator.a2").id,
                                      role=AssignmentRole.CO_WORKER))
        db.session.commit()
        return Family(cases.own, cases.participants["own"], str(father.public_id), str(child.public_id))


def ready_for_mediation(app, family: Family, *, violence: ViolenceLevel = ViolenceLevel.NONE) -> None:
    """Screen both parties, record their mediation consent and move the case into mediation."""
    with app.app_context():
        case = _case(family.case_id)
        lead = _user("mediator.a1")
        for key in (family.mother, family.father):
            participant = _participant(key)
            safety.record_screening(db.session, case, participant,
                                    safety.ScreeningData(screened_on=date(2026, 11, 3), violence=violence),
                                    actor=lead)
            safety.record_consent(db.session, case, participant,
                                  safety.ConsentData(ConsentScope.MEDIATION, ConsentStatus.GIVEN,
                                                     date(2026, 11, 3), ConsentGiver.SELF), actor=lead)
        case.status = CaseStatus.IN_MEDIATION
        db.session.commit()


def decide(app, family: Family, decision: ScreeningDecision = ScreeningDecision.PROCEED) -> None:
    with app.app_context():
        safety.decide_screening(db.session, _case(family.case_id),
                                safety.DecisionData(decision=decision, rationale="Reviewed in supervision."),
                                actor=_user("supervisor.a"))
        db.session.commit()


def form(family: Family, **overrides) -> dict:
    values = {
        "type": "individual", "mode": "in_person", "day": DAY, "start": "10:00", "duration_min": "60",
        "staff_ids": [], "attendee_ids": [family.mother], "summary": "ملخص الجلسة", "next_steps": "",
        "visibility": "",
    }
    values.update(overrides)
    return values


def session_url(family: Family, suffix: str = "") -> str:
    return f"/cases/{family.case_id}/sessions{suffix}"


def stored(app) -> list[CounsellingSession]:
    with app.app_context():
        return list(db.session.scalars(select(CounsellingSession).order_by(CounsellingSession.id)))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def log(login_as, family: Family, persona: str = "mediator_a1", **overrides):
    client = login_as(persona)
    return client.post(session_url(family, "/new?lang=en"), data=form(family, **overrides))


def staff_public_id(app, username: str) -> str:
    with app.app_context():
        return str(_user(username).public_id)


# Logging


def test_the_form_defaults_to_the_current_user(login_as, family):
    response = login_as("mediator_a1").get(session_url(family, "/new"))
    assert response.status_code == 200
    assert "Youssef El Idrissi" in response.get_data(as_text=True)


def test_an_individual_meeting_is_logged_with_follow_ups(app, login_as, family):
    a1 = staff_public_id(app, "mediator.a1")
    response = log(login_as, family, **{
        "follow_ups-0-description": "Call the father", "follow_ups-0-due_on": "2026-12-05",
        "follow_ups-0-assigned_to": a1,
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    [row] = stored(app)
    assert row.type is SessionType.INDIVIDUAL and row.duration_min == 60
    assert row.visibility is NoteVisibility.PRIVATE_PARTY  # the default for an individual meeting
    # The zone data in use puts Morocco at UTC+0 from 20 September 2026: follow it, whatever it says.
    offset = clock.zone().utcoffset(datetime(2026, 11, 20, 10))
    assert row.started_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC) - offset
    assert row.summary == "ملخص الجلسة"
    with app.app_context():
        [action] = db.session.scalars(select(FollowUpAction)).all()
        assert action.description == "Call the father" and action.due_on == date(2026, 12, 5)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "session")
                                  .order_by(AuditEvent.seq.desc()).limit(1))
        assert event.action == "create" and event.entity_id == str(row.public_id)
    page = login_as("mediator_a1").get(response.headers["Location"])
    assert page.status_code == 200 and "ملخص الجلسة" in page.get_data(as_text=True)


def test_an_individual_meeting_needs_exactly_one_party(app, login_as, family):
    response = log(login_as, family, attendee_ids=[family.mother, family.father])
    assert response.status_code == 422
    assert "exactly one party" in response.get_data(as_text=True)
    assert "ملخص الجلسة" in response.get_data(as_text=True)  # input kept
    assert stored(app) == []


@pytest.mark.parametrize("kind, attendees, ok", [
    ("follow_up", ["mother"], True),
    ("positive_parenting", ["mother", "father"], True),
    ("child_consultation", ["child"], True),
    ("child_consultation", ["mother"], False),
    ("counselling_social", ["mother"], False),  # the mediator's profession does not allow it
    ("counselling_legal", ["mother"], False),
])
def test_types_by_rule_and_profession(app, login_as, family, kind, attendees, ok):
    ids = [getattr(family, key) for key in attendees]
    response = log(login_as, family, type=kind, attendee_ids=ids)
    assert response.status_code == (302 if ok else 422)
    assert len(stored(app)) == (1 if ok else 0)


def test_a_child_is_heard_from_ten_with_consent(app, login_as, family):
    with app.app_context():
        case = _case(family.case_id)
        young = _add_participant(case, "Rim", ParticipantRole.CHILD, AgeBand.B6_11, Sex.FEMALE, "2019-02-01")
        unknown = _add_participant(case, "Adam", ParticipantRole.CHILD, AgeBand.B12_14, Sex.MALE)
        db.session.commit()
        young_id, unknown_id = str(young.public_id), str(unknown.public_id)
    for child_id in (young_id, unknown_id):
        response = log(login_as, family, type="child_consultation", attendee_ids=[child_id])
        assert response.status_code == 422
        assert "A child is heard from the age of 10, with a known birth date." in response.get_data(as_text=True)
    with app.app_context():
        safety.record_consent(db.session, _case(family.case_id), _participant(family.child),
                              safety.ConsentData(ConsentScope.CHILD_CONSULTATION, ConsentStatus.WITHDRAWN,
                                                 date(2026, 11, 4), ConsentGiver.LEGAL_REPRESENTATIVE),
                              actor=_user("mediator.a1"))
        db.session.commit()
    response = log(login_as, family, type="child_consultation", attendee_ids=[family.child])
    assert "Hearing the child needs the consent" in response.get_data(as_text=True)
    assert stored(app) == []


def test_a_social_worker_cannot_log_a_psychological_session(app, login_as, cases):
    with app.app_context():
        case = _case(cases.other)
        participant = _participant(cases.participants["other"])
        safety.record_consent(db.session, case, participant,
                              safety.ConsentData(ConsentScope.SENSITIVE_DATA, ConsentStatus.GIVEN,
                                                 date(2026, 11, 3), ConsentGiver.SELF), actor=_user("mediator.b1"))
        db.session.get(Association, case.association_id).cndp_authorisation_no = "A-1"
        db.session.commit()
    client = login_as("mediator_b1")
    data = {"type": "counselling_psychological", "mode": "in_person", "day": DAY, "start": "10:00",
            "duration_min": "45", "attendee_ids": [cases.participants["other"]]}
    response = client.post(f"/cases/{cases.other}/sessions/new?lang=en", data=data)
    assert response.status_code == 422
    assert "may hold this type" in response.get_data(as_text=True)
    data["type"] = "counselling_social"
    assert client.post(f"/cases/{cases.other}/sessions/new", data=data).status_code == 302


def test_a_psychological_session_needs_authorisation_consent_and_a_psychologist(app, login_as, family):
    a2 = staff_public_id(app, "mediator.a2")
    psych = dict(type="counselling_psychological", staff_ids=[a2], visibility="joint", summary="SECRET-PSY")
    assert log(login_as, family, "mediator_a2", **psych).status_code == 422  # no CNDP authorisation
    with app.app_context():
        db.session.get(Association, _case(family.case_id).association_id).cndp_authorisation_no = "A-2025-1"
        db.session.commit()
    response = log(login_as, family, "mediator_a2", **psych)
    assert response.status_code == 422 and "consented" in response.get_data(as_text=True)
    with app.app_context():
        safety.record_consent(db.session, _case(family.case_id), _participant(family.mother),
                              safety.ConsentData(ConsentScope.SENSITIVE_DATA, ConsentStatus.GIVEN,
                                                 date(2026, 11, 3), ConsentGiver.SELF), actor=_user("mediator.a2"))
        db.session.commit()
    # A mediator alone cannot hold it.
    assert log(login_as, family, "mediator_a1", type="counselling_psychological").status_code == 422
    response = log(login_as, family, "mediator_a2", **psych)
    assert response.status_code == 302
    [row] = stored(app)
    assert row.visibility is NoteVisibility.STAFF_ONLY  # forced
    # The author and the case's psychologist read it; the lead mediator and the supervisor do not.
    url = response.headers["Location"]
    assert "SECRET-PSY" in login_as("mediator_a2").get(url).get_data(as_text=True)
    for persona in ("mediator_a1", "supervisor_a"):
        page = login_as(persona).get(url + "?lang=en")
        assert page.status_code == 200
        assert "SECRET-PSY" not in page.get_data(as_text=True) and "Restricted" in page.get_data(as_text=True)


# The safety gate (direct POST)


def test_the_gate_refuses_a_joint_session_until_a_supervisor_decides(app, login_as, family):
    ready_for_mediation(app, family, violence=ViolenceLevel.PAST)
    joint = dict(type="joint_mediation", attendee_ids=[family.mother, family.father])
    response = log(login_as, family, **joint)
    assert response.status_code == 422
    assert "supervisor decision" in response.get_data(as_text=True)
    assert stored(app) == []
    decide(app, family)
    assert log(login_as, family, **joint).status_code == 302
    assert stored(app)[0].visibility is NoteVisibility.JOINT


def test_the_gate_refuses_a_case_not_in_mediation(app, login_as, family):
    response = log(login_as, family, type="joint_mediation", attendee_ids=[family.mother, family.father])
    assert response.status_code == 422 and "not in mediation" in response.get_data(as_text=True)


def test_shuttle_mediation_records_the_parties_kept_apart(app, login_as, family):
    ready_for_mediation(app, family)
    shuttle = dict(type="shuttle_mediation", attendee_ids=[family.mother, family.father])
    assert log(login_as, family, **shuttle).status_code == 422
    assert log(login_as, family, **shuttle, parties_kept_apart="y").status_code == 302
    assert stored(app)[0].parties_kept_apart is True


def test_a_joint_session_needs_two_parties(app, login_as, family):
    ready_for_mediation(app, family)
    assert log(login_as, family, type="joint_mediation", attendee_ids=[family.mother]).status_code == 422


# Times


def test_the_zone_data_matches_the_expectations():
    zone = clock.load_zone("Africa/Casablanca")
    assert zone.utcoffset(datetime(2026, 3, 5, 10)) == timedelta(0)  # Ramadan 2026: UTC+0
    assert zone.utcoffset(datetime(2026, 5, 5, 10)) == timedelta(hours=1)


@pytest.mark.parametrize("day, expected", [
    ("2026-03-05", datetime(2026, 3, 5, 10, 0, tzinfo=UTC)),  # Ramadan: UTC+0
    ("2026-05-05", datetime(2026, 5, 5, 9, 0, tzinfo=UTC)),  # UTC+1
])
def test_local_times_store_the_right_instant(app, login_as, family, day, expected):
    with app.app_context():
        _case(family.case_id).first_contact_on = date(2026, 1, 5)
        db.session.commit()
    assert log(login_as, family, day=day, start="10:00").status_code == 302
    assert stored(app)[0].started_at == expected


def test_a_time_that_does_not_exist_is_refused_and_a_repeated_one_takes_the_first(app, login_as, family):
    with app.app_context():
        _case(family.case_id).first_contact_on = date(2026, 1, 5)
        db.session.commit()
    # 22 March 2026: the clocks jump from 02:00 to 03:00.
    response = log(login_as, family, day="2026-03-22", start="02:30")
    assert response.status_code == 422 and "does not exist" in response.get_data(as_text=True)
    # 15 February 2026: 02:00-03:00 happens twice; the first time is still at UTC+1.
    assert log(login_as, family, day="2026-02-15", start="02:30").status_code == 302
    assert stored(app)[0].started_at == datetime(2026, 2, 15, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("overrides", [
    {"day": "in two days"},
    {"duration_min": "0"}, {"duration_min": "481"}, {"duration_min": "-5"},
    {"start": "25:00"}, {"start": "9h"}, {"day": "2026-10-01"},  # before the first contact
    {"type": "nonsense"}, {"visibility": "public"},
])
def test_bad_input_is_refused_with_the_input_kept(app, login_as, family, overrides):
    if overrides.get("day") == "in two days":  # the service's day after tomorrow, when the test runs
        overrides = {"day": (clock.today() + timedelta(days=2)).isoformat()}
    response = log(login_as, family, **overrides)
    assert response.status_code == 422
    assert "ملخص الجلسة" in response.get_data(as_text=True)
    assert stored(app) == []


def test_an_attendee_of_another_case_is_refused(app, login_as, family, cases):
    assert log(login_as, family, attendee_ids=[cases.participants["colleague"]]).status_code == 422
    assert log(login_as, family, attendee_ids=[str(uuid.uuid4())]).status_code == 422
    assert stored(app) == []


def test_the_current_user_must_have_held_it(app, login_as, family):
    a2 = staff_public_id(app, "mediator.a2")
    assert log(login_as, family, staff_ids=[a2]).status_code == 422
    # A supervisor may log a session held by the case's staff.
    assert log(login_as, family, "supervisor_a", staff_ids=[a2]).status_code == 302


def test_service_refuses_unknown_ids_directly(app, family):
    with app.app_context():
        data = service.SessionData(type="individual", mode="in_person", day=date(2026, 11, 20),
                                   start=datetime(2026, 1, 1, 10).time(), duration_min=30,
                                   attendee_ids=(uuid.uuid4(),))
        with pytest.raises(service.ValidationFailed):
            service.log_session(db.session, _case(family.case_id), data, actor=_user("mediator.a1"))


# Corrections and voiding


def _logged(app, login_as, family) -> str:
    response = log(login_as, family)
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_author_corrects_with_a_revision(app, login_as, family):
    url = _logged(app, login_as, family)
    client = login_as("mediator_a1")
    page = client.get(url + "/edit")
    assert page.status_code == 200 and 'value="10:00"' in page.get_data(as_text=True)
    version = stored(app)[0].version_id
    response = client.post(url + "/edit", data=form(family, duration_min="90", summary="تصحيح", version=version))
    assert response.status_code == 302
    [row] = stored(app)
    assert row.duration_min == 90 and row.summary == "تصحيح" and row.version_id > version
    with app.app_context():
        [revision] = db.session.scalars(select(SessionRevision)).all()
        previous = service.revision_values(revision)
        assert previous["duration_min"] == 60 and previous["summary"] == "ملخص الجلسة"
    assert "ملخص الجلسة" in client.get(url).get_data(as_text=True)


def test_a_stale_correction_is_a_409_with_both_versions(app, login_as, family):
    url = _logged(app, login_as, family)
    client = login_as("mediator_a1")
    version = stored(app)[0].version_id
    assert client.post(url + "/edit", data=form(family, duration_min="90", version=version)).status_code == 302
    response = client.post(url + "/edit", data=form(family, duration_min="30", summary="نصي", version=version))
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "نصي" in text and "ملخص الجلسة" in text
    assert stored(app)[0].duration_min == 90


def test_the_edit_window_then_only_a_supervisor(app, login_as, family, frozen_clock):
    url = _logged(app, login_as, family)
    frozen_clock.advance(days=8)
    version = stored(app)[0].version_id
    client = login_as("mediator_a1")
    assert client.get(url + "/edit").status_code == 403
    assert client.post(url + "/edit", data=form(family, version=version)).status_code == 403
    assert client.post(url + "/void", data={"reason": "x"}).status_code == 403
    a1 = staff_public_id(app, "mediator.a1")
    client = login_as("supervisor_a")
    response = client.post(url + "/edit", data=form(family, duration_min="75", staff_ids=[a1], version=version))
    assert response.status_code == 302
    assert stored(app)[0].duration_min == 75


def test_a_voided_session_keeps_its_reason_and_stays(app, login_as, family):
    url = _logged(app, login_as, family)
    client = login_as("mediator_a1")
    assert client.post(url + "/void", data={"reason": ""}).status_code == 422
    assert client.post(url + "/void", data={"reason": "Saisie en double"}).status_code == 302
    [row] = stored(app)
    assert row.is_void and row.void_reason == "Saisie en double"
    assert client.post(url + "/void", data={"reason": "again"}).status_code == 403
    assert client.get(url + "/edit").status_code == 403
    assert client.get(url).status_code == 200


# Access


def test_a_mediator_of_another_case_gets_404_everywhere(app, login_as, family):
    url = _logged(app, login_as, family)
    for persona in ("mediator_b1", "supervisor_b"):
        client = login_as(persona)
        assert client.get(session_url(family, "/new")).status_code == 404
        assert client.post(session_url(family, "/new"), data=form(family)).status_code == 404
        assert client.get(url).status_code == 404
        assert client.get(url + "/edit").status_code == 404
        assert client.post(url + "/edit", data=form(family)).status_code == 404
        assert client.post(url + "/void", data={"reason": "x"}).status_code == 404
    for persona in ("admin", "ministry"):
        client = login_as(persona)
        assert client.get(url).status_code == 403
        assert client.post(url + "/void", data={"reason": "x"}).status_code == 403


def test_a_session_reached_through_another_case_is_404(app, login_as, family, cases):
    url = _logged(app, login_as, family)
    session_id = url.rsplit("/", 1)[-1]
    client = login_as("supervisor_a")
    assert client.get(f"/cases/{cases.colleague}/sessions/{session_id}").status_code == 404


# Fuzz

TEXT = st.text(max_size=40)
TYPES = st.sampled_from([member.value for member in SessionType] + ["", "x"])


@fuzz(40)
@given(kind=TYPES, mode=st.sampled_from(["in_person", "phone", "video", "", "?"]),
       day=st.one_of(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)).map(str), TEXT),
       start=st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), TEXT),
       duration=st.one_of(st.integers(-10, 600).map(str), TEXT),
       summary=st.text(max_size=200), kept=st.booleans(), who=st.lists(st.sampled_from(["mother", "father",
                                                                                           "child", "bogus"]),
                                                                       max_size=3))
def test_fuzzed_submissions_never_fail(app, login_as, family, kind, mode, day, start, duration, summary, kept, who):
    ids = [getattr(family, key) if key != "bogus" else str(uuid.uuid4()) for key in who]
    before = (count(app, CounsellingSession), count(app, FollowUpAction))
    data = form(family, type=kind, mode=mode, day=day, start=start, duration_min=duration, summary=summary,
                attendee_ids=ids)
    if kept:
        data["parties_kept_apart"] = "y"
    response = log(login_as, family, **{key: value for key, value in data.items()})
    assert response.status_code in (302, 422)
    after = (count(app, CounsellingSession), count(app, FollowUpAction))
    if response.status_code == 422:
        assert after == before
    else:
        assert after[0] == before[0] + 1
