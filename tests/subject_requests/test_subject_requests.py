"""The data-subject request register and the access export (docs/domain.md, DOM39, DOM60, DOM61)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mediation.appointments.codes import SessionMode
from mediation.cases.codes import AgeBand, NoteVisibility, ParticipantRole, PreferredLanguage, SessionType, Sex
from mediation.cases.models import Case, Note, NoteVersion, Participant, Person
from mediation.core import clock
from mediation.core.audit import AuditEvent, verify_chain
from mediation.counselling.models import CounsellingSession, SessionAttendee
from mediation.extensions import db
from mediation.groups.models import Enrolment, GroupParticipant
from mediation.subject_requests.models import DataSubjectRequest
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)
from tests.groups.support import add_past_sessions, enrol_directly, make_group, mark
from tests.retention.fixtures import staff


@pytest.fixture
def family(app, world, cases):
    """The own case's requesting party (French-speaking), a second party, and notes and sessions of every kind."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(cases.own)))
        own_party = uuid.UUID(cases.participants["own"])
        mine = db.session.scalar(select(Participant).where(Participant.public_id == own_party))
        mine.person.preferred_language = PreferredLanguage.FR
        other_person = Person(association_id=case.association_id, full_name="OTHER-PARTY-NAME", sex=Sex.MALE)
        db.session.add(other_person)
        db.session.flush()
        other = Participant(case_id=case.id, person_id=other_person.id, role=ParticipantRole.FATHER,
                            age_band=AgeBand.B35_44)
        db.session.add(other)
        db.session.flush()
        lead = staff("mediator.a1")
        for visibility, participant, text in (
            (NoteVisibility.JOINT, None, "JOINT-NOTE-MARKER"),
            (NoteVisibility.PRIVATE_PARTY, mine.id, "MY-PRIVATE-MARKER"),
            (NoteVisibility.PRIVATE_PARTY, other.id, "OTHER-PRIVATE-MARKER"),
            (NoteVisibility.STAFF_ONLY, None, "STAFF-ONLY-MARKER"),
        ):
            note = Note(case_id=case.id, author_id=lead.id, visibility=visibility, participant_id=participant)
            note.versions.append(NoteVersion(number=1, body=text, edited_by_id=lead.id))
            db.session.add(note)
        start = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
        for visibility, attendees, text in (
            (NoteVisibility.JOINT, (mine.id, other.id), "JOINT-SESSION-MARKER"),
            (NoteVisibility.PRIVATE_PARTY, (mine.id,), "MY-SESSION-MARKER"),
            (NoteVisibility.PRIVATE_PARTY, (mine.id, other.id), "SHUTTLE-SESSION-MARKER"),
            (NoteVisibility.PRIVATE_PARTY, (other.id,), "OTHER-SESSION-MARKER"),
            (NoteVisibility.STAFF_ONLY, (mine.id,), "STAFF-SESSION-MARKER"),
        ):
            session = CounsellingSession(case_id=case.id, type=SessionType.INDIVIDUAL, mode=SessionMode.IN_PERSON,
                                         started_at=start, duration_min=45, visibility=visibility,
                                         author_id=lead.id, summary=text)
            session.attendees.extend(SessionAttendee(participant_id=p) for p in attendees)
            db.session.add(session)
            start += timedelta(days=1)
        db.session.commit()
        return {"person": str(mine.person.public_id), "name": mine.person.full_name,
                "other_person": str(other_person.public_id)}


SHOWN = ("JOINT-NOTE-MARKER", "MY-PRIVATE-MARKER", "JOINT-SESSION-MARKER", "MY-SESSION-MARKER")
HIDDEN = ("OTHER-PARTY-NAME", "OTHER-PRIVATE-MARKER", "STAFF-ONLY-MARKER", "SHUTTLE-SESSION-MARKER",
          "OTHER-SESSION-MARKER", "STAFF-SESSION-MARKER")


def record(client, person: str, **data):
    values = {"type": "access", "received_on": local_today_text(), "note": "Asked at the front desk"}
    values.update(data)
    return client.post(f"/subject-requests/people/{person}/new", data=values)


def local_today_text() -> str:
    return clock.today().isoformat()


def request_id_from(response) -> str:
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_party_row_offers_the_request_to_supervisors_only(login_as, family, cases):
    page = login_as("supervisor_a").get(f"/cases/{cases.own}").get_data(as_text=True)
    assert f"/subject-requests/people/{family['person']}/new" in page
    page = login_as("mediator_a1").get(f"/cases/{cases.own}").get_data(as_text=True)
    assert "/subject-requests/" not in page


def test_a_request_is_recorded_answered_once_and_audited(app, login_as, family):
    client = login_as("supervisor_a")
    created = record(client, family["person"], type="rectification")
    assert created.status_code == 302
    request_id = request_id_from(created)
    with app.app_context():
        row = db.session.scalar(select(DataSubjectRequest).where(DataSubjectRequest.public_id == uuid.UUID(request_id)))
        assert (row.type.value, row.answered_on, row.request_note) == ("rectification", None, "Asked at the front desk")
        version = row.version_id
    register = client.get("/subject-requests/").get_data(as_text=True)
    assert request_id in register

    answered = client.post(f"/subject-requests/{request_id}/answer", data={
        "answered_on": local_today_text(), "outcome": "granted", "note": "Phone corrected", "version": version})
    assert answered.status_code == 302
    again = client.post(f"/subject-requests/{request_id}/answer", data={
        "answered_on": local_today_text(), "outcome": "refused", "version": version + 1})
    assert again.status_code == 422
    assert "already been answered" in again.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(DataSubjectRequest).where(DataSubjectRequest.public_id == uuid.UUID(request_id)))
        assert (row.outcome.value, row.answer_note) == ("granted", "Phone corrected")
        audited = db.session.execute(select(AuditEvent.action, AuditEvent.entity).where(
            AuditEvent.entity_id == request_id).order_by(AuditEvent.seq)).all()
        assert [tuple(e) for e in audited if e[0] != "view"] == [("create", "data_subject_request"),
                                                                ("update", "data_subject_request")]
        assert verify_chain(db.session).ok


@pytest.mark.parametrize("data, message", [
    ({"received_on": "in two days"}, "in the future"),
    ({"received_on": ""}, "Enter the date the request was received"),
    ({"type": "erase_everything"}, "Choose the kind of request"),
])
def test_bad_requests_are_refused_with_the_input_kept(app, login_as, family, data, message):
    if data.get("received_on") == "in two days":  # the service's day after tomorrow, when the test runs
        data = {"received_on": (clock.today() + timedelta(days=2)).isoformat()}
    before = count(app, DataSubjectRequest)
    response = record(login_as("supervisor_a"), family["person"], **data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and "Asked at the front desk" in body
    assert count(app, DataSubjectRequest) == before


def test_an_answer_before_the_request_or_in_the_future_is_refused(app, login_as, family):
    client = login_as("supervisor_a")
    request_id = request_id_from(record(client, family["person"], received_on="2026-11-20"))
    for answered_on, message in (("2026-11-19", "cannot come before"),
                                 ((clock.today() + timedelta(days=1)).isoformat(), "in the future")):
        response = client.post(f"/subject-requests/{request_id}/answer",
                               data={"answered_on": answered_on, "outcome": "granted", "note": "kept text"})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True) and "kept text" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(DataSubjectRequest.answered_on).where(
            DataSubjectRequest.public_id == uuid.UUID(request_id))) is None


def test_the_export_holds_the_person_and_their_notes_never_another_partys(app, login_as, family):
    client = login_as("supervisor_a")
    request_id = request_id_from(record(client, family["person"]))
    page = client.get(f"/subject-requests/{request_id}/export")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    download = client.get(f"/subject-requests/{request_id}/export.json")
    assert download.status_code == 200
    text = download.get_data(as_text=True)
    for body in (html, text):
        assert family["name"] in body
        for marker in SHOWN:
            assert marker in body, marker
        for marker in HIDDEN:
            assert marker not in body, marker
    # In the person's language (French), with a generated file name and no caching.
    assert '<html lang="fr" dir="ltr">' in html
    payload = json.loads(text)
    assert payload["language"] == "fr" and payload["identity"]["full_name"] == family["name"]
    assert download.headers["Content-Disposition"] == f'attachment; filename="subject-access-{local_today_text()}.json"'
    assert download.headers["Cache-Control"] == "no-store"
    assert family["name"] not in download.headers["Content-Disposition"]
    with app.app_context():
        exports = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.entity_id == request_id))
        assert exports == 2


def test_the_export_language_can_be_chosen(login_as, family):
    client = login_as("supervisor_a")
    request_id = request_id_from(record(client, family["person"]))
    html = client.get(f"/subject-requests/{request_id}/export?language=ar").get_data(as_text=True)
    assert 'dir="rtl"' in html
    payload = json.loads(client.get(f"/subject-requests/{request_id}/export.json?language=en").get_data(as_text=True))
    assert payload["language"] == "en"


def test_another_associations_supervisor_gets_404(login_as, family):
    request_id = request_id_from(record(login_as("supervisor_a"), family["person"]))
    client = login_as("supervisor_b")
    assert client.get(f"/subject-requests/{request_id}/export.json").status_code == 404
    assert client.get(f"/subject-requests/people/{family['person']}/new").status_code == 404


def test_the_export_lists_the_parenting_groups_of_the_person_and_no_one_elses(app, world, login_as, family):
    """A person known from a case and enrolled in a group finds that group, their attendance and status in
    their access export (docs/domain.md, DOM123); a group-only participant's enrolment is not theirs."""
    group_id = make_group(app, world.association_a, planned=4, name="GROUP-OF-THE-PERSON")
    add_past_sessions(app, group_id, 4)
    (theirs,) = enrol_directly(app, group_id, 1, prefix="GROUP-ONLY-NEIGHBOUR")
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.public_id == uuid.UUID(family["person"])))
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.public_id == uuid.UUID(theirs)))
        own = GroupParticipant(association_id=person.association_id, person_id=person.id, sex=Sex.FEMALE,
                               age_band=AgeBand.B25_34, consent_data_processing=True,
                               created_by_id=enrolment.participant.created_by_id)
        mine = Enrolment(group_id=enrolment.group_id, participant=own, enrolled_on=clock.today(), sex=Sex.FEMALE,
                         age_band=AgeBand.B25_34)
        db.session.add(mine)
        db.session.commit()
        mine_id = str(mine.public_id)
    mark(app, group_id, {1, 2, 3}, mine_id)
    client = login_as("supervisor_a")
    request_id = request_id_from(record(client, family["person"]))
    html = client.get(f"/subject-requests/{request_id}/export?language=en").get_data(as_text=True)
    payload = json.loads(client.get(f"/subject-requests/{request_id}/export.json?language=en").get_data(as_text=True))
    assert [(g["group"], g["sessions_attended"], g["sessions_planned"], g["status"]["code"])
            for g in payload["parenting_groups"]] == [("GROUP-OF-THE-PERSON", 3, 4, "completed")]
    assert "GROUP-OF-THE-PERSON" in html and "Positive-parenting groups" in html
    for body in (html, json.dumps(payload, ensure_ascii=False)):
        assert "GROUP-ONLY-NEIGHBOUR" not in body
