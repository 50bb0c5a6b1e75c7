"""Rooms and appointments on top of the `cases` world, shared by the appointment tests.

Times are planned from the next working Monday at least 7 days away, so every
appointment is in the future and the week is a full office week.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.appointments.models import Appointment, Room
from mediation.appointments.services.booking import AppointmentData, book
from mediation.cases.models import Case, Participant
from mediation.core import clock
from mediation.extensions import db


def next_monday(after_days: int = 7) -> date:
    day = clock.today() + timedelta(days=after_days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


@dataclass
class AppointmentWorld:
    monday: date
    # "A1", "A2" (association A), "B1" (association B) -> room public id
    rooms: dict[str, str]
    # "own" (mediator A1, own case, room A1, Monday 10:00-11:00), "colleague" (mediator A2, Monday 10:00-11:00,
    # room A2), "other" (mediator B1, association B), "intake" (mediator A1, no case, Tuesday 09:00, by phone)
    appointments: dict[str, str] = field(default_factory=dict)


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def add_room(association_id: int, name: str) -> Room:
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.association_id == association_id))
    room = Room(service_point_id=point.id, association_id=association_id, name=name)
    db.session.add(room)
    db.session.flush()
    return room


def case_of(public_id: str) -> Case:
    return db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(str(public_id))))


def requesting_party(case: Case) -> Participant:
    return db.session.scalar(select(Participant).where(Participant.case_id == case.id,
                                                       Participant.is_requesting_party.is_(True)))


def data(day: date, start: str, end: str, staff_ids, *, room=None, mode="in_person", session_type="individual",
         participants=(), label=None) -> AppointmentData:
    return AppointmentData(session_type=session_type, mode=mode, day=day, start=time.fromisoformat(start),
                           end=time.fromisoformat(end), staff_ids=tuple(staff_ids), participant_ids=tuple(participants),
                           room_id=room, intake_label=label)


def build_appointments(app, world) -> AppointmentWorld:
    with app.app_context():
        rooms = {"A1": add_room(world.association_a, "Salle 1"), "A2": add_room(world.association_a, "قاعة 2"),
                 "B1": add_room(world.association_b, "Salle B")}
        monday = next_monday()
        result = AppointmentWorld(monday, {key: str(room.public_id) for key, room in rooms.items()})
        plans = (
            ("own", "mediator.a1", world.cases.own, "A1", monday),
            ("colleague", "mediator.a2", world.cases.colleague, "A2", monday),
            ("other", "mediator.b1", world.cases.other, "B1", monday),
        )
        for key, username, case_id, room_key, day in plans:
            actor, case = staff(username), case_of(case_id)
            appointment = book(db.session, data(day, "10:00", "11:00", [actor.public_id],
                                                room=rooms[room_key].public_id,
                                                participants=[requesting_party(case).public_id]),
                               actor=actor, case=case)
            result.appointments[key] = str(appointment.public_id)
        a1 = staff("mediator.a1")
        intake = book(db.session, data(monday + timedelta(days=1), "09:00", "09:45", [a1.public_id], mode="phone",
                                       label="Première visite, Mme H."), actor=a1)
        result.appointments["intake"] = str(intake.public_id)
        db.session.commit()
        return result


def appointment_by_public_id(public_id: str) -> Appointment:
    return db.session.scalar(select(Appointment).where(Appointment.public_id == uuid.UUID(str(public_id))))


def appointment_world(world) -> AppointmentWorld:
    """The appointments of a test world, built on first use (matrix rows build them lazily)."""
    if world.appointments is None:
        world.appointments = build_appointments(world.app, world)
    return world.appointments
