"""A whole cycle through the pages: the coordinator plans it, the facilitator books twelve sessions,
enrols, marks attendance after each session, and the statuses follow (docs/domain.md, DOM120-DOM125)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mediation.accounts.models import ServicePoint
from mediation.appointments.models import Room
from mediation.extensions import db
from mediation.groups import queries
from mediation.groups.codes import EnrolmentStatus, GroupStatus
from mediation.groups.models import Enrolment, GroupSession, ParentingGroup, Programme


def test_a_twelve_session_cycle_from_enrolment_to_completion(app, world, login_as, frozen_clock):
    with app.app_context():
        point = db.session.scalar(select(ServicePoint).where(ServicePoint.association_id == world.association_a))
        room = Room(service_point_id=point.id, association_id=world.association_a, name="Salle familles")
        db.session.add(room)
        db.session.commit()
        room_id, point_id = str(room.public_id), str(point.public_id)
    coordinator = login_as("supervisor_a")
    assert coordinator.post("/groups/programmes", data={"name": "Cycle 0-6", "planned_sessions": "12",
                                                        "target": "parents_young_children"}).status_code == 302
    with app.app_context():
        programme_id = str(db.session.scalar(select(Programme.public_id)))
    start = frozen_clock.now() + timedelta(days=7)
    response = coordinator.post("/groups/new", data={
        "programme_id": programme_id, "name": "Mardi matin", "service_point_id": point_id, "room_id": room_id,
        "start_on": start.date().isoformat(), "language": "ary", "capacity": "12",
        "facilitator_ids": [world.user_ids["mediator_a1"]]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        group_id = str(db.session.scalar(select(ParentingGroup.public_id)))
    facilitator = login_as("mediator_a1")
    for index, (name, sex) in enumerate((("Amina Tazi", "female"), ("Said Amrani", "male"),
                                         ("Naima Fassi", "female"))):
        assert facilitator.post(f"/groups/{group_id}/enrol", data={
            "full_name": name, "sex": sex, "age_band": "25_34", "phone": f"06000000{index:02d}",
            "consent_data_processing": "y"}).status_code == 302
    for week in range(12):
        day = (start + timedelta(days=7 * week)).date().isoformat()
        assert facilitator.post(f"/groups/{group_id}/sessions",
                                data={"day": day, "start": "10:00", "end": "12:00"}).status_code == 302
    assert facilitator.post(f"/groups/{group_id}/sessions", data={
        "day": (start + timedelta(days=7 * 12)).date().isoformat(), "start": "10:00", "end": "12:00"}
    ).status_code == 422  # every planned session is booked
    with app.app_context():
        enrolments = {row.participant.full_name: str(row.public_id) for row in db.session.scalars(select(Enrolment))}
        sessions = [(row.number, str(row.public_id), row.appointment.start_utc) for row in
                    db.session.scalars(select(GroupSession).order_by(GroupSession.number))]
    # Amina comes to all twelve, Said to nine (75 %), Naima to the first two and the last six (8: 66.7 %).
    for number, session_id, starts in sessions:
        frozen_clock.set(starts + timedelta(hours=1))
        facilitator = login_as("mediator_a1")  # a week later: a new login
        present = [enrolments["Amina Tazi"]]
        if number <= 9:
            present.append(enrolments["Said Amrani"])
        if number <= 2 or number > 6:
            present.append(enrolments["Naima Fassi"])
        response = facilitator.post(f"/groups/{group_id}/sessions/{session_id}/attendance", data={"present": present})
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/groups/{group_id}")
    with app.test_request_context():
        group = db.session.scalar(select(ParentingGroup))
        statuses = {row.enrolment.participant.full_name: row.status
                    for row in queries.enrolment_rows(db.session, group)}
        assert statuses == {"Amina Tazi": EnrolmentStatus.COMPLETED, "Said Amrani": EnrolmentStatus.COMPLETED,
                            "Naima Fassi": EnrolmentStatus.TOOK_PART}
        assert queries.group_list(db.session, db.session.merge(group.facilitators[0].user))[0].status \
            is GroupStatus.RUNNING
    assert facilitator.post(f"/groups/{group_id}/finish").status_code == 302
    page = login_as("supervisor_a").get(f"/groups/{group_id}").get_data(as_text=True)
    assert 'data-group-status="finished"' in page
