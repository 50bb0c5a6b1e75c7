"""Demo positive-parenting groups and family-space activities (docs/domain.md, DOM120-DOM130).

For each demo association: one programme, three groups (one finished, one running, one planned) of
twelve participants each, two of whom are people of the association's demo cases and the others known
only from the group, with their attendance; and three activities. Sessions fall on Saturday mornings,
when the demo diary of the week (working days only) leaves the rooms and the staff free. Written once: an
association that already has the demo programme is left alone.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment, AppointmentStaff, Room
from mediation.cases.codes import AgeBand, ParticipantRole, PreferredLanguage, SessionType, Sex
from mediation.cases.models import Participant, Person
from mediation.core import clock
from mediation.core.authz import Role
from mediation.core.crypto import blind_index
from mediation.groups.codes import ActivityTheme, ProgrammeTarget
from mediation.groups.models import (
    Activity,
    ActivityCount,
    ActivityFacilitator,
    Attendance,
    Enrolment,
    GroupFacilitator,
    GroupParticipant,
    GroupSession,
    ParentingGroup,
    Programme,
)

PROGRAMME = "Parentalité positive — enfants de 0 à 6 ans"
SESSIONS = 12
ROOM = "Salle des groupes"
FIRST_NAMES = ("Amina", "Fatima", "Khadija", "Naima", "Samira", "Hanane", "Latifa", "Rachida", "Meryem", "Souad",
               "Youssef", "Mohamed", "Rachid", "Hassan", "Karim", "Said")
FAMILY_NAMES = ("El Idrissi", "Benali", "Amrani", "Tazi", "Bennani", "Alaoui", "Chraibi", "Ouazzani", "Berrada",
                "Fassi", "Lahlou", "Skalli")
BANDS = (AgeBand.B25_34, AgeBand.B35_44, AgeBand.B18_24, AgeBand.B45_59)
# Sessions attended by the twelve participants of a finished cycle: 9 or more completes (75 %), a late
# start or an early stop shows in the statuses.
FINISHED_ATTENDANCE = (12, 11, 10, 9, 9, 12, 8, 3, 10, 2, 11, 9)
START = time(9, 30)
END = time(11, 30)


def _saturday(day: date) -> date:
    return day + timedelta(days=(5 - day.weekday()) % 7)


def _room(session: Session, point: ServicePoint) -> Room:
    """The service point's first room (the demo diary's, free on Saturdays); one of its own if it has none."""
    room = session.scalar(select(Room).where(Room.service_point_id == point.id, Room.active.is_(True))
                          .order_by(Room.id).limit(1))
    if room is None:
        room = Room(service_point_id=point.id, association_id=point.association_id, name=ROOM)
        session.add(room)
        session.flush()
    return room


def _session(session: Session, group: ParentingGroup, number: int, day: date, status: AppointmentStatus,
             now: datetime) -> GroupSession:
    start = clock.to_utc(day, START)
    appointment = Appointment(
        association_id=group.association_id, service_point_id=group.service_point_id, case_id=None,
        intake_label=group.name, session_type=SessionType.POSITIVE_PARENTING, mode=SessionMode.IN_PERSON,
        room_id=group.room_id, start_local=f"{day.isoformat()}T{START.strftime('%H:%M')}",
        time_zone=clock.zone_name(), start_utc=start, end_utc=clock.to_utc(day, END), duration_min=120,
        status=status, created_by_id=group.created_by_id,
        # Held or cancelled: the change has its time and its author, as the services record it.
        status_changed_at=now if status is not AppointmentStatus.SCHEDULED else None,
        status_changed_by_id=group.created_by_id if status is not AppointmentStatus.SCHEDULED else None,
        staff=[AppointmentStaff(user_id=user_id) for user_id in group.facilitator_ids])
    session.add(appointment)
    session.flush()
    row = GroupSession(group_id=group.id, number=number, appointment_id=appointment.id,
                       attendance_recorded_at=now if status is AppointmentStatus.HELD else None)
    session.add(row)
    session.flush()
    return row


def _participants(session: Session, association_id: int, creator: StaffUser, offset: int) -> list[GroupParticipant]:
    """Twelve participants: two people of the association's demo cases, ten known only from the group."""
    people = session.scalars(
        select(Person).join(Participant, Participant.person_id == Person.id)
        .where(Person.association_id == association_id, Participant.role != ParticipantRole.CHILD,
               Person.anonymised_at.is_(None))
        .order_by(Person.id).offset(offset * 2).limit(2)).unique().all()
    rows = [GroupParticipant(association_id=association_id, person_id=person.id, person=person, sex=person.sex,
                             age_band=AgeBand.B35_44, consent_data_processing=True, consent_contact=False,
                             created_by_id=creator.id) for person in people]
    index = offset * 12
    while len(rows) < 12:
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        name = f"{first} {FAMILY_NAMES[(index * 7) % len(FAMILY_NAMES)]}"
        sex = Sex.MALE if FIRST_NAMES.index(first) >= 10 else Sex.FEMALE
        phone = f"06{(index * 7919) % 100_000_000:08d}"
        rows.append(GroupParticipant(
            association_id=association_id, full_name=name, phone=phone, sex=sex, age_band=BANDS[index % len(BANDS)],
            name_bidx=blind_index("person_name", association_id, name),
            phone_bidx=blind_index("phone", association_id, "212" + phone[1:]),
            consent_data_processing=True, consent_contact=index % 3 != 0, created_by_id=creator.id))
        index += 1
    session.add_all(rows)
    session.flush()
    return rows


def _key(kind: str, reference: str) -> int:
    # A record key spread like secrets.randbelow(256), the same at every load, as the demo's cases have
    # (docs/statistics.md, ST9, ST45): the demo's releases may count these groups and activities (T9, T10).
    return hmac.new(b"demo-stat-key", f"{kind}:{reference}".encode(), hashlib.sha256).digest()[0]


def _enrol(session: Session, group: ParentingGroup, participants: list[GroupParticipant], day: date) -> list[Enrolment]:
    rows = [Enrolment(group_id=group.id, participant_id=p.id, participant=p, enrolled_on=day, sex=p.sex,
                      age_band=p.age_band, stat_key=_key("enrolment", f"{group.association_id}:{group.name}:{index}"))
            for index, p in enumerate(participants)]
    session.add_all(rows)
    session.flush()
    return rows


def _group(session: Session, programme: Programme, point: ServicePoint, room: Room, facilitators: list[StaffUser],
           name: str, start_on: date) -> ParentingGroup:
    group = ParentingGroup(association_id=point.association_id, service_point_id=point.id, programme=programme,
                           name=name, start_on=start_on, planned_sessions=SESSIONS, room_id=room.id,
                           language=PreferredLanguage.ARY, capacity=14, created_by_id=facilitators[0].id,
                           facilitators=[GroupFacilitator(user_id=user.id) for user in facilitators])
    session.add(group)
    session.flush()
    return group


def _load_for(session: Session, point: ServicePoint, today: date, now: datetime) -> tuple[int, int]:
    association_id = point.association_id
    if session.scalar(select(Programme.id).where(Programme.association_id == association_id,
                                                 Programme.name == PROGRAMME)) is not None:
        return 0, 0
    staff = list(session.scalars(select(StaffUser).where(StaffUser.association_id == association_id,
                                                         StaffUser.active.is_(True),
                                                         StaffUser.role == Role.MEDIATOR).order_by(StaffUser.id)))
    if not staff:
        return 0, 0
    facilitators = staff[:2]
    room = _room(session, point)
    programme = Programme(association_id=association_id, name=PROGRAMME, planned_sessions=SESSIONS,
                          target=ProgrammeTarget.PARENTS_YOUNG_CHILDREN,
                          framework="Référentiel national de la parentalité positive")
    session.add(programme)
    session.flush()

    # Finished: twelve Saturdays that ended weeks before the next cycle began, declared over.
    first = _saturday(today - timedelta(weeks=SESSIONS + 8))
    finished = _group(session, programme, point, room, facilitators, "Cycle de printemps", first)
    finished.finished_on = first + timedelta(weeks=SESSIONS)
    sessions = [_session(session, finished, number, first + timedelta(weeks=number - 1), AppointmentStatus.HELD, now)
                for number in range(1, SESSIONS + 1)]
    enrolments = _enrol(session, finished, _participants(session, association_id, facilitators[0], 0), first)
    marks: list[set[int]] = []
    for enrolment, attended in zip(enrolments, FINISHED_ATTENDANCE, strict=True):
        # Most came from the start; one joined at the third session; two stopped after a few.
        present = set(range(3, 11)) if attended == 8 else set(range(1, attended + 1))
        if attended <= 3:
            enrolment.dropped_out_on = first + timedelta(weeks=attended)
        marks.append(present)
        for row in sessions:
            session.add(Attendance(session_id=row.id, enrolment_id=enrolment.id, present=row.number in present))
    for row in sessions:
        row.present_count = sum(1 for present in marks if row.number in present)

    # Running: started five Saturdays ago, five sessions held, the next two booked.
    first = _saturday(today - timedelta(weeks=5))
    if first >= today:
        first -= timedelta(weeks=1)
    running = _group(session, programme, point, room, facilitators[:1], "Cycle d'automne", first)
    enrolments = _enrol(session, running, _participants(session, association_id, facilitators[0], 1), first)
    for number in range(1, 8):
        day = first + timedelta(weeks=number - 1)
        held = day < today
        row = _session(session, running, number, day, AppointmentStatus.HELD if held else AppointmentStatus.SCHEDULED,
                       now)
        if held:
            present = [index % 5 != number % 5 for index in range(len(enrolments))]
            for enrolment, mark in zip(enrolments, present, strict=True):
                session.add(Attendance(session_id=row.id, enrolment_id=enrolment.id, present=mark))
            row.present_count = sum(present)

    # Planned: starts in three weeks, six enrolled so far, nothing booked yet.
    planned = _group(session, programme, point, room, facilitators[-1:], "Cycle d'hiver",
                     _saturday(today + timedelta(weeks=3)))
    _enrol(session, planned, _participants(session, association_id, facilitators[-1], 2)[:6], today)

    # Cancelled before it started (DOM136): an evening cycle nobody could attend; its first session cancelled.
    cancelled = _group(session, programme, point, room, facilitators[:1], "Cycle du soir",
                       _saturday(today + timedelta(weeks=2)))
    evening = _session(session, cancelled, 1, cancelled.start_on, AppointmentStatus.CANCELLED_BY_SERVICE, now)
    evening.appointment.cancel_reason = "Trop peu d'inscriptions"
    cancelled.cancelled_on = today

    activities = 0
    for weeks, theme, title, counts in (
            (2, ActivityTheme.AWARENESS_TALK, "Les écrans et les jeunes enfants",
             ((Sex.FEMALE, AgeBand.B25_34, 14), (Sex.FEMALE, AgeBand.B35_44, 9), (Sex.MALE, AgeBand.B35_44, 4))),
            (6, ActivityTheme.INTERGENERATIONAL_DAY, "Journée des grands-parents",
             ((Sex.FEMALE, AgeBand.B60_PLUS, 11), (Sex.MALE, AgeBand.B60_PLUS, 7), (Sex.FEMALE, AgeBand.B6_11, 12),
              (Sex.MALE, AgeBand.B6_11, 10))),
            (9, ActivityTheme.SOCIAL_PROTECTION_INFO, "L'aide sociale directe",
             ((Sex.FEMALE, AgeBand.B25_34, 18), (Sex.MALE, AgeBand.B45_59, 6)))):
        session.add(Activity(association_id=association_id, service_point_id=point.id,
                             held_on=today - timedelta(weeks=weeks), theme=theme, title=title,
                             stat_key=_key("activity", f"{association_id}:{title}"),
                             created_by_id=facilitators[0].id,
                             facilitators=[ActivityFacilitator(user_id=facilitators[0].id)],
                             counts=[ActivityCount(sex=sex, age_band=band, count=count)
                                     for sex, band, count in counts]))
        activities += 1
    session.flush()
    return 3, activities


def load_demo_groups(session: Session, service_points: dict[int, ServicePoint]) -> tuple[int, int]:
    """Add the demo groups and activities where missing; how many groups and activities were created."""
    today, now = clock.today(), clock.now()
    groups = activities = 0
    for association_id in sorted(service_points):
        made_groups, made_activities = _load_for(session, service_points[association_id], today, now)
        groups += made_groups
        activities += made_activities
    return groups, activities
