"""Demo rooms and appointments: every demo staff member has a diary around the current week.

The diary is counted from today, and which demo sessions fall on a working day
depends on the day of the week: the main checks run once for each of the
seven days, by moving the demo's clock back 0 to 6 days.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta
from itertools import combinations

import pytest
from sqlalchemy import func, select

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment, AppointmentParty, Room
from mediation.cases.models import Participant
from mediation.core import clock
from mediation.core.audit import AuditEvent, verify_chain
from mediation.core.clock import local_datetime, to_utc
from mediation.counselling.models import CounsellingSession
from mediation.demo.appointments import PLANS, ROOMS, Slot, clashes, week_monday
from mediation.demo.data import load_demo
from mediation.extensions import db
from mediation.groups.models import GroupSession

MEDIATORS = tuple(PLANS)  # mediator.a1, mediator.a2, mediator.b1, mediator.b2
PAST = {AppointmentStatus.HELD, AppointmentStatus.MISSED, AppointmentStatus.CANCELLED_BY_PARTY}
FUTURE = {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED, AppointmentStatus.CANCELLED_BY_PARTY}
CANCELLED = {AppointmentStatus.CANCELLED_BY_PARTY, AppointmentStatus.CANCELLED_BY_SERVICE}


@pytest.fixture(params=range(7), ids=lambda days: f"{days}_days_back")
def days_back(request, frozen_clock):
    """The product's clock 0-6 days ago, while the demo loads: every day of the week is met once."""
    frozen_clock.set(clock.now() - timedelta(days=request.param), ticking=True)
    return clock.now, clock.today


def loaded(app):
    with app.app_context():
        report = load_demo(db.session)
        db.session.commit()
        return report


def diary(username: str) -> list[Appointment]:
    """The staff member's demo diary: their appointments but the sessions of the demo parenting groups
    (Saturday cycles of their own, docs/domain.md, DOM122)."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    group_sessions = select(GroupSession.appointment_id)
    everything = db.session.scalars(select(Appointment).where(Appointment.id.not_in(group_sessions))
                                    .order_by(Appointment.start_utc))
    return [appointment for appointment in everything if user.id in appointment.staff_ids]


def overlap(first: Appointment, second: Appointment) -> bool:
    return first.start_utc < second.end_utc and second.start_utc < first.end_utc


def test_the_demo_diary_holds_whatever_the_day_of_the_week(app, days_back):
    report = loaded(app)
    assert report.appointments >= 6 * len(MEDIATORS)
    with app.app_context():
        every_mediator_has_a_diary_around_the_current_week(*days_back)
        no_staff_member_or_room_is_ever_booked_twice()
        appointments_fit_their_cases_rooms_and_modes()
        held_sessions_of_the_log_are_linked_to_their_appointment()


def every_mediator_has_a_diary_around_the_current_week(now, today):
    first_day, last_day = week_monday(today(), -1), week_monday(today(), 1) + timedelta(days=4)
    for username in MEDIATORS:
        appointments = diary(username)
        assert 6 <= len(appointments) <= 14, (username, len(appointments))
        weeks = set()
        for appointment in appointments:
            start, end = local_datetime(appointment.start_utc), local_datetime(appointment.end_utc)
            assert first_day <= start.date() <= last_day and start.weekday() <= 4, (username, start)
            assert start.time() >= time(8, 30) and end.time() <= time(18, 0) and end.date() == start.date()
            assert 30 <= appointment.duration_min <= 90
            assert appointment.end_utc - appointment.start_utc == timedelta(minutes=appointment.duration_min)
            # The wall-clock time the family was told is the truth the instants are derived from.
            day, wall = (date.fromisoformat(appointment.start_local[:10]),
                         time.fromisoformat(appointment.start_local[11:]))
            assert to_utc(day, wall) == appointment.start_utc and appointment.time_zone == "Africa/Casablanca"
            weeks.add((start.date() - week_monday(today(), 0)).days // 7)
            if appointment.end_utc <= now():
                assert appointment.status in PAST, (username, appointment.status)
            else:
                assert appointment.status in FUTURE, (username, appointment.status)
        assert weeks == {-1, 0, 1}, username
        statuses = {a.status for a in appointments}
        assert {AppointmentStatus.HELD, AppointmentStatus.MISSED, AppointmentStatus.CANCELLED_BY_PARTY} <= statuses
        assert statuses & {AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED}, username
        assert {SessionMode.IN_PERSON, SessionMode.PHONE, SessionMode.VIDEO} <= {a.mode for a in appointments}
        assert [a for a in appointments if a.case_id is None and a.intake_label], f"{username}: no intake meeting"


def no_staff_member_or_room_is_ever_booked_twice():
    booked = [a for a in db.session.scalars(select(Appointment)) if a.status not in CANCELLED]
    by_staff, by_room = defaultdict(list), defaultdict(list)
    for appointment in booked:
        for user_id in appointment.staff_ids:
            by_staff[user_id].append(appointment)
        if appointment.room_id is not None:
            by_room[appointment.room_id].append(appointment)
    assert len(by_room) >= 3  # rooms are really shared out, so the check below means something
    for group in (*by_staff.values(), *by_room.values()):
        for first, second in combinations(group, 2):
            assert not overlap(first, second), (first.start_local, second.start_local)


def test_the_clash_check_sees_booked_slots_and_ignores_cancelled_ones(app):
    loaded(app)
    with app.app_context():
        appointments = db.session.scalars(select(Appointment).order_by(Appointment.id)).all()
        booked = next(a for a in appointments if a.status not in CANCELLED and a.room_id is not None)
        start = local_datetime(booked.start_utc)
        later = Slot.local(start.date(), (start + timedelta(minutes=10)).time().replace(tzinfo=None), 30)
        assert clashes(db.session, later, booked.staff_ids, None)
        assert clashes(db.session, later, [], booked.room_id)
        cancelled = next(a for a in appointments if a.status in CANCELLED)
        start = local_datetime(cancelled.start_utc)
        same = Slot.local(start.date(), start.time().replace(tzinfo=None), cancelled.duration_min)
        others = [a for a in appointments if a.status not in CANCELLED and overlap(a, cancelled)
                  and set(a.staff_ids) & set(cancelled.staff_ids)]
        assert not others  # the demo leaves a cancelled slot free...
        assert not clashes(db.session, same, cancelled.staff_ids, None)  # ...and the check sees it free


def appointments_fit_their_cases_rooms_and_modes():
    cancelled_with_reason = 0
    for appointment in db.session.scalars(select(Appointment)):
        staff = [db.session.get(StaffUser, user_id) for user_id in appointment.staff_ids]
        assert staff and all(user.association_id == appointment.association_id for user in staff)
        if appointment.case is not None:
            assert appointment.case.association_id == appointment.association_id
            assert set(appointment.staff_ids) <= {a.user_id for a in appointment.case.assignments}
            invited = [db.session.get(Participant, pid) for pid in appointment.participant_ids]
            assert invited and all(p.case_id == appointment.case_id for p in invited)
        else:
            assert appointment.intake_label and not appointment.participant_ids
        if appointment.mode is SessionMode.IN_PERSON:
            assert appointment.room.association_id == appointment.association_id and appointment.room.active
            assert appointment.service_point_id == appointment.room.service_point_id
        else:
            assert appointment.room_id is None
        assert (appointment.video_link or "").startswith("https://") is (appointment.mode is SessionMode.VIDEO)
        if appointment.status is AppointmentStatus.CANCELLED_BY_PARTY:
            assert appointment.cancel_reason and appointment.cancelled_by_participant_id in appointment.participant_ids
            requesting = db.session.get(Participant, appointment.cancelled_by_participant_id)
            assert requesting.is_requesting_party
            cancelled_with_reason += 1
        if appointment.status is not AppointmentStatus.SCHEDULED:
            assert appointment.status_changed_at and appointment.status_changed_by_id in appointment.staff_ids
    assert cancelled_with_reason >= len(MEDIATORS)
    # The requesting party is invited to most planned case appointments.
    requesting_invited = db.session.scalar(
        select(func.count()).select_from(Appointment).join(AppointmentParty)
        .join(Participant).where(Participant.is_requesting_party.is_(True)))
    assert requesting_invited >= 4 * len(MEDIATORS)


def held_sessions_of_the_log_are_linked_to_their_appointment():
    linked = db.session.scalars(select(CounsellingSession).where(CounsellingSession.appointment_id.is_not(None))).all()
    assert linked  # some demo session always falls on a working day since last Monday
    for logged in linked:
        appointment = db.session.get(Appointment, logged.appointment_id)
        assert appointment.status is AppointmentStatus.HELD and not logged.is_void
        assert (appointment.case_id, appointment.start_utc, appointment.duration_min, appointment.mode,
                appointment.session_type) == (logged.case_id, logged.started_at, logged.duration_min,
                                              logged.mode, logged.type)
        assert sorted(appointment.staff_ids) == sorted(row.user_id for row in logged.staff)


def test_each_demo_service_point_gets_its_rooms_once(app):
    report = loaded(app)
    assert sorted(report.rooms) == sorted(name for names in ROOMS.values() for name in names)
    with app.app_context():
        for code, names in ROOMS.items():
            point = db.session.scalar(select(ServicePoint).where(ServicePoint.code == code))
            rooms = db.session.scalars(select(Room).where(Room.service_point_id == point.id)).all()
            assert 2 <= len(rooms) <= 3 and sorted(room.name for room in rooms) == sorted(names)
            assert all(room.active and room.association_id == point.association_id for room in rooms)
        audited = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "room"))
        assert audited == len(report.rooms)
        before = (db.session.scalar(select(func.count()).select_from(Appointment)),
                  db.session.scalar(select(func.count()).select_from(AuditEvent)))
    again = loaded(app)
    assert (again.rooms, again.appointments) == ([], 0)
    with app.app_context():
        assert (db.session.scalar(select(func.count()).select_from(Appointment)),
                db.session.scalar(select(func.count()).select_from(AuditEvent))) == before
        assert verify_chain(db.session).ok


def test_a_staff_member_who_already_has_appointments_gets_no_demo_diary(app):
    loaded(app)
    with app.app_context():
        a1 = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        for appointment in db.session.scalars(select(Appointment)):
            if appointment.staff_ids != [a1.id]:
                db.session.delete(appointment)
        db.session.commit()
        kept = db.session.scalar(select(func.count()).select_from(Appointment)
                                 .where(Appointment.id.not_in(select(GroupSession.appointment_id))))
    # Everyone but mediator A1 lost their diary: the next run gives theirs back, and leaves A1's alone.
    report = loaded(app)
    assert report.rooms == [] and report.appointments > 0
    with app.app_context():
        assert len(diary("mediator.a1")) == kept
        assert all(len(diary(username)) >= 6 for username in MEDIATORS)
