"""Builders of the groups tests and matrix rows (call them outside any app context)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment, AppointmentStaff, Room
from mediation.cases.codes import AgeBand, PreferredLanguage, SessionType, Sex
from mediation.core import clock
from mediation.extensions import db
from mediation.groups.codes import ProgrammeTarget
from mediation.groups.models import (
    Attendance,
    Enrolment,
    GroupFacilitator,
    GroupParticipant,
    GroupSession,
    ParentingGroup,
    Programme,
)


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def make_group(app, association_id: int, *, facilitator: str = "mediator.a1", planned: int = 12,
               finished_on: date | None = None, name: str = "Groupe du mardi") -> str:
    """A programme, a room and a group of `planned` sessions run by `facilitator`; the group's public id."""
    with app.app_context():
        point = db.session.scalar(select(ServicePoint).where(ServicePoint.association_id == association_id))
        room = Room(service_point_id=point.id, association_id=association_id, name=f"Salle {name}")
        programme = Programme(association_id=association_id, name=f"Programme {name}", planned_sessions=planned,
                              target=ProgrammeTarget.PARENTS_YOUNG_CHILDREN)
        db.session.add_all([room, programme])
        db.session.flush()
        user = staff(facilitator)
        group = ParentingGroup(association_id=association_id, service_point_id=point.id, programme=programme,
                               name=name, start_on=clock.today(), planned_sessions=planned, room_id=room.id,
                               language=PreferredLanguage.AR, capacity=60, created_by_id=user.id,
                               finished_on=finished_on, facilitators=[GroupFacilitator(user_id=user.id)])
        db.session.add(group)
        db.session.commit()
        return str(group.public_id)


def group_of(public_id: str) -> ParentingGroup:
    return db.session.scalar(select(ParentingGroup).where(ParentingGroup.public_id == uuid.UUID(str(public_id))))


def book_group_session(group: ParentingGroup, number: int, start) -> GroupSession:
    """Session `number` of `group`, a two-hour appointment from `start` in the group's room with its
    facilitators, scheduled (inside an application context; flushed, not committed)."""
    appointment = Appointment(
        association_id=group.association_id, service_point_id=group.service_point_id, case_id=None,
        intake_label=group.name, session_type=SessionType.POSITIVE_PARENTING, mode=SessionMode.IN_PERSON,
        room_id=group.room_id, start_local=start.strftime("%Y-%m-%dT%H:%M"), time_zone="Africa/Casablanca",
        start_utc=start, end_utc=start + timedelta(hours=2), duration_min=120,
        status=AppointmentStatus.SCHEDULED, created_by_id=group.created_by_id,
        staff=[AppointmentStaff(user_id=user_id) for user_id in group.facilitator_ids])
    db.session.add(appointment)
    db.session.flush()
    row = GroupSession(group_id=group.id, number=number, appointment_id=appointment.id)
    db.session.add(row)
    db.session.flush()
    return row


def add_past_sessions(app, group_id: str, count: int, *, first_start=None) -> list[str]:
    """`count` weekly sessions, by default in the past weeks (appointments scheduled, attendance not recorded
    yet); from `first_start` when given."""
    with app.app_context():
        group = group_of(group_id)
        ids = []
        for number in range(1, count + 1):
            start = (clock.now() - timedelta(days=7 * (count - number + 1)) if first_start is None
                     else first_start + timedelta(days=7 * (number - 1)))
            ids.append(str(book_group_session(group, number, start).public_id))
        db.session.commit()
        return ids


def enrol_directly(app, group_id: str, count: int, *, prefix: str = "Parent") -> list[str]:
    """`count` group-only participants enrolled in the group; their enrolments' public ids."""
    with app.app_context():
        group = group_of(group_id)
        ids = []
        for index in range(count):
            participant = GroupParticipant(association_id=group.association_id, full_name=f"{prefix} {index}",
                                           sex=Sex.FEMALE, age_band=AgeBand.B25_34, consent_data_processing=True,
                                           created_by_id=group.created_by_id)
            enrolment = Enrolment(group_id=group.id, participant=participant, enrolled_on=clock.today(),
                                  sex=Sex.FEMALE, age_band=AgeBand.B25_34)
            db.session.add(enrolment)
            db.session.flush()
            ids.append(str(enrolment.public_id))
        db.session.commit()
        return ids


def mark(app, group_id: str, session_numbers, enrolment_id: str) -> None:
    """Present at these sessions (recorded as held), directly."""
    with app.app_context():
        group = group_of(group_id)
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.public_id == uuid.UUID(str(enrolment_id))))
        for row in db.session.scalars(select(GroupSession).where(GroupSession.group_id == group.id)):
            row.attendance_recorded_at = clock.now()
            db.session.add(Attendance(session_id=row.id, enrolment_id=enrolment.id,
                                      present=row.number in set(session_numbers)))
        db.session.commit()
