"""Writes of the groups: programmes, groups and their sessions (docs/domain.md, DOM120-DOM122, DOM134-DOM136);
enrolment and attendance are in participation.py. Every function flushes and audits, never commits; the
route commits once.

A group session is booked through the appointments' own booking (DOM122): the same checks, the same
locks on the staff and room rows, the same overlap read, so that a facilitator is never in a group
session and a case appointment at once, even when both are booked at the same instant.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.appointments.codes import SessionMode
from mediation.appointments.services import status as appointment_status
from mediation.appointments.services.booking import (
    AppointmentData,
    DoubleBooking,
    book,
    local_start_parts,
    reschedule,
)
from mediation.cases.codes import PreferredLanguage, SessionType
from mediation.core import clock
from mediation.core.audit import AuditAction
from mediation.core.codes import parse_code
from mediation.core.errors import Conflict, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text
from mediation.groups import policies, queries
from mediation.groups.codes import ProgrammeTarget
from mediation.groups.models import (
    GroupFacilitator,
    GroupSession,
    ParentingGroup,
    Programme,
)
from mediation.groups.rules import (
    FRAMEWORK_MAX,
    MAX_CAPACITY,
    MAX_PLANNED_SESSIONS,
    NAME_MAX,
)
from mediation.groups.services.shared import GroupPermissionDenied, audit_row, lock_group, whole_number

# Programmes (DOM120)


@dataclass(frozen=True)
class ProgrammeData:
    name: str | None
    planned_sessions: int | None
    target: str | None
    framework: str | None = None


def _programme_fields(data: ProgrammeData) -> tuple[str, int, ProgrammeTarget, str | None]:
    name = bounded_text(data.name, "name", NAME_MAX, required=True)
    planned = whole_number(data.planned_sessions, "planned_sessions", 1, MAX_PLANNED_SESSIONS,
                     _l("Give a number of sessions from 1 to 52."))
    target = parse_code(ProgrammeTarget, data.target, _l("Choose whom the programme is for."), "target")
    framework = bounded_text(data.framework, "framework", FRAMEWORK_MAX)
    return name, planned, target, framework


def create_programme(session: Session, data: ProgrammeData, *, actor: StaffUser) -> Programme:
    if not policies.can_plan(actor):
        raise GroupPermissionDenied()
    name, planned, target, framework = _programme_fields(data)
    if session.scalar(select(Programme.id).where(Programme.association_id == actor.association_id,
                                                 Programme.name == name)) is not None:
        raise Conflict(_l("Your association already has a programme of this name."), field="name")
    programme = Programme(association_id=actor.association_id, name=name, planned_sessions=planned,
                          target=target, framework=framework)
    session.add(programme)
    session.flush()
    audit_row(session, AuditAction.CREATE, "parenting_programme", programme, programme.association_id)
    return programme


STALE_PROGRAMME = _l("Someone else changed this programme while you were editing it. Nothing was overwritten: "
                     "check the current version and try again.")
STALE_GROUP = _l("Someone else changed this group while you were editing it. Nothing was overwritten: "
                 "check the current version and try again.")


def update_programme(session: Session, programme: Programme, data: ProgrammeData, *, actor: StaffUser,
                     version: int | None) -> Programme:
    """Correct a programme's name, planned sessions, target or framework (DOM134). Its groups keep the number
    of sessions they were given: the planned number is copied into a group when it is created."""
    if not policies.can_edit_programme(actor, programme):
        raise GroupPermissionDenied()
    if version is not None and version != programme.version_id:
        raise StaleRecord(STALE_PROGRAMME)
    name, planned, target, framework = _programme_fields(data)
    if session.scalar(select(Programme.id).where(Programme.association_id == programme.association_id,
                                                 Programme.name == name, Programme.id != programme.id)) is not None:
        raise Conflict(_l("Your association already has a programme of this name."), field="name")
    programme.name, programme.planned_sessions, programme.target, programme.framework = (name, planned, target,
                                                                                         framework)
    flush_versioned(session, STALE_PROGRAMME)
    audit_row(session, AuditAction.UPDATE, "parenting_programme", programme, programme.association_id)
    return programme


def set_programme_active(session: Session, programme: Programme, active: bool, *, actor: StaffUser) -> Programme:
    """Deactivate a programme no longer offered, or offer it again (DOM134): a deactivated programme is out of
    the new-group choice; its groups, their pages and the reports keep it."""
    if not policies.can_edit_programme(actor, programme):
        raise GroupPermissionDenied()
    if programme.active is not active:
        programme.active = active
        flush_versioned(session, STALE_PROGRAMME)
        audit_row(session, AuditAction.STATUS_CHANGE, "parenting_programme", programme, programme.association_id)
    return programme


# Groups (DOM121)


@dataclass(frozen=True)
class GroupData:
    programme_id: uuid.UUID | None
    name: str | None
    service_point_id: uuid.UUID | None
    room_id: uuid.UUID | None
    start_on: date | None
    planned_sessions: int | None
    language: str | None
    capacity: int | None
    facilitator_ids: tuple[uuid.UUID, ...] = ()


def create_group(session: Session, data: GroupData, *, actor: StaffUser) -> ParentingGroup:
    if not policies.can_plan(actor) or actor.association_id is None:
        raise GroupPermissionDenied()
    association_id = actor.association_id
    programme = next((row for row in queries.programmes(session, association_id, active_only=True)
                      if row.public_id == data.programme_id), None)
    if programme is None:
        raise ValidationFailed(_l("Choose a programme of your association."), field="programme_id")
    name = bounded_text(data.name, "name", NAME_MAX, required=True)
    point = next((row for row in queries.service_points(session, association_id)
                  if row.public_id == data.service_point_id), None)
    if point is None:
        raise ValidationFailed(_l("Choose a service point of your association."), field="service_point_id")
    room = _room_of(session, association_id, point.id, data.room_id)
    start_on = _start_on(data.start_on)
    planned = whole_number(data.planned_sessions if data.planned_sessions is not None else programme.planned_sessions,
                     "planned_sessions", 1, MAX_PLANNED_SESSIONS, _l("Give a number of sessions from 1 to 52."))
    capacity = whole_number(data.capacity, "capacity", 1, MAX_CAPACITY, _l("Give a capacity from 1 to 60."))
    language = parse_code(PreferredLanguage, data.language, _l("Choose the language of the group."), "language")
    chosen = _facilitators(session, association_id, data.facilitator_ids)
    group = ParentingGroup(association_id=association_id, service_point_id=point.id, programme=programme,
                           name=name, start_on=start_on, planned_sessions=planned, room_id=room.id,
                           language=language, capacity=capacity, created_by_id=actor.id,
                           facilitators=[GroupFacilitator(user_id=user.id) for user in
                                         sorted(chosen, key=lambda user: user.id)])
    session.add(group)
    session.flush()
    audit_row(session, AuditAction.CREATE, "parenting_group", group, association_id)
    return group


def _room_of(session: Session, association_id: int, service_point_id: int, room_id: uuid.UUID | None):
    room = next((row for row in queries.rooms(session, association_id) if row.public_id == room_id), None)
    if room is None or room.service_point_id != service_point_id:
        raise ValidationFailed(_l("Choose a room of this service point."), field="room_id")
    return room


def _start_on(value: date | None) -> date:
    if value is None:
        raise ValidationFailed(_l("Give the date of the first session."), field="start_on")
    if not clock.today() - timedelta(days=366) <= value <= clock.furthest_day():
        raise ValidationFailed(_l("Give a start date within a year back and two years ahead."), field="start_on")
    return value


def _facilitators(session: Session, association_id: int, public_ids: tuple[uuid.UUID, ...]) -> list[StaffUser]:
    by_id = {user.public_id: user for user in queries.staff(session, association_id)}
    wanted = list(dict.fromkeys(public_ids))
    chosen = [by_id[public_id] for public_id in wanted if public_id in by_id]
    if not chosen or len(chosen) != len(wanted):
        raise ValidationFailed(_l("Choose the facilitators among your association's active staff."),
                               field="facilitator_ids")
    return chosen


@dataclass(frozen=True)
class GroupUpdate:
    room_id: uuid.UUID | None
    start_on: date | None
    planned_sessions: int | None
    language: str | None
    capacity: int | None
    facilitator_ids: tuple[uuid.UUID, ...] = ()


def update_group(session: Session, group: ParentingGroup, data: GroupUpdate, *, actor: StaffUser,
                 version: int | None, now: datetime | None = None) -> ParentingGroup:
    """Change a group that is neither finished nor cancelled (DOM135): the capacity never below the active
    enrolments, the planned sessions never below the highest session booked or held. A new room or new
    facilitators move every session still to come through the appointments' own rescheduling, under its
    locks: a facilitator already busy at one of them refuses the whole change (DOM42, DOM122)."""
    if not policies.can_edit_group(actor, group):
        raise GroupPermissionDenied()
    if version is not None and version != group.version_id:
        raise StaleRecord(STALE_GROUP)
    lock_group(session, group)
    room = _room_of(session, group.association_id, group.service_point_id, data.room_id)
    start_on = _start_on(data.start_on)
    planned = whole_number(data.planned_sessions, "planned_sessions", 1, MAX_PLANNED_SESSIONS,
                     _l("Give a number of sessions from 1 to 52."))
    booked = queries.highest_live_number(session, group)
    if planned < booked:
        raise ValidationFailed(_("Session %(number)d is already booked or held: the number of planned sessions "
                                 "cannot be lower.", number=booked), field="planned_sessions")
    capacity = whole_number(data.capacity, "capacity", 1, MAX_CAPACITY, _l("Give a capacity from 1 to 60."))
    enrolled = queries.active_enrolment_count(session, group)
    if capacity < enrolled:
        raise ValidationFailed(_("Enrolled participants: %(count)d. The capacity cannot be lower.", count=enrolled),
                               field="capacity")
    language = parse_code(PreferredLanguage, data.language, _l("Choose the language of the group."), "language")
    chosen = sorted(_facilitators(session, group.association_id, data.facilitator_ids), key=lambda user: user.id)
    moved = room.id != group.room_id or [user.id for user in chosen] != sorted(group.facilitator_ids)
    if moved:
        _move_sessions_to_come(session, group, room, chosen, actor, now or clock.now())
        wanted = {user.id for user in chosen}
        group.facilitators = [row for row in group.facilitators if row.user_id in wanted] + [
            GroupFacilitator(user_id=user_id) for user_id in sorted(wanted - set(group.facilitator_ids))]
        group.room_id, group.room = room.id, room
    group.start_on, group.planned_sessions, group.capacity, group.language = start_on, planned, capacity, language
    flush_versioned(session, STALE_GROUP)
    audit_row(session, AuditAction.UPDATE, "parenting_group", group, group.association_id)
    return group


def _move_sessions_to_come(session: Session, group: ParentingGroup, room, staff: list[StaffUser],
                           actor: StaffUser, now: datetime) -> None:
    for group_session in queries.open_sessions(session, group):
        appointment = group_session.appointment
        if appointment.start_utc <= now:
            continue  # a past session keeps who was there; its attendance is recorded as it was
        day, start, end = local_start_parts(appointment)
        try:
            reschedule(session, appointment, AppointmentData(
                session_type=SessionType.POSITIVE_PARENTING.value, mode=SessionMode.IN_PERSON.value, day=day,
                start=start, end=end, staff_ids=tuple(user.public_id for user in staff), room_id=room.public_id,
                intake_label=group.name), actor=actor, now=now)
        except DoubleBooking as clash:
            field = "room_id" if clash.field == "room_id" else "facilitator_ids"
            message = (_("The room is already booked at the time of session %(number)d (%(day)s).",
                         number=group_session.number, day=format_date(day)) if field == "room_id" else
                       _("A chosen facilitator already has an appointment at the time of session %(number)d "
                         "(%(day)s).", number=group_session.number, day=format_date(day)))
            raise DoubleBooking(message, field=field) from None


def cancel_group(session: Session, group: ParentingGroup, *, reason: str | None, actor: StaffUser,
                 version: int | None = None, now: datetime | None = None) -> None:
    """Call off a group planned and never started (DOM136): it stays, cancelled, with its sessions cancelled,
    so that no participant is reminded of them any more."""
    if not policies.can_edit_group(actor, group):
        raise GroupPermissionDenied()
    if version is not None and version != group.version_id:
        raise StaleRecord(STALE_GROUP)
    if bounded_text(reason, "reason", 500) is None:
        raise ValidationFailed(_l("Give the reason for the cancellation."), field="reason")
    lock_group(session, group)
    if queries.held_count(session, group):
        raise ValidationFailed(_l("This group has started: declare it finished instead of cancelling it."),
                               field="reason")
    for group_session in queries.open_sessions(session, group):
        appointment_status.cancel(session, group_session.appointment, by_party=False, reason=reason, actor=actor,
                                  now=now)
        audit_row(session, AuditAction.STATUS_CHANGE, "parenting_group_session", group_session, group.association_id)
    group.cancelled_on = clock.today()
    flush_versioned(session, STALE_GROUP)
    audit_row(session, AuditAction.STATUS_CHANGE, "parenting_group", group, group.association_id)


def finish_group(session: Session, group: ParentingGroup, *, actor: StaffUser) -> None:
    """Declare the cycle over (DOM121): no more sessions, enrolments or attendance."""
    if not policies.can_finish(actor, group):
        raise GroupPermissionDenied()
    group.finished_on = clock.today()
    flush_versioned(session)
    audit_row(session, AuditAction.STATUS_CHANGE, "parenting_group", group, group.association_id)


# Sessions (DOM122)


def book_session(session: Session, group: ParentingGroup, *, day: date | None, start: time | None,
                 end: time | None, actor: StaffUser, now: datetime | None = None) -> GroupSession:
    """The next session of the cycle, in the group's room with its facilitators, booked as an appointment
    with every rule of the appointments' booking (DOM122)."""
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    if day is None or start is None or end is None:
        raise ValidationFailed(_l("Give the day, start and end of the session."), field="day")
    lock_group(session, group)
    number = queries.next_session_number(session, group)
    if number is None:
        raise ValidationFailed(_l("Every planned session of this group is already booked."), field="day")
    staff = sorted(group.facilitators, key=lambda row: row.user_id)
    appointment = book(session, AppointmentData(
        session_type=SessionType.POSITIVE_PARENTING.value, mode=SessionMode.IN_PERSON.value, day=day, start=start,
        end=end, staff_ids=tuple(row.user.public_id for row in staff),
        room_id=group.room.public_id if group.room is not None else None,
        # The group's name is what the calendars show: never a participant's (DOM122).
        intake_label=group.name,
    ), actor=actor, now=now)
    group_session = GroupSession(group_id=group.id, number=number, appointment_id=appointment.id,
                                 appointment=appointment)
    session.add(group_session)
    session.flush()
    audit_row(session, AuditAction.CREATE, "parenting_group_session", group_session, group.association_id)
    return group_session


def cancel_session(session: Session, group: ParentingGroup, group_session: GroupSession, *, reason: str | None,
                   actor: StaffUser) -> None:
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    if group_session.attendance_recorded_at is not None:
        raise ValidationFailed(_l("A session whose attendance is recorded cannot be cancelled."), field="reason")
    appointment_status.cancel(session, group_session.appointment, by_party=False, reason=reason, actor=actor)
    audit_row(session, AuditAction.STATUS_CHANGE, "parenting_group_session", group_session, group.association_id)
