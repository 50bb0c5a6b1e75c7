"""Enrolment, status, attendance and retention of the positive-parenting groups (docs/domain.md,
DOM123-DOM127)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from mediation.cases.queries.cases import search_cases
from mediation.core import clock
from mediation.extensions import db
from mediation.groups import queries
from mediation.groups.codes import EnrolmentStatus
from mediation.groups.models import Enrolment, GroupParticipant
from mediation.retention.policy import RetentionPolicy
from mediation.retention.services import purge_expired_records
from tests.groups.support import add_past_sessions, enrol_directly, group_of, make_group, mark, staff
from tests.statements import statements_of_get

ENROL = {"full_name": "Fatima Zahra Bennani", "sex": "female", "age_band": "25_34", "phone": "0612345678",
         "consent_data_processing": "y", "consent_contact": "y"}


def test_a_group_only_participant_never_appears_in_a_case_search(app, world, login_as):
    group_id = make_group(app, world.association_a)
    client = login_as("mediator_a1")
    response = client.post(f"/groups/{group_id}/enrol", data=ENROL)
    assert response.status_code == 302
    with app.test_request_context():
        participant = db.session.scalar(select(GroupParticipant))
        assert participant.person_id is None and participant.display_name == ENROL["full_name"]
        for username in ("mediator.a1", "supervisor.a"):
            assert search_cases(db.session, staff(username), "Fatima Zahra Bennani") == []
            assert search_cases(db.session, staff(username), "0612345678") == []
    assert "Bennani" not in login_as("supervisor_a").get("/cases/").get_data(as_text=True)
    assert "Bennani" in login_as("supervisor_a").get(f"/groups/{group_id}").get_data(as_text=True)


def test_enrolment_without_consent_is_refused_and_kept(app, world, login_as):
    group_id = make_group(app, world.association_a)
    response = login_as("mediator_a1").post(f"/groups/{group_id}/enrol",
                                            data={**ENROL, "consent_data_processing": ""})
    assert response.status_code == 422
    assert "Fatima Zahra Bennani" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(GroupParticipant)) is None


def test_completion_at_the_boundary_and_once_per_group(app, world):
    first = make_group(app, world.association_a, name="A")
    second = make_group(app, world.association_a, name="B")
    add_past_sessions(app, first, 12)
    add_past_sessions(app, second, 12)
    nine, eight = enrol_directly(app, first, 2)
    mark(app, first, range(1, 10), nine)       # 9 of 12: 75 %
    mark(app, first, range(1, 9), eight)       # 8 of 12: 66.7 %
    with app.app_context():
        # The same participant enrolled in the second group: a row of its own there.
        participant_id = db.session.scalar(select(Enrolment.participant_id)
                                           .where(Enrolment.public_id == uuid.UUID(nine)))
        group = group_of(second)
        db.session.add(Enrolment(group_id=group.id, participant_id=participant_id, enrolled_on=clock.today(),
                                 sex="female", age_band="25_34"))
        db.session.commit()
    with app.test_request_context():
        rows = {str(row.enrolment.public_id): row for row in queries.enrolment_rows(db.session, group_of(first))}
        assert rows[nine].status is EnrolmentStatus.COMPLETED and rows[nine].attended == 9
        assert rows[eight].status is EnrolmentStatus.TOOK_PART and rows[eight].attended == 8
        other = queries.enrolment_rows(db.session, group_of(second))
        assert [row.status for row in other] == [EnrolmentStatus.ENROLLED]


def test_attendance_page_statements_do_not_grow_with_participants(app, world, login_as):
    counts = []
    for size in (3, 30):
        group_id = make_group(app, world.association_a, name=f"G{size}")
        session_id = add_past_sessions(app, group_id, 1)[0]
        enrol_directly(app, group_id, size)
        client = login_as("mediator_a1")
        url = f"/groups/{group_id}/sessions/{session_id}/attendance"
        count, response = statements_of_get(app, client, url)
        assert response.get_data(as_text=True).count('name="present"') == size
        counts.append(count)
    assert counts[0] == counts[1]


def test_attendance_is_recorded_and_the_session_held(app, world, login_as):
    group_id = make_group(app, world.association_a)
    session_id = add_past_sessions(app, group_id, 1)[0]
    present, absent = enrol_directly(app, group_id, 2)
    response = login_as("mediator_a1").post(f"/groups/{group_id}/sessions/{session_id}/attendance",
                                            data={"present": [present]})
    assert response.status_code == 302
    with app.test_request_context():
        rows = {str(row.enrolment.public_id): row for row in queries.enrolment_rows(db.session, group_of(group_id))}
        assert rows[present].status is EnrolmentStatus.TOOK_PART
        assert rows[absent].status is EnrolmentStatus.ENROLLED
        session = queries.sessions_of(db.session, group_of(group_id))[0]
        assert session.present_count == 1 and session.appointment.status.value == "held"


def test_retention_purges_group_only_participants_on_their_own_schedule(app, world):
    today = clock.today()
    old = make_group(app, world.association_a, name="Old", finished_on=today - timedelta(days=800))
    recent = make_group(app, world.association_a, name="Recent", finished_on=today - timedelta(days=30))
    gone = enrol_directly(app, old, 1, prefix="Ancien")[0]
    kept = enrol_directly(app, recent, 1, prefix="Récent")[0]
    with app.test_request_context():
        db.session.execute(GroupParticipant.__table__.update().values(
            created_at=clock.now() - timedelta(days=900)))
        policy = RetentionPolicy(closed_case_months=60, intake_appointment_months=12, outbox_days=90,
                                 reset_token_days=30, login_failure_days=30, group_participant_months=24)
        counts = purge_expired_records(db.session, policy, now=clock.now())
        assert counts.group_participants == 1
        enrolments = {str(row.public_id): row for row in db.session.scalars(select(Enrolment))}
        assert enrolments[gone].participant_id is None and enrolments[gone].sex.value == "female"
        assert enrolments[kept].participant is not None


def test_group_sessions_reach_the_facilitators_feed_without_names(app, world):
    from mediation.appointments.services.feeds import build_calendar

    group_id = make_group(app, world.association_a)
    add_past_sessions(app, group_id, 1)
    enrol_directly(app, group_id, 2, prefix="Secret")
    with app.test_request_context():
        from mediation.appointments.models import Appointment

        appointments = list(db.session.scalars(select(Appointment).where(Appointment.case_id.is_(None))))
        body = build_calendar(db.session, appointments, language="fr", link=lambda _a: "https://x/a").decode()
        assert "Parentalité positive" in body
        assert "Secret" not in body and "Groupe du mardi" not in body


def test_a_person_known_from_a_visible_case_is_linked_not_copied(app, world, cases, login_as):
    """Mediator A1 leads the case of "فاطمة الزهراء بناني", born 1988-04-02: enrolled with that name and
    birth date, the participant is that person. Mediator A2, who may not see that case, records a new
    group-only participant instead (docs/domain.md, DOM123)."""
    known = {**ENROL, "full_name": "فاطمة الزهراء بناني", "birth_date": "02/04/1988", "sex": "female"}
    mine = make_group(app, world.association_a, facilitator="mediator.a1", name="A1")
    theirs = make_group(app, world.association_a, facilitator="mediator.a2", name="A2")
    assert login_as("mediator_a1").post(f"/groups/{mine}/enrol", data=known).status_code == 302
    assert login_as("mediator_a2").post(f"/groups/{theirs}/enrol", data=known).status_code == 302
    with app.test_request_context():
        rows = {row.group_id: row.participant for row in db.session.scalars(select(Enrolment))}
        linked = rows[group_of(mine).id]
        alone = rows[group_of(theirs).id]
        assert linked.person_id is not None and linked.full_name is None and linked.phone is None
        assert alone.person_id is None and alone.full_name == "فاطمة الزهراء بناني"
