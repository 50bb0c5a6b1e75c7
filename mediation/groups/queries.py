"""Reads of the groups: lists, one group's sessions and enrolments with their statuses, the attendance
sheet (docs/domain.md, DOM121-DOM125). The pages issue a fixed number of statements whatever the number
of participants (docs/domain.md, DOM125)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.appointments.codes import CANCELLED, OPEN
from mediation.appointments.models import Appointment, Room
from mediation.appointments.queries.booking import association_staff, bookable_rooms
from mediation.cases.codes import PreferredLanguage
from mediation.groups.codes import EnrolmentStatus, GroupStatus
from mediation.groups.models import (
    Activity,
    Attendance,
    Enrolment,
    GroupParticipant,
    GroupSession,
    ParentingGroup,
    Programme,
)
from mediation.groups.policies import visible_activities, visible_groups
from mediation.groups.rules import completion_percent, enrolment_status


def programmes(session: Session, association_id: int, *, active_only: bool = False) -> list[Programme]:
    query = select(Programme).where(Programme.association_id == association_id)
    if active_only:
        query = query.where(Programme.active.is_(True))
    return list(session.scalars(query.order_by(Programme.name, Programme.id)))


def service_points(session: Session, association_id: int) -> list[ServicePoint]:
    return list(session.scalars(select(ServicePoint).where(ServicePoint.association_id == association_id,
                                                           ServicePoint.active.is_(True))
                                .order_by(ServicePoint.code)))


def staff(session: Session, association_id: int) -> list[StaffUser]:
    return association_staff(session, association_id)


def rooms(session: Session, association_id: int) -> list[Room]:
    return bookable_rooms(session, association_id)


def load_programme(session: Session, association_id: int | None, programme_id: uuid.UUID) -> Programme | None:
    """A programme of this association, or None (another association's does not exist here)."""
    if association_id is None:
        return None
    return session.scalar(select(Programme).where(Programme.association_id == association_id,
                                                  Programme.public_id == programme_id))


def groups_per_programme(session: Session, association_id: int) -> dict[int, int]:
    """Programme id -> how many groups run it (one statement)."""
    return dict(session.execute(select(ParentingGroup.programme_id, func.count())
                                .where(ParentingGroup.association_id == association_id)
                                .group_by(ParentingGroup.programme_id)).all())


def load_group(session: Session, user, group_id: uuid.UUID) -> ParentingGroup | None:
    return session.scalar(visible_groups(user).where(ParentingGroup.public_id == group_id))


@dataclass(frozen=True)
class GroupRow:
    group: ParentingGroup
    status: GroupStatus
    held: int
    enrolled: int


def _held_counts(session: Session, group_ids: list[int]) -> dict[int, int]:
    if not group_ids:
        return {}
    return dict(session.execute(
        select(GroupSession.group_id, func.count()).where(GroupSession.group_id.in_(group_ids),
                                                          GroupSession.attendance_recorded_at.is_not(None))
        .group_by(GroupSession.group_id)).all())


def group_status(group: ParentingGroup, held: int) -> GroupStatus:
    """Finished once declared over; cancelled once called off (DOM136); running once a session is held;
    planned before (DOM121)."""
    if group.finished_on is not None:
        return GroupStatus.FINISHED
    if group.cancelled_on is not None:
        return GroupStatus.CANCELLED
    return GroupStatus.RUNNING if held else GroupStatus.PLANNED


def group_list(session: Session, user) -> list[GroupRow]:
    groups = list(session.scalars(visible_groups(user).order_by(ParentingGroup.start_on.desc(),
                                                                ParentingGroup.id)).unique())
    ids = [group.id for group in groups]
    held = _held_counts(session, ids)
    enrolled = dict(session.execute(
        select(Enrolment.group_id, func.count()).where(Enrolment.group_id.in_(ids)).group_by(Enrolment.group_id)
    ).all()) if ids else {}
    return [GroupRow(group, group_status(group, held.get(group.id, 0)), held.get(group.id, 0),
                     enrolled.get(group.id, 0)) for group in groups]


def sessions_of(session: Session, group: ParentingGroup) -> list[GroupSession]:
    return list(session.scalars(
        select(GroupSession).where(GroupSession.group_id == group.id)
        .options(joinedload(GroupSession.appointment).lazyload("*"))
        .order_by(GroupSession.number)))


def load_session(session: Session, group: ParentingGroup, session_id: uuid.UUID) -> GroupSession | None:
    return session.scalar(select(GroupSession).where(GroupSession.group_id == group.id,
                                                     GroupSession.public_id == session_id))


def load_enrolment(session: Session, group: ParentingGroup, enrolment_id: uuid.UUID) -> Enrolment | None:
    return session.scalar(select(Enrolment).where(Enrolment.group_id == group.id,
                                                  Enrolment.public_id == enrolment_id))


def enrolments_of(session: Session, group: ParentingGroup) -> list[Enrolment]:
    """The group's enrolments with their participant (and case person) in one statement."""
    return list(session.scalars(
        select(Enrolment).where(Enrolment.group_id == group.id)
        .options(joinedload(Enrolment.participant).joinedload(GroupParticipant.person).lazyload("*"))
        .order_by(Enrolment.id)).unique())


def active_enrolment_count(session: Session, group: ParentingGroup) -> int:
    return session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.group_id == group.id, Enrolment.dropped_out_on.is_(None))) or 0


@dataclass(frozen=True)
class EnrolmentRow:
    enrolment: Enrolment
    attended: int
    status: EnrolmentStatus


def attended_numbers(session: Session, group: ParentingGroup) -> dict[int, set[int]]:
    """Enrolment id -> the numbers of the held sessions it was present at (one statement)."""
    numbers: dict[int, set[int]] = {}
    rows = session.execute(
        select(Attendance.enrolment_id, GroupSession.number)
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .where(GroupSession.group_id == group.id, Attendance.present.is_(True),
               GroupSession.attendance_recorded_at.is_not(None)))
    for enrolment_id, number in rows:
        numbers.setdefault(enrolment_id, set()).add(number)
    return numbers


def enrolment_rows(session: Session, group: ParentingGroup) -> list[EnrolmentRow]:
    attended = attended_numbers(session, group)
    percent = completion_percent()
    return [EnrolmentRow(enrolment, len(attended.get(enrolment.id, ())),
                         enrolment_status(attended.get(enrolment.id, set()), group.planned_sessions,
                                          dropped_out=enrolment.dropped_out_on is not None, percent=percent))
            for enrolment in enrolments_of(session, group)]


@dataclass(frozen=True)
class SheetLine:
    enrolment: Enrolment
    name: str
    present: bool | None  # None: not recorded yet


def attendance_sheet(session: Session, group: ParentingGroup, group_session: GroupSession) -> list[SheetLine]:
    """Every enrolment of the group with its mark for this session: two statements whatever their number
    (docs/domain.md, DOM125)."""
    enrolments = enrolments_of(session, group)
    marks = dict(session.execute(select(Attendance.enrolment_id, Attendance.present)
                                 .where(Attendance.session_id == group_session.id)).all())
    lines = [SheetLine(enrolment, enrolment.participant.display_name if enrolment.participant else "",
                       marks.get(enrolment.id)) for enrolment in enrolments
             if enrolment.dropped_out_on is None or enrolment.id in marks]
    return sorted(lines, key=lambda line: line.name.casefold())


def session_is_cancelled(group_session: GroupSession) -> bool:
    return group_session.appointment.status in CANCELLED


def next_session_number(session: Session, group: ParentingGroup) -> int | None:
    """The lowest number of the cycle that no live session holds: a cancelled session's number is booked
    again (docs/domain.md, DOM122). None when every planned session is booked."""
    taken = set(session.scalars(select(GroupSession.number)
                                .join(Appointment, Appointment.id == GroupSession.appointment_id)
                                .where(GroupSession.group_id == group.id, Appointment.status.not_in(CANCELLED))))
    return next((number for number in range(1, group.planned_sessions + 1) if number not in taken), None)


def highest_live_number(session: Session, group: ParentingGroup) -> int:
    """The highest number a session booked or held (not cancelled) holds: 0 when none (DOM135)."""
    return session.scalar(select(func.max(GroupSession.number))
                          .join(Appointment, Appointment.id == GroupSession.appointment_id)
                          .where(GroupSession.group_id == group.id, Appointment.status.not_in(CANCELLED))) or 0


def held_count(session: Session, group: ParentingGroup) -> int:
    return _held_counts(session, [group.id]).get(group.id, 0)


def open_sessions(session: Session, group: ParentingGroup) -> list[GroupSession]:
    """The sessions whose appointment is still scheduled or confirmed, in number order."""
    return [row for row in sessions_of(session, group) if row.appointment.status in OPEN]


def live_session_count(session: Session, group: ParentingGroup) -> int:
    return session.scalar(select(func.count()).select_from(GroupSession)
                          .join(Appointment, Appointment.id == GroupSession.appointment_id)
                          .where(GroupSession.group_id == group.id, Appointment.status.not_in(CANCELLED))) or 0



def activity_list(session: Session, user) -> list[Activity]:
    """The activities the user may see, latest first, with their counts and facilitators (selectin)."""
    return list(session.scalars(visible_activities(user).order_by(Activity.held_on.desc(), Activity.id.desc())
                                .limit(200)).unique())


@dataclass(frozen=True)
class PersonEnrolment:
    """One group a person known from a case took part in, as their access export shows it (DOM123)."""

    group_name: str
    programme_name: str
    start_on: date
    enrolled_on: date
    attended: int
    planned: int
    status: EnrolmentStatus
    language: PreferredLanguage | None = None


def enrolments_of_person(session: Session, person_id: int) -> list[PersonEnrolment]:
    """The groups of a person linked from a case, oldest first (two statements whatever their number)."""
    return _enrolments_where(session, GroupParticipant.person_id == person_id)


def enrolments_of_participant(session: Session, participant_id: int) -> list[PersonEnrolment]:
    """The groups of one group participant, for their access export (docs/domain.md, DOM138)."""
    return _enrolments_where(session, GroupParticipant.id == participant_id)


def _enrolments_where(session: Session, condition) -> list[PersonEnrolment]:
    rows = session.execute(
        select(Enrolment, ParentingGroup).join(GroupParticipant, GroupParticipant.id == Enrolment.participant_id)
        .join(ParentingGroup, ParentingGroup.id == Enrolment.group_id)
        .where(condition)
        .order_by(Enrolment.enrolled_on, Enrolment.id)).unique().all()
    if not rows:
        return []
    numbers: dict[int, set[int]] = {}
    for enrolment_id, number in session.execute(
            select(Attendance.enrolment_id, GroupSession.number)
            .join(GroupSession, GroupSession.id == Attendance.session_id)
            .where(Attendance.enrolment_id.in_([enrolment.id for enrolment, _group in rows]),
                   Attendance.present.is_(True), GroupSession.attendance_recorded_at.is_not(None))):
        numbers.setdefault(enrolment_id, set()).add(number)
    percent = completion_percent()
    return [PersonEnrolment(group.name, group.programme.name, group.start_on, enrolment.enrolled_on,
                            len(numbers.get(enrolment.id, ())), group.planned_sessions,
                            enrolment_status(numbers.get(enrolment.id, set()), group.planned_sessions,
                                             dropped_out=enrolment.dropped_out_on is not None, percent=percent),
                            group.language)
            for enrolment, group in rows]
