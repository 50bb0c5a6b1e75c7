"""Read models of the calendars: one staff member's days, and the association's week.

Every read goes through visible_appointments(user), so a calendar never shows
more than the appointment pages would. Days are local days of the service's
zone: a week runs from Monday 00:00 local to the next Monday 00:00 local, and
an appointment sits on the local day it starts, whatever the UTC date.

A page issues a fixed number of statements whatever the number of
appointments: one for the appointments (room and case joined), one for their
staff (selectin), plus the staff or room list of a grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

from mediation.accounts.models import StaffUser
from mediation.appointments.codes import CANCELLED, AppointmentStatus
from mediation.appointments.models import Appointment, AppointmentStaff, Room
from mediation.appointments.policies import can_see_association_calendar, visible_appointments
from mediation.appointments.queries.booking import association_staff, bookable_rooms
from mediation.cases.models import Case, Participant, Person
from mediation.core.authz import Role
from mediation.core.clock import local_datetime, to_utc
from mediation.core.errors import ValidationFailed

WEEK_DAYS = 7
BY_STAFF, BY_ROOM = "staff", "room"
# Still planned after its end: nobody has recorded whether it was held or missed.
AWAITING_ATTENDANCE = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)

# What a calendar entry shows, loaded with the appointments; what it does not show (the
# parties, the case's own collections) is left lazy so that it costs nothing.
_EAGER = (
    joinedload(Appointment.room).joinedload(Room.service_point).lazyload("*"),
    joinedload(Appointment.case).lazyload("*"),
    selectinload(Appointment.staff).joinedload(AppointmentStaff.user).lazyload("*"),
    lazyload(Appointment.parties),
)


def monday_of(day: date) -> date:
    """Weeks start on Monday in every language (Morocco's working week)."""
    return day - timedelta(days=day.weekday())


def start_of_day(day: date) -> datetime:
    """The UTC instant a local day begins."""
    try:
        return to_utc(day, time(0, 0))
    except ValidationFailed:
        # The clocks jumped over midnight: the day begins at the first hour that exists.
        return to_utc(day, time(1, 0))


def local_day(instant: datetime) -> date:
    return local_datetime(instant).date()


def _appointments(session: Session, user, first: date, days: int, *, holder_id: int | None = None,
                  include_cancelled: bool = True) -> list[Appointment]:
    """The visible appointments starting on the local days [first, first + days), by start time."""
    query = (
        visible_appointments(user)
        .where(Appointment.start_utc >= start_of_day(first),
               Appointment.start_utc < start_of_day(first + timedelta(days=days)))
        .options(*_EAGER)
        .order_by(Appointment.start_utc, Appointment.id)
    )
    if holder_id is not None:
        query = query.where(exists().where(AppointmentStaff.appointment_id == Appointment.id,
                                           AppointmentStaff.user_id == holder_id))
    if not include_cancelled:
        query = query.where(Appointment.status.not_in(CANCELLED))
    return list(session.scalars(query).unique())


@dataclass(frozen=True)
class Cell:
    day: date
    appointments: list[Appointment]


def _cells(days: list[date], appointments: list[Appointment]) -> list[Cell]:
    by_day: dict[date, list[Appointment]] = {day: [] for day in days}
    for appointment in appointments:
        by_day.setdefault(local_day(appointment.start_utc), []).append(appointment)
    return [Cell(day, by_day[day]) for day in days]


# One staff member


def days_of(session: Session, user, holder: StaffUser, first: date, days: int) -> list[Appointment]:
    """The appointments `holder` takes part in on the local days [first, first + days), cancelled ones
    included (a worklist shows that they were), as `user` may see them."""
    return _appointments(session, user, first, days, holder_id=holder.id)


def calendar_staff(session: Session, user, public_id) -> StaffUser | None:
    """Whose calendar the user may open: a supervisor any active staff member of their
    association, anyone else only their own. None means "not found" (404)."""
    if public_id is None or public_id == user.public_id:
        return user
    if user.role != Role.SUPERVISOR or user.association_id is None:
        return None
    return next((staff for staff in association_staff(session, user.association_id)
                 if staff.public_id == public_id), None)


@dataclass(frozen=True)
class StaffCalendar:
    staff: StaffUser
    cells: list[Cell]  # one per local day, in order

    @property
    def days(self) -> list[date]:
        return [cell.day for cell in self.cells]

    @property
    def appointments(self) -> list[Appointment]:
        return [appointment for cell in self.cells for appointment in cell.appointments]


def staff_calendar(session: Session, user, staff: StaffUser, first: date, days: int = WEEK_DAYS, *,
                   include_cancelled: bool = True) -> StaffCalendar:
    """The appointments `staff` holds on `days` local days from `first`, as `user` may see them."""
    dates = [first + timedelta(days=offset) for offset in range(days)]
    rows = _appointments(session, user, first, days, holder_id=staff.id, include_cancelled=include_cancelled)
    return StaffCalendar(staff, _cells(dates, rows))


# The association's week (supervisors)


@dataclass
class GridRow:
    staff: StaffUser | None = None
    room: Room | None = None  # neither: the row of meetings by phone or video
    cells: list[Cell] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(cell.appointments) for cell in self.cells)


@dataclass(frozen=True)
class AssociationWeek:
    by: str
    days: list[date]
    rows: list[GridRow]


def association_week(session: Session, user, monday: date, by: str = BY_STAFF, *,
                     include_cancelled: bool = True) -> AssociationWeek:
    """The week of the user's association, one row per staff member or per room."""
    if not can_see_association_calendar(user):
        raise PermissionError("only a supervisor sees the association's calendar")
    days = [monday + timedelta(days=offset) for offset in range(WEEK_DAYS)]
    appointments = _appointments(session, user, monday, WEEK_DAYS, include_cancelled=include_cancelled)
    if by == BY_ROOM:
        rows = _rows_by_room(session, user.association_id, appointments)
    else:
        rows = _rows_by_staff(session, user.association_id, appointments)
    for row, items in rows:
        row.cells = _cells(days, items)
    return AssociationWeek(by, days, [row for row, _items in rows])


def _rows_by_staff(session: Session, association_id: int, appointments: list[Appointment]):
    # Active staff always have a row (an empty week is information too); someone
    # deactivated since keeps one while they still hold appointments that week.
    people = {staff.id: staff for staff in association_staff(session, association_id)}
    held: dict[int, list[Appointment]] = {}
    for appointment in appointments:
        for row in appointment.staff:
            people.setdefault(row.user_id, row.user)
            held.setdefault(row.user_id, []).append(appointment)
    ordered = sorted(people.values(), key=lambda staff: (staff.display_name.casefold(), staff.id))
    return [(GridRow(staff=staff), held.get(staff.id, [])) for staff in ordered]


def _rows_by_room(session: Session, association_id: int, appointments: list[Appointment]):
    rooms = {room.id: room for room in bookable_rooms(session, association_id)}
    order = list(rooms)
    booked: dict[int | None, list[Appointment]] = {}
    for appointment in appointments:
        room = appointment.room
        if room is not None and room.id not in rooms:
            rooms[room.id] = room  # closed since, still booked this week
            order.append(room.id)
        booked.setdefault(appointment.room_id, []).append(appointment)
    rows = [(GridRow(room=rooms[room_id]), booked.get(room_id, [])) for room_id in order]
    # Phone and video meetings take no room but still take the staff's time: one last row.
    rows.append((GridRow(), booked.get(None, [])))
    return rows


# --- The case page's appointments section (RESULTS.md slow spot 1) ---
# It shows each appointment's time, type, place (the room's name or the mode) and status, and the names
# of the parties with a no-show or a cancellation. Left unloaded: the staff (each joined to its account,
# association, region and province), the invited parties (each joined to its person, every encrypted
# contact column decrypted) and the case (already on the page, its encrypted summary decrypted again per
# row). Lazy, not raising: the rows stay in the request's identity map for other sections.
_CASE_SECTION = (
    joinedload(Appointment.room).lazyload(Room.service_point),
    lazyload(Appointment.case),
    lazyload(Appointment.staff),
    lazyload(Appointment.parties),
)


def case_appointments(session: Session, user, case: Case) -> list[Appointment]:
    """The case's appointments the user may see, latest first: one statement whatever their number."""
    return list(session.scalars(
        visible_appointments(user).where(Appointment.case_id == case.id)
        .options(*_CASE_SECTION).order_by(Appointment.start_utc.desc())
    ))


def participant_names(session: Session, case: Case) -> dict[int, str]:
    """The case's active participants' names by participant id: the name column alone is decrypted."""
    return dict(session.execute(
        select(Participant.id, Person.full_name).join(Person, Person.id == Participant.person_id)
        .where(Participant.case_id == case.id, Participant.active.is_(True))
    ).all())


# Attendance to record


def attendance_to_record(user, holder: StaffUser | None, now: datetime):
    """Past appointments whose attendance is not recorded yet, newest first (the dashboard's "attendance
    not recorded" figure as a list): those `holder` takes part in, or all the user may see when None."""
    query = (
        visible_appointments(user)
        .where(Appointment.status.in_(AWAITING_ATTENDANCE), Appointment.end_utc < now)
        .options(*_EAGER)
        .order_by(Appointment.start_utc.desc(), Appointment.id.desc())
    )
    if holder is not None:
        query = query.where(exists().where(AppointmentStaff.appointment_id == Appointment.id,
                                           AppointmentStaff.user_id == holder.id))
    return query
