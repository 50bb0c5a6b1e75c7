"""Data-subject requests of participants known only from parenting groups: found through the blind indexes,
given their groups in the access export, erased on request with the groups' counts kept (docs/domain.md,
DOM137-DOM139)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from mediation.groups.models import Enrolment, GroupParticipant
from mediation.retention.policy import RetentionPolicy
from mediation.retention.services import purge_expired_records
from mediation.subject_requests.models import DataSubjectRequest
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)
from tests.groups.support import add_past_sessions, enrol_directly, make_group, mark

NAME = "Samira Ouazzani"
PHONE = "0661234567"
ENROL = {"full_name": NAME, "sex": "female", "age_band": "35_44", "phone": PHONE, "email": "samira@example.org",
         "consent_data_processing": "y", "consent_contact": "y"}


def _enrolled(app, world, login_as, *, association="a") -> tuple[str, str]:
    """A group-only participant enrolled through the form (so with their blind indexes): (group, enrolment)."""
    association_id = world.association_a if association == "a" else world.association_b
    group_id = make_group(app, association_id, facilitator=f"mediator.{association}1", planned=4,
                          name=f"GROUPE-{association.upper()}")
    add_past_sessions(app, group_id, 4)
    assert login_as(f"mediator_{association}1").post(f"/groups/{group_id}/enrol", data=ENROL).status_code == 302
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment).join(GroupParticipant)
                                      .where(GroupParticipant.full_name.is_not(None),
                                             GroupParticipant.association_id == association_id)
                                      .order_by(Enrolment.id.desc()))
        return group_id, str(enrolment.public_id)


def _participant_of(enrolment_id: str) -> GroupParticipant:
    return db.session.scalar(select(Enrolment).where(Enrolment.public_id == uuid.UUID(enrolment_id))).participant


def _record(client, participant_id: str, kind: str = "access") -> str:
    response = client.post(f"/subject-requests/group-participants/{participant_id}/new",
                           data={"type": kind, "received_on": clock.today().isoformat(), "note": "NOTE-ABOUT-HER"})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_a_group_only_participant_is_found_by_name_and_phone_in_the_own_association_only(app, world, login_as):
    _group, mine = _enrolled(app, world, login_as)
    _enrolled(app, world, login_as, association="b")  # a namesake with the same phone in association B
    with app.app_context():
        participant_id = str(_participant_of(mine).public_id)
    client = login_as("supervisor_a")
    assert client.get("/subject-requests/").get_data(as_text=True).count("/subject-requests/group-participants") == 1
    found = client.post("/subject-requests/group-participants", data={"full_name": "  samira   OUAZZANI ",
                                                                      "phone": "+212 661 23 45 67"})
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and page.count("/subject-requests/group-participants/") == 1
    assert participant_id in page and "GROUPE-A" in page and "GROUPE-B" not in page
    by_name = client.post("/subject-requests/group-participants", data={"full_name": NAME}).get_data(as_text=True)
    assert participant_id in by_name
    other_phone = client.post("/subject-requests/group-participants",
                              data={"full_name": NAME, "phone": "0700000000"}).get_data(as_text=True)
    assert participant_id not in other_phone and "Nobody known only from the groups" in other_phone
    assert client.post("/subject-requests/group-participants", data={"full_name": ""}).status_code == 422
    # Supervisor B finds B's namesake, never A's participant.
    theirs = login_as("supervisor_b").post("/subject-requests/group-participants",
                                           data={"full_name": NAME, "phone": PHONE}).get_data(as_text=True)
    assert participant_id not in theirs and "GROUPE-B" in theirs
    with app.app_context():
        searches = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "search",
                                                                    AuditEvent.entity == "group_participant")))
        assert len(searches) == 5 - 1  # the refused (empty) search is not run
        assert all(NAME not in json.dumps([event.entity_id]) for event in searches)


def test_the_access_export_lists_the_groups_attended_and_nobody_elses(app, world, login_as):
    group_id, mine = _enrolled(app, world, login_as)
    (neighbour,) = enrol_directly(app, group_id, 1, prefix="NEIGHBOUR")
    mark(app, group_id, {1, 2, 3}, mine)
    mark(app, group_id, {1}, neighbour)
    with app.app_context():
        participant_id = str(_participant_of(mine).public_id)
    client = login_as("supervisor_a")
    request_id = _record(client, participant_id)
    detail = client.get(f"/subject-requests/{request_id}").get_data(as_text=True)
    assert NAME in detail and "known only from parenting groups" in detail
    html = client.get(f"/subject-requests/{request_id}/export?language=en").get_data(as_text=True)
    payload = json.loads(client.get(f"/subject-requests/{request_id}/export.json?language=en")
                         .get_data(as_text=True))
    assert payload["identity"]["full_name"] == NAME and payload["identity"]["phone"] == PHONE
    assert [(g["group"], g["sessions_attended"], g["sessions_planned"], g["status"]["code"])
            for g in payload["parenting_groups"]] == [("GROUPE-A", 3, 4, "completed")]
    assert [r["type"]["code"] for r in payload["requests"]] == ["access"]
    assert "GROUPE-A" in html and "3 / 4" in html and NAME in html
    for body in (html, json.dumps(payload, ensure_ascii=False)):
        assert "NEIGHBOUR" not in body
    with app.app_context():
        exports = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.entity_id == request_id))
        assert exports == 2


def test_erasure_on_request_removes_the_identity_and_keeps_the_counts(app, world, login_as):
    group_id, mine = _enrolled(app, world, login_as)
    enrol_directly(app, group_id, 2, prefix="OTHER")
    mark(app, group_id, {1, 2}, mine)
    with app.app_context():
        participant = _participant_of(mine)
        participant_id, participant_key = str(participant.public_id), participant.id
    client = login_as("supervisor_a")
    access = _record(client, participant_id)
    refused = client.post(f"/subject-requests/{access}/erase", data={"confirm": "y"})
    assert refused.status_code == 422 and "answered with the export" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(GroupParticipant, participant_key) is not None
    opposition = _record(client, participant_id, "opposition")
    with app.app_context():
        version = db.session.scalar(select(DataSubjectRequest.version_id).where(
            DataSubjectRequest.public_id == uuid.UUID(opposition)))
    before = client.get(f"/groups/{group_id}").get_data(as_text=True).count('data-enrolment-status="')
    unconfirmed = client.post(f"/subject-requests/{opposition}/erase", data={"version": str(version)})
    assert unconfirmed.status_code == 422 and "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(GroupParticipant, participant_key) is not None
    assert client.post(f"/subject-requests/{opposition}/erase",
                       data={"version": str(version), "confirm": "y"}).status_code == 302
    with app.app_context():
        assert db.session.get(GroupParticipant, participant_key) is None
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.public_id == uuid.UUID(mine)))
        assert enrolment.participant_id is None
        assert (enrolment.sex.value, enrolment.age_band.value) == ("female", "35_44")
        assert enrolment.dropped_out_on == clock.today()  # the group is still running
        requests = {str(row.public_id): row for row in db.session.scalars(select(DataSubjectRequest))}
        assert all(row.group_participant_id is None and row.request_note is None for row in requests.values())
        assert requests[opposition].outcome.value == "granted" and requests[opposition].answered_on == clock.today()
        assert requests[access].is_open  # the access request stays, naming nobody
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "group_participant",
                                                                  AuditEvent.action == "purged")))
        assert [event.entity_id for event in events] == [participant_id]
    page = client.get(f"/groups/{group_id}").get_data(as_text=True)
    assert NAME not in page and page.count('data-enrolment-status="') == before
    register = client.get("/subject-requests/").get_data(as_text=True)
    assert NAME not in register and "Participant erased on request" in register
    assert client.get(f"/subject-requests/{access}/export").status_code == 404
    assert client.post("/subject-requests/group-participants",
                       data={"full_name": NAME, "phone": PHONE}).get_data(as_text=True).count(participant_id) == 0


def test_another_associations_participant_and_request_are_404(app, world, login_as):
    _group, mine = _enrolled(app, world, login_as)
    with app.app_context():
        participant = _participant_of(mine)
        participant_id, participant_key = str(participant.public_id), participant.id
    request_id = _record(login_as("supervisor_a"), participant_id, "opposition")
    other = login_as("supervisor_b")
    assert other.get(f"/subject-requests/group-participants/{participant_id}/new").status_code == 404
    assert other.post(f"/subject-requests/group-participants/{participant_id}/new",
                      data={"type": "access", "received_on": clock.today().isoformat()}).status_code == 404
    for url in (f"/subject-requests/{request_id}", f"/subject-requests/{request_id}/export"):
        assert other.get(url).status_code == 404
    assert other.post(f"/subject-requests/{request_id}/erase", data={"confirm": "y"}).status_code == 404
    assert login_as("mediator_a1").post(f"/subject-requests/{request_id}/erase",
                                        data={"confirm": "y"}).status_code == 403
    with app.app_context():
        assert db.session.get(GroupParticipant, participant_key) is not None


def test_retention_of_a_group_only_participant_empties_their_requests(app, world, login_as):
    today = clock.today()
    old = make_group(app, world.association_a, name="Old", finished_on=today - timedelta(days=800))
    (enrolment_id,) = enrol_directly(app, old, 1, prefix="ANCIENNE")
    with app.app_context():
        participant_id = str(_participant_of(enrolment_id).public_id)
    request_id = _record(login_as("supervisor_a"), participant_id)
    with app.test_request_context():
        db.session.execute(GroupParticipant.__table__.update().values(created_at=clock.now() - timedelta(days=900)))
        policy = RetentionPolicy(closed_case_months=60, intake_appointment_months=12, outbox_days=90,
                                 reset_token_days=30, login_failure_days=30, group_participant_months=24)
        assert purge_expired_records(db.session, policy, now=clock.now()).group_participants == 1
        db.session.commit()
        request = db.session.scalar(select(DataSubjectRequest).where(
            DataSubjectRequest.public_id == uuid.UUID(request_id)))
        assert request.group_participant_id is None and request.request_note is None
