"""Writes of the groups: programmes, groups, sessions, enrolment, attendance (docs/domain.md,
DOM120-DOM126). Every function flushes and audits, never commits; the route commits once.

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
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.services import status as appointment_status
from mediation.appointments.services.booking import (
    AppointmentData,
    DoubleBooking,
    book,
    local_start_parts,
    reschedule,
)
from mediation.cases.codes import AgeBand, PreferredLanguage, SessionType, Sex
from mediation.cases.identity import PersonData, normalise_phone
from mediation.cases.queries.people import find_visible_person
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code
from mediation.core.crypto import blind_index
from mediation.core.errors import Conflict, DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text
from mediation.groups import policies, queries
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
from mediation.groups.rules import (
    EMAIL_MAX,
    FRAMEWORK_MAX,
    MAX_CAPACITY,
    MAX_PLANNED_SESSIONS,
    NAME_MAX,
    PARTICIPANT_AGE_BANDS,
    PARTICIPANT_NAME_MAX,
    PHONE_MAX,
    SCORE_MAX,
)
from mediation.outbox.settings import clean_address

STALE_ENROLMENT = _l("Someone else changed this enrolment while you were editing it. Nothing was overwritten: "
                     "check the current version and try again.")


class GroupPermissionDenied(DomainError):
    message = _l("You may not change this group.")
    status = 403


def _audit(session: Session, action: AuditAction, entity: str, row, association_id: int) -> None:
    record(session, action, entity=entity, entity_id=row.public_id, association_id=association_id)


def _whole(value: int | None, field: str, low: int, high: int, message) -> int:
    if value is None or isinstance(value, bool) or not low <= value <= high:
        raise ValidationFailed(message, field=field)
    return value


# Programmes (DOM120)


@dataclass(frozen=True)
class ProgrammeData:
    name: str | None
    planned_sessions: int | None
    target: str | None
    framework: str | None = None


def _programme_fields(data: ProgrammeData) -> tuple[str, int, ProgrammeTarget, str | None]:
    name = bounded_text(data.name, "name", NAME_MAX, required=True)
    planned = _whole(data.planned_sessions, "planned_sessions", 1, MAX_PLANNED_SESSIONS,
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
    _audit(session, AuditAction.CREATE, "parenting_programme", programme, programme.association_id)
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
    _audit(session, AuditAction.UPDATE, "parenting_programme", programme, programme.association_id)
    return programme


def set_programme_active(session: Session, programme: Programme, active: bool, *, actor: StaffUser) -> Programme:
    """Deactivate a programme no longer offered, or offer it again (DOM134): a deactivated programme is out of
    the new-group choice; its groups, their pages and the reports keep it."""
    if not policies.can_edit_programme(actor, programme):
        raise GroupPermissionDenied()
    if programme.active is not active:
        programme.active = active
        flush_versioned(session, STALE_PROGRAMME)
        _audit(session, AuditAction.STATUS_CHANGE, "parenting_programme", programme, programme.association_id)
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
    planned = _whole(data.planned_sessions if data.planned_sessions is not None else programme.planned_sessions,
                     "planned_sessions", 1, MAX_PLANNED_SESSIONS, _l("Give a number of sessions from 1 to 52."))
    capacity = _whole(data.capacity, "capacity", 1, MAX_CAPACITY, _l("Give a capacity from 1 to 60."))
    language = parse_code(PreferredLanguage, data.language, _l("Choose the language of the group."), "language")
    chosen = _facilitators(session, association_id, data.facilitator_ids)
    group = ParentingGroup(association_id=association_id, service_point_id=point.id, programme=programme,
                           name=name, start_on=start_on, planned_sessions=planned, room_id=room.id,
                           language=language, capacity=capacity, created_by_id=actor.id,
                           facilitators=[GroupFacilitator(user_id=user.id) for user in
                                         sorted(chosen, key=lambda user: user.id)])
    session.add(group)
    session.flush()
    _audit(session, AuditAction.CREATE, "parenting_group", group, association_id)
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
    _lock_group(session, group)
    room = _room_of(session, group.association_id, group.service_point_id, data.room_id)
    start_on = _start_on(data.start_on)
    planned = _whole(data.planned_sessions, "planned_sessions", 1, MAX_PLANNED_SESSIONS,
                     _l("Give a number of sessions from 1 to 52."))
    booked = queries.highest_live_number(session, group)
    if planned < booked:
        raise ValidationFailed(_("Session %(number)d is already booked or held: the number of planned sessions "
                                 "cannot be lower.", number=booked), field="planned_sessions")
    capacity = _whole(data.capacity, "capacity", 1, MAX_CAPACITY, _l("Give a capacity from 1 to 60."))
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
    _audit(session, AuditAction.UPDATE, "parenting_group", group, group.association_id)
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
    _lock_group(session, group)
    if queries.held_count(session, group):
        raise ValidationFailed(_l("This group has started: declare it finished instead of cancelling it."),
                               field="reason")
    for group_session in queries.open_sessions(session, group):
        appointment_status.cancel(session, group_session.appointment, by_party=False, reason=reason, actor=actor,
                                  now=now)
        _audit(session, AuditAction.STATUS_CHANGE, "parenting_group_session", group_session, group.association_id)
    group.cancelled_on = clock.today()
    flush_versioned(session, STALE_GROUP)
    _audit(session, AuditAction.STATUS_CHANGE, "parenting_group", group, group.association_id)


def finish_group(session: Session, group: ParentingGroup, *, actor: StaffUser) -> None:
    """Declare the cycle over (DOM121): no more sessions, enrolments or attendance."""
    if not policies.can_finish(actor, group):
        raise GroupPermissionDenied()
    group.finished_on = clock.today()
    flush_versioned(session)
    _audit(session, AuditAction.STATUS_CHANGE, "parenting_group", group, group.association_id)


# Sessions (DOM122)


def _lock_group(session: Session, group: ParentingGroup) -> None:
    """Two facilitators booking the next session at once do not both take the same number."""
    session.execute(select(ParentingGroup.id).where(ParentingGroup.id == group.id).with_for_update())


def book_session(session: Session, group: ParentingGroup, *, day: date | None, start: time | None,
                 end: time | None, actor: StaffUser, now: datetime | None = None) -> GroupSession:
    """The next session of the cycle, in the group's room with its facilitators, booked as an appointment
    with every rule of the appointments' booking (DOM122)."""
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    if day is None or start is None or end is None:
        raise ValidationFailed(_l("Give the day, start and end of the session."), field="day")
    _lock_group(session, group)
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
    _audit(session, AuditAction.CREATE, "parenting_group_session", group_session, group.association_id)
    return group_session


def cancel_session(session: Session, group: ParentingGroup, group_session: GroupSession, *, reason: str | None,
                   actor: StaffUser) -> None:
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    if group_session.attendance_recorded_at is not None:
        raise ValidationFailed(_l("A session whose attendance is recorded cannot be cancelled."), field="reason")
    appointment_status.cancel(session, group_session.appointment, by_party=False, reason=reason, actor=actor)
    _audit(session, AuditAction.STATUS_CHANGE, "parenting_group_session", group_session, group.association_id)


# Enrolment (DOM123, DOM124)


@dataclass(frozen=True)
class ParticipantData:
    full_name: str | None
    sex: str | None
    age_band: str | None
    phone: str | None = None
    email: str | None = None
    birth_date: str | None = None  # "YYYY-MM-DD": only to recognise a person known from a case
    consent_data_processing: bool = False
    consent_contact: bool = False


def _find_or_record_participant(session: Session, data: ParticipantData, actor: StaffUser,
                                association_id: int) -> GroupParticipant:
    name = bounded_text(data.full_name, "full_name", PARTICIPANT_NAME_MAX, required=True)
    sex = parse_code(Sex, data.sex, _l("Choose the sex."), "sex")
    band = parse_code(AgeBand, data.age_band, _l("Choose the age band."), "age_band")
    if band not in PARTICIPANT_AGE_BANDS:
        raise ValidationFailed(_l("A participant is 15 or older."), field="age_band")
    phone = bounded_text(data.phone, "phone", PHONE_MAX)
    if phone is not None and not 8 <= len(normalise_phone(phone)) <= 15:
        raise ValidationFailed(_l("Give a phone number of 8 to 15 digits."), field="phone")
    email = bounded_text(data.email, "email", EMAIL_MAX)
    if email is not None and clean_address(email) is None:
        raise ValidationFailed(_l("Give a valid e-mail address, or leave it empty."), field="email")
    if not data.consent_data_processing:
        raise ValidationFailed(_l("A participant is recorded only with their consent to the processing of "
                                  "their data."), field="consent_data_processing")
    # A person the association knows from a case the actor may see (the identity index, DOM123).
    person = find_visible_person(session, actor, PersonData(full_name=name, sex=sex, birth_date=data.birth_date))
    if person is not None:
        existing = session.scalar(select(GroupParticipant).where(GroupParticipant.person_id == person.id))
        if existing is not None:
            existing.consent_contact = data.consent_contact
            existing.consent_data_processing = True
            return existing
        participant = GroupParticipant(association_id=association_id, person_id=person.id, person=person,
                                       sex=person.sex, age_band=band)
    else:
        name_bidx = blind_index("person_name", association_id, name)
        phone_bidx = blind_index("phone", association_id, normalise_phone(phone)) if phone else None
        if phone_bidx is not None:
            # The same name and phone: the group-only participant of an earlier group (S60).
            existing = session.scalar(select(GroupParticipant).where(
                GroupParticipant.association_id == association_id, GroupParticipant.person_id.is_(None),
                GroupParticipant.name_bidx == name_bidx, GroupParticipant.phone_bidx == phone_bidx))
            if existing is not None:
                existing.consent_contact = data.consent_contact
                existing.consent_data_processing = True
                existing.age_band = band
                existing.email = email or existing.email
                return existing
        participant = GroupParticipant(association_id=association_id, full_name=name, phone=phone, email=email, sex=sex,
                                       age_band=band, name_bidx=name_bidx, phone_bidx=phone_bidx)
    participant.consent_data_processing = True
    participant.consent_contact = data.consent_contact
    participant.consent_on = clock.today()
    participant.created_by_id = actor.id
    session.add(participant)
    session.flush()
    return participant


def enrol(session: Session, group: ParentingGroup, data: ParticipantData, *, actor: StaffUser) -> Enrolment:
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    _lock_group(session, group)
    if queries.active_enrolment_count(session, group) >= group.capacity:
        raise ValidationFailed(_l("The group is full."), field="full_name")
    participant = _find_or_record_participant(session, data, actor, group.association_id)
    if session.scalar(select(Enrolment.id).where(Enrolment.group_id == group.id,
                                                 Enrolment.participant_id == participant.id)) is not None:
        raise Conflict(_l("This person is already enrolled in the group."), field="full_name")
    enrolment = Enrolment(group_id=group.id, participant=participant, participant_id=participant.id,
                          enrolled_on=clock.today(), sex=participant.sex, age_band=participant.age_band)
    session.add(enrolment)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(_l("This person is already enrolled in the group."), field="full_name") from None
    _audit(session, AuditAction.CREATE, "parenting_enrolment", enrolment, group.association_id)
    return enrolment


@dataclass(frozen=True)
class EnrolmentUpdate:
    dropped_out: bool = False
    pre_score: int | None = None
    post_score: int | None = None
    satisfaction: int | None = None


def _optional_whole(value: int | None, field: str, low: int, high: int, message) -> int | None:
    return None if value is None else _whole(value, field, low, high, message)


def update_enrolment(session: Session, group: ParentingGroup, enrolment: Enrolment, data: EnrolmentUpdate, *,
                     actor: StaffUser, version: int | None) -> Enrolment:
    """Drop-out, pre/post questionnaire scores and satisfaction (DOM124)."""
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    if version is not None and version != enrolment.version_id:
        raise StaleRecord(STALE_ENROLMENT)
    score = _l("Give a score from 0 to 100.")
    enrolment.pre_score = _optional_whole(data.pre_score, "pre_score", 0, SCORE_MAX, score)
    enrolment.post_score = _optional_whole(data.post_score, "post_score", 0, SCORE_MAX, score)
    enrolment.satisfaction = _optional_whole(data.satisfaction, "satisfaction", 1, 5,
                                             _l("Give a satisfaction from 1 to 5."))
    if data.dropped_out and enrolment.dropped_out_on is None:
        enrolment.dropped_out_on = clock.today()
    elif not data.dropped_out:
        enrolment.dropped_out_on = None
    flush_versioned(session, STALE_ENROLMENT)
    _audit(session, AuditAction.UPDATE, "parenting_enrolment", enrolment, group.association_id)
    return enrolment


# Attendance (DOM125)


def record_attendance(session: Session, group: ParentingGroup, group_session: GroupSession,
                      present: set[uuid.UUID], *, actor: StaffUser, now: datetime | None = None) -> int:
    """Present for the ticked enrolments, absent for every other one on the sheet; the session then counts
    as held with its number present, and its appointment is marked held (DOM125). Returns that number."""
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    now = now or clock.now()
    appointment = group_session.appointment
    if appointment.status not in (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED,
                                  AppointmentStatus.HELD):
        raise ValidationFailed(_l("This session was cancelled: no attendance can be recorded."), field="present")
    if appointment.start_utc > now:
        raise ValidationFailed(_l("The attendance is recorded once the session has started."), field="present")
    lines = queries.attendance_sheet(session, group, group_session)
    on_sheet = {line.enrolment.public_id: line.enrolment.id for line in lines}
    if not present <= set(on_sheet):
        raise ValidationFailed(_l("Mark only the people enrolled in this group."), field="present")
    existing = {row.enrolment_id: row for row in session.scalars(
        select(Attendance).where(Attendance.session_id == group_session.id))}
    for public_id, enrolment_id in on_sheet.items():
        row = existing.get(enrolment_id)
        if row is None:
            session.add(Attendance(session_id=group_session.id, enrolment_id=enrolment_id,
                                   present=public_id in present))
        else:
            row.present = public_id in present
    group_session.present_count = len(present)
    group_session.attendance_recorded_at = now
    if appointment.status is not AppointmentStatus.HELD:
        appointment_status.mark_held(session, appointment, actor=actor, now=now)
    session.flush()
    _audit(session, AuditAction.UPDATE, "parenting_group_session", group_session, group.association_id)
    return len(present)


# Erasure of a group-only participant on request (docs/domain.md, DOM139)


def erase_participant(session: Session, participant: GroupParticipant) -> None:
    """Delete a participant known only from groups, as retention does (DOM127): their enrolments stay without
    them, with the sex and age band copied there, so the groups' counts do not change; an enrolment in a group
    still running is marked dropped out today, so the sheet and the reminders no longer expect them. The
    caller checks who may ask for it and audits."""
    if participant.person_id is not None:
        raise ValidationFailed(_l("A person known from a case is handled through their case."), field="person")
    open_groups = select(ParentingGroup.id).where(ParentingGroup.finished_on.is_(None),
                                                  ParentingGroup.cancelled_on.is_(None))
    session.execute(update(Enrolment).where(Enrolment.participant_id == participant.id,
                                            Enrolment.dropped_out_on.is_(None), Enrolment.group_id.in_(open_groups))
                    .values(dropped_out_on=clock.today(), version_id=Enrolment.version_id + 1)
                    .execution_options(synchronize_session=False))
    session.execute(update(Enrolment).where(Enrolment.participant_id == participant.id)
                    .values(participant_id=None, version_id=Enrolment.version_id + 1)
                    .execution_options(synchronize_session=False))
    session.execute(delete(GroupParticipant).where(GroupParticipant.id == participant.id)
                    .execution_options(synchronize_session=False))
    if participant in session:
        session.expunge(participant)
