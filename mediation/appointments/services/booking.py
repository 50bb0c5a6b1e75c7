"""Booking, rescheduling and the life of an appointment (docs/domain.md, DOM41-DOM45, 4).

No double-booking: before checking for overlaps, the booking locks the rows of
the staff members and the room it wants (SELECT ... FOR UPDATE on PostgreSQL;
SQLite serialises writers with BEGIN IMMEDIATE). A second booking of the same
slot waits for the first to commit, then sees it and is refused. Every
function flushes and never commits; the route commits once.

What the case's supervisor decision asks of the booking (parties kept apart,
staggered arrival, no joint meeting) is checked in adaptations.py; the reads
behind the booking form are in mediation/appointments/queries/booking.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.appointments.codes import BUSY, OPEN, AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment, AppointmentParty, AppointmentStaff, Room
from mediation.appointments.policies import can_manage
from mediation.appointments.queries.booking import association_staff, bookable_rooms
from mediation.appointments.rules import LABEL_MAX, LINK_MAX
from mediation.appointments.services.adaptations import (
    PartyTimes,
    case_adaptations,
    check_kept_apart,
    check_together,
    checked_door_times,
)
from mediation.appointments.services.convocations import queue_convocations
from mediation.cases.codes import Adaptation, SessionType
from mediation.cases.models import Case, Participant
from mediation.cases.queries import active_participants
from mediation.cases.services import gate, safety
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Role
from mediation.core.clock import local_parts, to_utc, zone_name
from mediation.core.codes import parse_code
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text

MAX_DURATION_MIN = 480
MIN_DURATION_MIN = 5


class AppointmentPermissionDenied(DomainError):
    message = _l("You may not change this appointment.")


# The refusal when someone saved first (docs/security.md, S31): StaleRecord, 409.
STALE_APPOINTMENT = _l(
    "Someone else changed this appointment while you were editing it. Nothing was overwritten: "
    "check the current version and try again.")


class DoubleBooking(DomainError):
    """A room, a staff member or a party is already booked then: a conflict with another record (409)."""

    message = _l("This time overlaps another appointment.")
    status = 409


class NotChangeable(DomainError):
    message = _l("This appointment can no longer be changed.")


@dataclass(frozen=True)
class AppointmentData:
    session_type: str
    mode: str
    day: date
    start: time
    end: time
    staff_ids: tuple[uuid.UUID, ...]
    participant_ids: tuple[uuid.UUID, ...] = ()
    room_id: uuid.UUID | None = None
    video_link: str | None = None
    intake_label: str | None = None
    party_times: tuple[PartyTimes, ...] = ()


@dataclass(frozen=True)
class _Checked:
    session_type: SessionType
    mode: SessionMode
    start_local: str
    start_utc: datetime
    end_utc: datetime
    duration_min: int
    staff: list[StaffUser]
    participants: list[Participant]
    room: Room | None
    video_link: str | None
    intake_label: str | None
    service_point_id: int
    # participant id -> (arrives, leaves) in UTC, for every invited adult party when staggered (DOM68).
    door_times: dict[int, tuple[datetime, datetime]]
    adaptations: frozenset[Adaptation]


# The double-booking rule's own read (the form's choices are in queries/booking.py), and local times


def overlapping(session: Session, *, start: datetime, end: datetime, staff_ids=(), room_id: int | None = None,
                exclude_id: int | None = None) -> list[Appointment]:
    """Busy appointments that share a staff member or the room with [start, end).

    The double-booking rule's own read, kept with it: it is right only under the locks that
    `_lock_and_check_free` takes first (docs/domain.md, DOM42)."""
    holders = exists().where(AppointmentStaff.appointment_id == Appointment.id,
                             AppointmentStaff.user_id.in_(list(staff_ids)))
    shares: list[ColumnElement[bool]] = [holders] if staff_ids else []
    if room_id is not None:
        shares.append(Appointment.room_id == room_id)
    if not shares:
        return []
    query = select(Appointment).where(
        Appointment.status.in_(BUSY), Appointment.start_utc < end, Appointment.end_utc > start, or_(*shares),
    )
    if exclude_id is not None:
        query = query.where(Appointment.id != exclude_id)
    return list(session.scalars(query.order_by(Appointment.start_utc)))


def local_start_parts(appointment: Appointment) -> tuple[date, time, time]:
    day, start = local_parts(appointment.start_utc)
    return day, start, local_parts(appointment.end_utc)[1]


# Checks


def _times(data: AppointmentData, now: datetime, *, new_time: bool) -> tuple[datetime, datetime, int]:
    if new_time:
        # Before any conversion to UTC, which overflows for a year such as 1 or 9999.
        today = clock.local_date(now)
        if data.day < today:
            raise ValidationFailed(_l("This time has already passed: choose a time to come."), field="start")
        furthest = clock.furthest_day(today)
        if data.day > furthest:
            # gettext at call time: a lazy string would be marked safe HTML with the formatted date in it.
            raise ValidationFailed(_("Choose a date no later than %(day)s: appointments are booked at most "
                                     "%(days)s days ahead.", day=format_date(furthest),
                                     days=format_decimal((furthest - today).days)), field="day")
    start = to_utc(data.day, data.start, field="start")
    end = to_utc(data.day, data.end, field="end")
    if end <= start:
        raise ValidationFailed(_l("The end must be after the start."), field="end")
    minutes = int((end - start).total_seconds() // 60)
    if minutes > MAX_DURATION_MIN:
        raise ValidationFailed(_l("An appointment lasts at most 8 hours."), field="end")
    if minutes < MIN_DURATION_MIN:
        raise ValidationFailed(_l("An appointment lasts at least 5 minutes."), field="end")
    if new_time and start < now:
        raise ValidationFailed(_l("This time has already passed: choose a time to come."), field="start")
    return start, end, minutes


def _staff(session: Session, association_id: int, data: AppointmentData, actor: StaffUser,
           case: Case | None) -> list[StaffUser]:
    if not data.staff_ids:
        raise ValidationFailed(_l("Choose at least one staff member."), field="staff_ids")
    by_id = {user.public_id: user for user in association_staff(session, association_id)}
    found = [by_id.get(public_id) for public_id in dict.fromkeys(data.staff_ids)]
    chosen = [user for user in found if user is not None]
    if len(chosen) != len(found):
        raise ValidationFailed(_l("Choose active staff members of your association."), field="staff_ids")
    if (case is None and actor.role == Role.MEDIATOR and actor not in chosen):
        raise ValidationFailed(_l("An intake meeting you book must include you."), field="staff_ids")
    return chosen


def _participants(session: Session, case: Case | None, data: AppointmentData) -> list[Participant]:
    if not data.participant_ids:
        return []
    if case is None:
        raise ValidationFailed(_l("Only the people of this case can be invited."), field="participant_ids")
    by_id = {participant.public_id: participant for participant in active_participants(session, case)}
    found = [by_id.get(public_id) for public_id in dict.fromkeys(data.participant_ids)]
    chosen = [participant for participant in found if participant is not None]
    if len(chosen) != len(found):
        raise ValidationFailed(_l("Only the people of this case can be invited."), field="participant_ids")
    return chosen


def _room(session: Session, association_id: int, mode: SessionMode, data: AppointmentData) -> Room | None:
    if mode is not SessionMode.IN_PERSON:
        if data.room_id is not None:
            raise ValidationFailed(_l("A room is booked only for a meeting in person."), field="room_id")
        return None
    if data.room_id is None:
        raise ValidationFailed(_l("Choose the room."), field="room_id")
    room = next((room for room in bookable_rooms(session, association_id) if room.public_id == data.room_id), None)
    if room is None:
        raise ValidationFailed(_l("Choose a room of your association."), field="room_id")
    return room


def _video_link(mode: SessionMode, value: str | None) -> str | None:
    link = bounded_text(value, "video_link", LINK_MAX)
    if mode is not SessionMode.VIDEO:
        return None
    if link is not None and not link.lower().startswith("https://"):
        raise ValidationFailed(_l("A video link starts with https://."), field="video_link")
    return link


def _service_point_id(session: Session, association_id: int, case: Case | None, room: Room | None) -> int:
    if room is not None:
        return room.service_point_id
    if case is not None:
        return case.service_point_id
    first = session.scalar(select(ServicePoint.id).where(ServicePoint.association_id == association_id,
                                                         ServicePoint.active.is_(True)).order_by(ServicePoint.id))
    if first is None:
        raise ValidationFailed(_l("Your association has no active service point."), field="room_id")
    return first


def _check_gate(session: Session, case: Case, kind: SessionType, participants: list[Participant]) -> None:
    """Mediation appointments pass the gate of docs/domain.md, DOM28 when booked (DOM29)."""
    problems = gate.mediation_gate(session, case, [p.id for p in participants], kind)
    if problems:
        raise ValidationFailed(problems[0].message, field="participant_ids")


def _check(session: Session, association_id: int, case: Case | None, data: AppointmentData, actor: StaffUser,
           now: datetime, *, new_time: bool) -> _Checked:
    kind = parse_code(SessionType, data.session_type, _l("Choose the type of meeting."), "session_type")
    mode = parse_code(SessionMode, data.mode, _l("Choose how the meeting takes place."), "mode")
    start, end, minutes = _times(data, now, new_time=new_time)
    staff = _staff(session, association_id, data, actor, case)
    participants = _participants(session, case, data)
    room = _room(session, association_id, mode, data)
    label = bounded_text(data.intake_label, "intake_label", LABEL_MAX) if case is None else None
    if case is None and label is None:
        raise ValidationFailed(_l("Say who the meeting is with, so colleagues recognise it."), field="intake_label")
    adaptations = case_adaptations(session, case)
    check_together(adaptations, kind, participants)
    if case is not None and kind in safety.GATED_SESSION_TYPES:
        _check_gate(session, case, kind, participants)
    return _Checked(
        session_type=kind, mode=mode, start_local=f"{data.day.isoformat()}T{data.start.strftime('%H:%M')}",
        start_utc=start, end_utc=end, duration_min=minutes, staff=staff, participants=participants, room=room,
        video_link=_video_link(mode, data.video_link), intake_label=label,
        service_point_id=_service_point_id(session, association_id, case, room),
        door_times=checked_door_times(data.day, data.party_times, adaptations, participants, start, end),
        adaptations=adaptations,
    )


def _lock_and_check_free(session: Session, checked: _Checked, exclude_id: int | None) -> None:
    """Lock the staff and room rows, then refuse any overlap (the lock makes check-then-insert safe)."""
    staff_ids = sorted(user.id for user in checked.staff)
    # Always the same order (staff by id, then the room): two bookings never wait on each other in a circle.
    session.execute(select(StaffUser.id).where(StaffUser.id.in_(staff_ids)).order_by(StaffUser.id)
                    .with_for_update())
    if checked.room is not None:
        session.execute(select(Room.id).where(Room.id == checked.room.id).with_for_update())
    clashes = overlapping(session, start=checked.start_utc, end=checked.end_utc, staff_ids=staff_ids,
                          room_id=checked.room.id if checked.room else None, exclude_id=exclude_id)
    if not clashes:
        return
    clash = clashes[0]
    if checked.room is not None and clash.room_id == checked.room.id:
        raise DoubleBooking(_l("The room is already booked at this time."), field="room_id")
    raise DoubleBooking(_l("A chosen staff member already has an appointment at this time."), field="staff_ids")


def _apply(appointment: Appointment, checked: _Checked) -> None:
    appointment.session_type = checked.session_type
    appointment.mode = checked.mode
    appointment.start_local = checked.start_local
    appointment.time_zone = zone_name()
    appointment.start_utc = checked.start_utc
    appointment.end_utc = checked.end_utc
    appointment.duration_min = checked.duration_min
    appointment.room = checked.room
    appointment.room_id = checked.room.id if checked.room else None
    appointment.video_link = checked.video_link
    appointment.intake_label = checked.intake_label
    appointment.service_point_id = checked.service_point_id
    wanted_staff = {user.id for user in checked.staff}
    appointment.staff = [row for row in appointment.staff if row.user_id in wanted_staff] + [
        AppointmentStaff(user_id=user_id) for user_id in sorted(wanted_staff - set(appointment.staff_ids))]
    wanted_parties = {participant.id for participant in checked.participants}
    appointment.parties = [row for row in appointment.parties if row.participant_id in wanted_parties] + [
        AppointmentParty(participant_id=pid) for pid in sorted(wanted_parties - set(appointment.participant_ids))]
    moved_at_door = False
    for row in appointment.parties:
        times = checked.door_times.get(row.participant_id, (None, None))
        if (row.arrives_at, row.leaves_at) != times:
            row.arrives_at, row.leaves_at = times
            moved_at_door = True
    if moved_at_door:
        # Only the invitations changed: a new version of the appointment all the same, so that calendars
        # see a new event (DTSTAMP, SEQUENCE) and a form opened before is refused as stale (S31).
        appointment.updated_at = clock.now()


def audit_appointment(session: Session, action: AuditAction, appointment: Appointment) -> None:
    record(session, action, entity="appointment", entity_id=appointment.public_id,
           association_id=appointment.association_id)


# Writes


def book(session: Session, data: AppointmentData, *, actor: StaffUser, case: Case | None = None,
         now: datetime | None = None) -> Appointment:
    """A new appointment for a case, or an intake meeting (case None) of the actor's association."""
    association_id = case.association_id if case is not None else actor.association_id
    if association_id is None:  # only an association's staff book (they alone hold APPOINTMENT_MANAGE)
        raise AppointmentPermissionDenied()
    if case is not None and not case.is_open:
        raise AppointmentPermissionDenied(_l("The case is closed: no new appointment can be booked."))
    checked = _check(session, association_id, case, data, actor, now or clock.now(), new_time=True)
    if case is not None:
        check_kept_apart(session, case, checked.participants, checked.start_utc, checked.end_utc,
                         checked.adaptations, None)
    _lock_and_check_free(session, checked, None)
    appointment = Appointment(association_id=association_id, case_id=case.id if case else None, case=case,
                              created_by_id=actor.id, status=AppointmentStatus.SCHEDULED)
    _apply(appointment, checked)
    session.add(appointment)
    session.flush()
    audit_appointment(session, AuditAction.CREATE, appointment)
    # In the same transaction, never failing it (docs/domain.md, DOM161).
    queue_convocations(session, appointment, now=now)
    return appointment


def require_open(appointment: Appointment, actor: StaffUser, version: int | None) -> None:
    if not can_manage(actor, appointment):
        raise AppointmentPermissionDenied()
    if appointment.status not in OPEN:
        raise NotChangeable()
    if version is not None and version != appointment.version_id:
        raise StaleRecord(STALE_APPOINTMENT)


def reschedule(session: Session, appointment: Appointment, data: AppointmentData, *, actor: StaffUser,
               version: int | None = None, now: datetime | None = None) -> Appointment:
    """Change the time, place, staff or parties of a planned appointment."""
    require_open(appointment, actor, version)
    now = now or clock.now()
    case = appointment.case
    moved = (data.day, data.start, data.end) != local_start_parts(appointment)
    checked = _check(session, appointment.association_id, case, data, actor, now, new_time=moved)
    if case is not None:
        check_kept_apart(session, case, checked.participants, checked.start_utc, checked.end_utc,
                         checked.adaptations, appointment.id)
    _lock_and_check_free(session, checked, appointment.id)
    _apply(appointment, checked)
    flush_versioned(session, STALE_APPOINTMENT)
    audit_appointment(session, AuditAction.UPDATE, appointment)
    # A new time (or a newly invited party) gets a new convocation; the same time none (DOM162).
    queue_convocations(session, appointment, now=now)
    return appointment
