"""Demo rooms and appointments: each demo staff member's diary around the current week.

Rooms are added through the rooms service. Appointments are written as model
rows, since the booking service refuses times already past; the loader keeps
its rule all the same: nobody and no room is ever booked twice at once.

Two sources, both counted from today so the diary always looks current:
- the demo sessions of the log held on a working day since last Monday get
  the held appointment they were booked as, and are linked to it;
- a fixed weekly plan per staff member (last week, this week, next week):
  past ones held or missed, one cancelled by the family, future ones
  scheduled or confirmed, one intake meeting without a case, by phone and by
  video as well as in person.
A staff member who already holds an appointment gets nothing (a second run,
or someone trying the demo out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment, AppointmentParty, AppointmentStaff, Room
from mediation.appointments.services.rooms import add_room
from mediation.cases.codes import CaseStatus, SessionType
from mediation.cases.models import AssignmentRole, Case, CaseAssignment, Participant
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Role
from mediation.core.clock import local_datetime, to_utc, zone_name
from mediation.counselling.models import CounsellingSession, SessionAttendee, SessionStaff

HELD, MISSED = AppointmentStatus.HELD, AppointmentStatus.MISSED
SCHEDULED, CONFIRMED = AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED
IN_PERSON, PHONE, VIDEO = SessionMode.IN_PERSON, SessionMode.PHONE, SessionMode.VIDEO
INDIVIDUAL, FOLLOW_UP, SHUTTLE, PARENTING = (SessionType.INDIVIDUAL, SessionType.FOLLOW_UP,
                                             SessionType.SHUTTLE_MEDIATION, SessionType.POSITIVE_PARENTING)
PSYCHOLOGICAL, SOCIAL, LEGAL = (SessionType.COUNSELLING_PSYCHOLOGICAL, SessionType.COUNSELLING_SOCIAL,
                                SessionType.COUNSELLING_LEGAL)
# Not busy any more: their time is free for someone else.
CANCELLED = (AppointmentStatus.CANCELLED_BY_PARTY, AppointmentStatus.CANCELLED_BY_SERVICE)
OFFICE_OPENS, OFFICE_CLOSES = time(8, 30), time(18, 0)

# The rooms of each demo service point, by its code: Arabic and French names, as staff name them.
ROOMS = {
    "RBT-01": ("قاعة الاستماع 1", "Salle d'écoute 2", "قاعة الوساطة"),
    "AGD-01": ("قاعة الاستماع 1", "Salle de médiation 2"),
}


@dataclass(frozen=True)
class DemoAppointment:
    """One entry of a staff member's week; `case` indexes their open cases (led first, then co-worked)."""

    week: int  # -1 last week, 0 this week, 1 next week
    weekday: int  # 0 Monday ... 4 Friday
    start: time
    minutes: int
    type: SessionType
    case: int | None  # None: an intake meeting, before any case
    mode: SessionMode = IN_PERSON
    past: AppointmentStatus = HELD  # when it is over by the time the demo is loaded
    future: AppointmentStatus = SCHEDULED  # otherwise
    both_parties: bool = False  # shuttle mediation: the other party is invited too
    cancelled: str | None = None  # cancelled by the requesting party, for this reason
    label: str | None = None  # how colleagues recognise an intake meeting


def plan(week, weekday, start, minutes, kind, case, **options) -> DemoAppointment:
    return DemoAppointment(week, weekday, time.fromisoformat(start), minutes, kind, case, **options)


# Times stay clear of the demo sessions' (10:00 to 16:45), so the log and the diary agree.
PLANS: dict[str, tuple[DemoAppointment, ...]] = {
    # A mediator: cases 0 (intake), 1 (assessment), 2 (in mediation, parties kept apart).
    "mediator.a1": (
        plan(-1, 0, "09:00", 60, INDIVIDUAL, 1),
        plan(-1, 2, "11:30", 45, FOLLOW_UP, 0, mode=PHONE, past=MISSED),
        plan(-1, 3, "08:30", 60, INDIVIDUAL, None, label="Premier accueil : Mme Exemple, orientée par le tribunal "
                                                         "(démo)"),
        plan(-1, 4, "17:00", 60, SHUTTLE, 2, both_parties=True),
        plan(0, 1, "09:00", 45, INDIVIDUAL, 1, mode=VIDEO,
             cancelled="Empêchement familial ; la personne demande une autre date. (démo)"),
        plan(0, 2, "11:30", 60, FOLLOW_UP, 0, future=CONFIRMED),
        plan(0, 4, "09:00", 30, FOLLOW_UP, 2, mode=PHONE, past=MISSED),
        plan(1, 0, "08:30", 90, SHUTTLE, 2, both_parties=True, future=CONFIRMED),
        plan(1, 2, "11:30", 60, INDIVIDUAL, 0, mode=VIDEO),
        plan(1, 3, "17:00", 45, PARENTING, 1),
    ),
    # A psychologist: cases 0 (in counselling), 1 (intake, not to be contacted), 2 (co-worker, in mediation).
    "mediator.a2": (
        plan(-1, 1, "09:00", 50, PSYCHOLOGICAL, 0),
        plan(-1, 3, "11:30", 30, FOLLOW_UP, 2, mode=PHONE, past=MISSED),
        plan(0, 0, "08:30", 60, INDIVIDUAL, None, label="استقبال أول: السيدة الافتراضي (معطيات تجريبية)"),
        plan(0, 2, "09:00", 50, PSYCHOLOGICAL, 0, mode=VIDEO,
             cancelled="La personne est malade ; elle rappellera. (démo)"),
        plan(0, 3, "17:00", 50, PSYCHOLOGICAL, 0, future=CONFIRMED),
        plan(1, 1, "09:00", 50, PSYCHOLOGICAL, 0, mode=VIDEO),
        plan(1, 3, "11:30", 90, PARENTING, 0, future=CONFIRMED),
    ),
    # A social worker: cases 0 (intake, interpreter), 1 (assessment), 2 (in mediation), 3 (in counselling).
    "mediator.b1": (
        plan(-1, 0, "11:30", 45, SOCIAL, 3),
        plan(-1, 1, "09:00", 60, INDIVIDUAL, 1, past=MISSED),
        plan(-1, 3, "16:30", 90, PARENTING, 2),
        plan(0, 0, "09:00", 30, FOLLOW_UP, 0, mode=PHONE),
        plan(0, 1, "11:30", 60, INDIVIDUAL, None, label="استقبال أول: السيد العينة (معطيات تجريبية)"),
        plan(0, 3, "09:00", 45, SOCIAL, 2, mode=VIDEO, future=CONFIRMED,
             cancelled="Le couple a un rendez-vous au tribunal ce jour-là. (démo)"),
        plan(1, 0, "11:30", 60, INDIVIDUAL, 1, future=CONFIRMED),
        plan(1, 2, "09:00", 45, SOCIAL, 3, mode=VIDEO),
        plan(1, 4, "16:30", 90, PARENTING, 2),
    ),
    # A legal counsellor: case 0 (co-worker, in counselling).
    "mediator.b2": (
        plan(-1, 2, "09:00", 60, LEGAL, 0),
        plan(-1, 4, "11:30", 30, FOLLOW_UP, 0, mode=PHONE, past=MISSED),
        plan(0, 1, "08:30", 45, INDIVIDUAL, None, mode=PHONE,
             label="Premier appel : M. Essai, question de succession (démo)"),
        plan(0, 3, "11:30", 60, LEGAL, 0, mode=VIDEO, cancelled="Le frère aîné ne peut pas venir. (démo)"),
        plan(0, 4, "09:00", 60, LEGAL, 0, future=CONFIRMED),
        plan(1, 1, "11:30", 45, FOLLOW_UP, 0, mode=PHONE),
        plan(1, 3, "09:00", 60, LEGAL, 0, mode=VIDEO),
    ),
}


@dataclass(frozen=True)
class Slot:
    day: date
    start: time
    minutes: int
    start_utc: datetime
    end_utc: datetime

    @classmethod
    def local(cls, day: date, start: time, minutes: int) -> Slot:
        start_utc = to_utc(day, start)
        return cls(day, start, minutes, start_utc, start_utc + timedelta(minutes=minutes))


def week_monday(today: date, week: int) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(weeks=week)


def clashes(session: Session, slot: Slot, staff_ids, room_id: int | None) -> bool:
    """Does a staff member or the room already have an appointment (not cancelled) at this time?"""
    shares = [exists().where(AppointmentStaff.appointment_id == Appointment.id,
                             AppointmentStaff.user_id.in_(list(staff_ids)))]
    if room_id is not None:
        shares.append(Appointment.room_id == room_id)
    return session.scalar(select(exists().where(
        Appointment.status.not_in(CANCELLED), Appointment.start_utc < slot.end_utc,
        Appointment.end_utc > slot.start_utc, or_(*shares),
    ))) or False


def _rooms(session: Session, point: ServicePoint, created: list[str]) -> list[Room]:
    """The service point's active rooms; its demo rooms are added if it has none at all."""
    if not session.scalar(select(exists().where(Room.service_point_id == point.id))):
        for name in ROOMS.get(point.code, ()):
            add_room(session, point, name, actor=None)
            created.append(name)
    return list(session.scalars(select(Room).where(Room.service_point_id == point.id, Room.active.is_(True))
                                .order_by(Room.id)))


def _free_room(session: Session, rooms: list[Room], slot: Slot, staff_ids, preferred: int) -> Room | None:
    """The staff member's usual room if free, else the next free one."""
    if not rooms:
        return None
    first = preferred % len(rooms)
    return next((room for room in rooms[first:] + rooms[:first] if not clashes(session, slot, staff_ids, room.id)),
                None)


def _status_changed_at(status: AppointmentStatus, slot: Slot, now: datetime) -> datetime | None:
    if status is SCHEDULED:
        return None
    if status in (HELD, MISSED):
        return min(slot.end_utc + timedelta(minutes=15), now)
    return min(slot.start_utc - timedelta(days=1), now)  # confirmed or cancelled the day before


def _add(session: Session, *, owner: StaffUser, staff: list[StaffUser], case: Case | None, point: ServicePoint,
         slot: Slot, kind: SessionType, mode: SessionMode, room: Room | None, status: AppointmentStatus,
         parties: list[Participant], now: datetime, label: str | None = None,
         cancel_reason: str | None = None) -> Appointment:
    appointment = Appointment(
        association_id=point.association_id, service_point_id=room.service_point_id if room else point.id,
        case_id=case.id if case else None, intake_label=label if case is None else None,
        session_type=kind, mode=mode, room_id=room.id if room else None,
        video_link=f"https://visio.example.org/demo-{owner.username.replace('.', '-')}" if mode is VIDEO else None,
        start_local=f"{slot.day.isoformat()}T{slot.start.strftime('%H:%M')}", time_zone=zone_name(),
        start_utc=slot.start_utc, end_utc=slot.end_utc, duration_min=slot.minutes, status=status,
        status_changed_at=_status_changed_at(status, slot, now),
        status_changed_by_id=owner.id if status is not SCHEDULED else None,
        cancel_reason=cancel_reason,
        cancelled_by_participant_id=parties[0].id if cancel_reason and parties else None,
        created_by_id=owner.id, created_at=min(slot.start_utc - timedelta(days=7), now),
        staff=[AppointmentStaff(user_id=user.id) for user in staff],
        parties=[AppointmentParty(participant_id=participant.id) for participant in parties],
    )
    session.add(appointment)
    session.flush()
    record(session, AuditAction.CREATE, entity="appointment", entity_id=appointment.public_id, actor_role="cli",
           association_id=appointment.association_id)
    return appointment


def _open_cases(session: Session, user: StaffUser) -> list[Case]:
    """The staff member's open cases: those they lead, then those they co-work, each oldest first."""
    rows = session.execute(
        select(Case, CaseAssignment.role).join(CaseAssignment, CaseAssignment.case_id == Case.id)
        .where(CaseAssignment.user_id == user.id, Case.status != CaseStatus.CLOSED).order_by(Case.id)
    ).all()
    return ([case for case, role in rows if role is AssignmentRole.LEAD]
            + [case for case, role in rows if role is not AssignmentRole.LEAD])


def _requesting(session: Session, case: Case) -> Participant | None:
    return session.scalar(select(Participant).where(Participant.case_id == case.id,
                                                    Participant.is_requesting_party.is_(True)))


def _other_parties(session: Session, case: Case) -> list[Participant]:
    return list(session.scalars(select(Participant).where(
        Participant.case_id == case.id, Participant.is_party.is_(True), Participant.is_requesting_party.is_(False),
        Participant.active.is_(True)).order_by(Participant.id)))


def _from_the_log(session: Session, fresh: dict[int, StaffUser], points: dict[int, ServicePoint],
                  rooms: dict[int, list[Room]], since: date, now: datetime) -> int:
    """Held appointments for the demo sessions held on a working day since `since`, linked to them."""
    added = 0
    sessions = session.scalars(
        select(CounsellingSession).where(CounsellingSession.appointment_id.is_(None),
                                         CounsellingSession.voided_at.is_(None),
                                         CounsellingSession.started_at >= to_utc(since, time(0, 0)),
                                         CounsellingSession.started_at < now)
        .order_by(CounsellingSession.started_at, CounsellingSession.id)
    ).all()
    for logged in sessions:
        staff_ids = session.scalars(select(SessionStaff.user_id).where(SessionStaff.session_id == logged.id)).all()
        if not staff_ids or any(user_id not in fresh for user_id in staff_ids):
            continue  # someone else's session, or a staff member whose diary is already theirs
        case = session.get(Case, logged.case_id)
        point = points.get(case.association_id)
        start = local_datetime(logged.started_at)
        slot = Slot.local(start.date(), start.time().replace(second=0, microsecond=0, tzinfo=None),
                          logged.duration_min)
        if point is None or start.weekday() > 4 or clashes(session, slot, staff_ids, None):
            continue
        room = None
        if logged.mode is IN_PERSON:
            room = _free_room(session, rooms[point.id], slot, staff_ids, 0)
            if room is None:
                continue
        staff = [fresh[user_id] for user_id in staff_ids]
        attendees = session.scalars(select(Participant).join(SessionAttendee,
                                                             SessionAttendee.participant_id == Participant.id)
                                    .where(SessionAttendee.session_id == logged.id).order_by(Participant.id)).all()
        appointment = _add(session, owner=staff[0], staff=staff, case=case, point=point, slot=slot, kind=logged.type,
                           mode=logged.mode, room=room, status=HELD, parties=list(attendees), now=now)
        logged.appointment_id = appointment.id
        session.flush()
        added += 1
    return added


def _planned(session: Session, user: StaffUser, point: ServicePoint, rooms: list[Room], preferred: int,
             today: date, now: datetime) -> int:
    """The staff member's fixed week plan; an entry whose case or time is not available is left out."""
    added = 0
    cases = _open_cases(session, user)
    for entry in PLANS.get(user.username, ()):
        if entry.case is not None and entry.case >= len(cases):
            continue
        case = cases[entry.case] if entry.case is not None else None
        slot = Slot.local(week_monday(today, entry.week) + timedelta(days=entry.weekday), entry.start, entry.minutes)
        if clashes(session, slot, [user.id], None):
            continue
        room = None
        if entry.mode is IN_PERSON:
            room = _free_room(session, rooms, slot, [user.id], preferred)
            if room is None:
                continue
        parties: list[Participant] = []
        if case is not None:
            requesting = _requesting(session, case)
            parties = ([requesting] if requesting else []) + (
                _other_parties(session, case) if entry.both_parties else [])
        if entry.cancelled:
            status = AppointmentStatus.CANCELLED_BY_PARTY
        else:
            status = entry.past if slot.end_utc <= now else entry.future
        _add(session, owner=user, staff=[user], case=case, point=point, slot=slot, kind=entry.type, mode=entry.mode,
             room=room, status=status, parties=parties, now=now, label=entry.label, cancel_reason=entry.cancelled)
        added += 1
    return added


def load_demo_appointments(session: Session, service_points: dict[int, ServicePoint]) -> tuple[list[str], int]:
    """Add the demo rooms and diaries where missing; return the names of the new rooms and how many appointments.

    `service_points` maps each demo association's id to its service point, as for the demo cases.
    """
    today, now = clock.today(), clock.now()
    created_rooms: list[str] = []
    rooms = {point.id: _rooms(session, point, created_rooms) for point in service_points.values()}
    has_appointment = exists().where(AppointmentStaff.user_id == StaffUser.id)
    fresh = {user.id: user for user in session.scalars(
        select(StaffUser).where(StaffUser.username.in_(list(PLANS)), StaffUser.role == Role.MEDIATOR,
                                StaffUser.active.is_(True), StaffUser.association_id.in_(list(service_points)),
                                ~has_appointment).order_by(StaffUser.id))}
    added = _from_the_log(session, fresh, service_points, rooms, week_monday(today, -1), now)
    colleagues: dict[int, int] = {}
    for user in fresh.values():
        point = service_points[user.association_id]
        # Each staff member of an association has a usual room of their own.
        preferred = colleagues[point.id] = colleagues.get(point.id, -1) + 1
        added += _planned(session, user, point, rooms[point.id], preferred, today, now)
    return created_rooms, added
