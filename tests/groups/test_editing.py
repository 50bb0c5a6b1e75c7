"""Correcting and deactivating programmes, editing and cancelling groups (docs/domain.md, DOM134-DOM136)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment, AppointmentStaff, Room
from mediation.appointments.services import reminders
from mediation.cases.codes import SessionType
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from mediation.groups import queries
from mediation.groups.codes import GroupStatus
from mediation.groups.models import Enrolment, ParentingGroup, Programme
from mediation.groups.reminders import KIND
from mediation.outbox.models import OutboxMessage
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)
from tests.groups.support import (
    add_past_sessions,
    book_group_session,
    enrol_directly,
    group_of,
    make_group,
    mark,
    staff,
)


def _programme_id(app, group_id: str) -> str:
    with app.app_context():
        return str(group_of(group_id).programme.public_id)


def _programme(app, programme_id: str) -> Programme:
    return db.session.scalar(select(Programme).where(Programme.public_id == uuid.UUID(programme_id)))


def _edit_data(app, group_id: str, **changes) -> dict:
    """The group's current values as its edit form sends them, with `changes`."""
    with app.app_context():
        group = group_of(group_id)
        data = {"room_id": str(group.room.public_id), "start_on": group.start_on.isoformat(),
                "planned_sessions": str(group.planned_sessions), "language": group.language.value,
                "capacity": str(group.capacity),
                "facilitator_ids": [str(row.user.public_id) for row in group.facilitators],
                "version": str(group.version_id)}
    return {**data, **changes}


def test_a_programme_is_corrected_and_a_stale_edit_gets_409(app, world, login_as):
    group_id = make_group(app, world.association_a, name="Mardi", planned=12)
    programme_id = _programme_id(app, group_id)
    client = login_as("supervisor_a")
    url = f"/groups/programmes/{programme_id}/edit"
    assert client.get(url).status_code == 200
    with app.app_context():
        version = _programme(app, programme_id).version_id
    data = {"name": "Parentalité positive 0-6 ans", "planned_sessions": "10", "target": "couples",
            "framework": "Référentiel national", "version": str(version)}
    assert client.post(url, data=data).status_code == 302
    stale = client.post(url, data={**data, "name": "Autre nom"})
    assert stale.status_code == 409
    assert "Autre nom" in stale.get_data(as_text=True)  # the user's input is kept
    with app.app_context():
        programme = _programme(app, programme_id)
        assert (programme.name, programme.planned_sessions, programme.target.value) == (
            "Parentalité positive 0-6 ans", 10, "couples")
        # The group keeps the number of sessions it was given.
        assert group_of(group_id).planned_sessions == 12
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "parenting_programme")))
        assert events and all("Parentalité" not in (event.entity_id or "") for event in events)


def test_a_programme_name_stays_unique_in_its_association(app, world, login_as):
    first = _programme_id(app, make_group(app, world.association_a, name="Un"))
    make_group(app, world.association_a, name="Deux")
    response = login_as("supervisor_a").post(f"/groups/programmes/{first}/edit", data={
        "name": "Programme Deux", "planned_sessions": "12", "target": "couples"})
    assert response.status_code == 422
    assert "already has a programme of this name" in response.get_data(as_text=True)
    with app.app_context():
        assert _programme(app, first).name == "Programme Un"


def test_a_deactivated_programme_leaves_the_new_group_form_and_keeps_its_groups(app, world, login_as):
    group_id = make_group(app, world.association_a, name="Ancien cycle")
    programme_id = _programme_id(app, group_id)
    client = login_as("supervisor_a")
    assert programme_id in client.get("/groups/new").get_data(as_text=True)
    assert client.post(f"/groups/programmes/{programme_id}/active", data={"active": "0"}).status_code == 302
    assert programme_id not in client.get("/groups/new").get_data(as_text=True)
    # Its groups are still listed and shown, with the programme's name.
    assert "Ancien cycle" in client.get("/groups/").get_data(as_text=True)
    assert "Programme Ancien cycle" in client.get(f"/groups/{group_id}").get_data(as_text=True)
    assert 'data-programme-active="no"' in client.get("/groups/programmes").get_data(as_text=True)
    # A group can no longer be created with it, even by a forged form.
    with app.app_context():
        group = group_of(group_id)
        forged = {"programme_id": programme_id, "name": "Forgé", "service_point_id": str(group.service_point.public_id),
                  "room_id": str(group.room.public_id), "start_on": clock.today().isoformat(), "language": "ar",
                  "capacity": "10", "facilitator_ids": [str(staff("mediator.a1").public_id)]}
    assert client.post("/groups/new", data=forged).status_code == 422
    assert client.post(f"/groups/programmes/{programme_id}/active", data={"active": "1"}).status_code == 302
    assert programme_id in client.get("/groups/new").get_data(as_text=True)
    assert client.post("/groups/new", data=forged).status_code == 302


def test_another_associations_programme_is_404(app, world, login_as):
    theirs = _programme_id(app, make_group(app, world.association_b, facilitator="mediator.b1", name="B"))
    client = login_as("supervisor_a")
    assert client.get(f"/groups/programmes/{theirs}/edit").status_code == 404
    assert client.post(f"/groups/programmes/{theirs}/active", data={"active": "0"}).status_code == 404
    with app.app_context():
        assert _programme(app, theirs).active is True


def test_capacity_and_planned_sessions_at_their_boundaries(app, world, login_as):
    group_id = make_group(app, world.association_a, planned=12)
    add_past_sessions(app, group_id, 4)  # sessions 1-4 booked (in the past, not recorded yet)
    enrolments = enrol_directly(app, group_id, 5)
    mark(app, group_id, [1], enrolments[0])
    client = login_as("supervisor_a")
    url = f"/groups/{group_id}/edit"
    below = client.post(url, data=_edit_data(app, group_id, capacity="4"))
    assert below.status_code == 422 and "5" in below.get_data(as_text=True)
    below = client.post(url, data=_edit_data(app, group_id, planned_sessions="3"))
    assert below.status_code == 422
    with app.app_context():
        assert (group_of(group_id).capacity, group_of(group_id).planned_sessions) == (60, 12)
    assert client.post(url, data=_edit_data(app, group_id, capacity="5", planned_sessions="4")).status_code == 302
    with app.app_context():
        assert (group_of(group_id).capacity, group_of(group_id).planned_sessions) == (5, 4)
    # A drop-out frees a place: the capacity follows the active enrolments only.
    with app.app_context():
        row = db.session.scalar(select(Enrolment).where(Enrolment.public_id == uuid.UUID(enrolments[4])))
        row.dropped_out_on = clock.today()
        db.session.commit()
    assert client.post(url, data=_edit_data(app, group_id, capacity="4")).status_code == 302


def test_a_stale_group_edit_gets_409_and_nothing_is_overwritten(app, world, login_as):
    group_id = make_group(app, world.association_a)
    client = login_as("supervisor_a")
    data = _edit_data(app, group_id)
    assert client.post(f"/groups/{group_id}/edit", data={**data, "capacity": "20"}).status_code == 302
    stale = client.post(f"/groups/{group_id}/edit", data={**data, "capacity": "30"})
    assert stale.status_code == 409
    with app.app_context():
        assert group_of(group_id).capacity == 20


def test_a_finished_group_cannot_be_edited_and_a_facilitator_may_not_edit(app, world, login_as):
    finished = make_group(app, world.association_a, name="Fini", finished_on=clock.today())
    running = make_group(app, world.association_a, name="En cours")
    assert login_as("supervisor_a").get(f"/groups/{finished}/edit").status_code == 403
    assert login_as("supervisor_a").post(f"/groups/{finished}/edit", data=_edit_data(app, finished)).status_code == 403
    assert login_as("mediator_a1").post(f"/groups/{running}/edit",
                                        data=_edit_data(app, running, capacity="5")).status_code == 403
    assert login_as("supervisor_b").get(f"/groups/{running}/edit").status_code == 404
    with app.app_context():
        assert group_of(running).capacity == 60


def _busy(app, association_id: int, username: str, start, *, room_id=None) -> None:
    """An intake meeting held by `username` at `start` (two hours)."""
    with app.app_context():
        user = staff(username)
        point_id = group_of_any(association_id).service_point_id
        db.session.add(Appointment(
            association_id=association_id, service_point_id=point_id, case_id=None, intake_label="Accueil",
            session_type=SessionType.INDIVIDUAL, mode=SessionMode.IN_PERSON, room_id=room_id,
            start_local=start.strftime("%Y-%m-%dT%H:%M"), time_zone="Africa/Casablanca", start_utc=start,
            end_utc=start + timedelta(hours=2), duration_min=120, status=AppointmentStatus.SCHEDULED,
            created_by_id=user.id, staff=[AppointmentStaff(user_id=user.id)]))
        db.session.commit()


def group_of_any(association_id: int) -> ParentingGroup:
    return db.session.scalar(select(ParentingGroup).where(ParentingGroup.association_id == association_id)
                             .order_by(ParentingGroup.id))


def test_a_new_facilitator_already_busy_at_a_session_to_come_is_refused(app, world, login_as):
    """DOM135: the sessions to come move through the appointments' rescheduling, whose double-booking rule
    (DOM42) refuses a facilitator who already has an appointment then; nothing changes."""
    group_id = make_group(app, world.association_a)
    start = (clock.now() + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    session_id = add_past_sessions(app, group_id, 1, first_start=start)[0]
    _busy(app, world.association_a, "mediator.a2", start + timedelta(hours=1))
    client = login_as("supervisor_a")
    with app.app_context():
        a1, a2 = str(staff("mediator.a1").public_id), str(staff("mediator.a2").public_id)
    refused = client.post(f"/groups/{group_id}/edit", data=_edit_data(app, group_id, facilitator_ids=[a1, a2]))
    assert refused.status_code == 409
    assert "session 1" in refused.get_data(as_text=True)
    with app.app_context():
        group = group_of(group_id)
        assert [row.user.username for row in group.facilitators] == ["mediator.a1"]
        appointment = queries.load_session(db.session, group, uuid.UUID(session_id)).appointment
        assert [row.user_id for row in appointment.staff] == [staff("mediator.a1").id]
    # A facilitator free then: the group and its session to come change together.
    with app.app_context():
        for busy in db.session.scalars(select(Appointment).where(Appointment.session_type == SessionType.INDIVIDUAL)):
            busy.status = AppointmentStatus.CANCELLED_BY_SERVICE
        db.session.commit()
    moved = client.post(f"/groups/{group_id}/edit", data=_edit_data(app, group_id, facilitator_ids=[a2]))
    assert moved.status_code == 302, moved.get_data(as_text=True)
    with app.app_context():
        group = group_of(group_id)
        assert [row.user.username for row in group.facilitators] == ["mediator.a2"]
        appointment = queries.load_session(db.session, group, uuid.UUID(session_id)).appointment
        assert [row.user_id for row in appointment.staff] == [staff("mediator.a2").id]


def test_a_new_room_moves_the_sessions_to_come_not_the_past_ones(app, world, login_as):
    group_id = make_group(app, world.association_a)
    past = add_past_sessions(app, group_id, 1)[0]
    with app.app_context():
        group = group_of(group_id)
        old_room = group.room_id
        room = Room(service_point_id=group.service_point_id, association_id=group.association_id, name="Salle neuve")
        db.session.add(room)
        db.session.commit()
        room_id, room_key = str(room.public_id), room.id
    start = (clock.now() + timedelta(days=4)).replace(hour=14, minute=0, second=0, microsecond=0)
    with app.app_context():
        # Session 2, in the future, booked directly with the group's room and facilitator.
        future_id = book_group_session(group_of(group_id), 2, start).appointment_id
        db.session.commit()
    response = login_as("supervisor_a").post(f"/groups/{group_id}/edit", data=_edit_data(app, group_id,
                                                                                       room_id=room_id))
    assert response.status_code == 302
    with app.app_context():
        group = group_of(group_id)
        assert group.room_id == room_key
        assert db.session.get(Appointment, future_id).room_id == room_key
        held = queries.load_session(db.session, group, uuid.UUID(past)).appointment
        assert held.room_id == old_room


def test_a_cancelled_group_withdraws_its_reminders_and_takes_nothing_more(app, world, login_as):
    group_id = make_group(app, world.association_a, name="Groupe annulé")
    tomorrow = clock.now() + timedelta(days=1)
    session_id = add_past_sessions(app, group_id, 1, first_start=tomorrow)[0]
    enrolment_id = enrol_directly(app, group_id, 1, prefix="Naima")[0]
    with app.app_context():
        row = db.session.scalar(select(Enrolment).where(Enrolment.public_id == uuid.UUID(enrolment_id)))
        row.participant.consent_contact = True
        row.participant.email = "naima@example.org"
        db.session.commit()
    with app.test_request_context():
        reminders.queue_reminders(db.session, now=clock.now())
        db.session.commit()
    client = login_as("supervisor_a")
    refused = client.post(f"/groups/{group_id}/cancel", data={"reason": ""})
    assert refused.status_code == 422
    assert client.post(f"/groups/{group_id}/cancel", data={"reason": "Trop peu d'inscrits"}).status_code == 302
    with app.test_request_context():
        group = group_of(group_id)
        assert group.cancelled_on == clock.today()
        assert queries.group_status(group, 0) is GroupStatus.CANCELLED
        group_session = queries.load_session(db.session, group, uuid.UUID(session_id))
        assert group_session.appointment.status is AppointmentStatus.CANCELLED_BY_SERVICE
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == KIND))
        assert message is not None and not reminders.still_wanted(db.session, message, clock.now())
        reminders.queue_reminders(db.session, now=clock.now())
        assert db.session.query(OutboxMessage).filter(OutboxMessage.kind == KIND).count() == 1
    page = client.get(f"/groups/{group_id}").get_data(as_text=True)
    assert 'data-group-status="cancelled"' in page
    # Kept, but closed: no edit, no enrolment, no session.
    assert client.get(f"/groups/{group_id}/edit").status_code == 403
    assert client.get(f"/groups/{group_id}/enrol").status_code == 403
    assert "Groupe annulé" in client.get("/groups/").get_data(as_text=True)


def test_a_started_group_cannot_be_cancelled(app, world, login_as):
    group_id = make_group(app, world.association_a)
    add_past_sessions(app, group_id, 1)
    enrolment = enrol_directly(app, group_id, 1)[0]
    mark(app, group_id, [1], enrolment)  # session 1 held: the group is running
    response = login_as("supervisor_a").post(f"/groups/{group_id}/cancel", data={"reason": "Erreur"})
    assert response.status_code == 422
    with app.app_context():
        assert group_of(group_id).cancelled_on is None


def test_the_participants_of_a_cancelled_group_follow_the_retention_of_finished_ones(app, world):
    """DOM127, DOM136: a group cancelled long ago no longer keeps its group-only participants."""
    from mediation.groups.models import GroupParticipant
    from mediation.retention.policy import RetentionPolicy
    from mediation.retention.services import purge_expired_records

    long_ago = make_group(app, world.association_a, name="Annulé jadis")
    lately = make_group(app, world.association_a, name="Annulé récemment")
    gone = enrol_directly(app, long_ago, 1, prefix="Jadis")[0]
    kept = enrol_directly(app, lately, 1, prefix="Récemment")[0]
    with app.test_request_context():
        group_of(long_ago).cancelled_on = clock.today() - timedelta(days=800)
        group_of(lately).cancelled_on = clock.today() - timedelta(days=30)
        db.session.flush()
        db.session.execute(GroupParticipant.__table__.update().values(created_at=clock.now() - timedelta(days=900)))
        policy = RetentionPolicy(closed_case_months=60, intake_appointment_months=12, outbox_days=90,
                                 reset_token_days=30, login_failure_days=30, group_participant_months=24)
        assert purge_expired_records(db.session, policy, now=clock.now()).group_participants == 1
        rows = {str(row.public_id): row for row in db.session.scalars(select(Enrolment))}
        assert rows[gone].participant_id is None and rows[kept].participant_id is not None
