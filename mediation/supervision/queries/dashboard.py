"""The caseload dashboard: per staff member and association totals, each figure family one grouped query.

Case figures count cases with the conditions of supervision.predicates, grouped
by the case's lead, so a figure always equals the case list it links to. A page
issues the same statements whatever the number of cases: one
for the case figures, two for sessions, two for appointments, one for the staff
names. Only the per-group rows (a few per staff member) reach Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.appointments.codes import AppointmentStatus
from mediation.appointments.models import Appointment, AppointmentStaff
from mediation.cases.codes import OPEN_STATUSES, CaseStatus
from mediation.cases.models import Case
from mediation.core.authz import Role
from mediation.core.clock import day_bounds
from mediation.counselling.models import CounsellingSession, SessionStaff
from mediation.supervision import predicates as p
from mediation.supervision.periods import Period

LONG_OPEN_SETTING = "SUPERVISION_LONG_OPEN_DAYS"
DEFAULT_LONG_OPEN_DAYS = 90  # docs/domain.md, DOM52: cases open longer than N days (90 by default)

OPEN_ORDER = tuple(status for status in CaseStatus if status in OPEN_STATUSES)
STATUS_KEYS = tuple(f"status_{status.value}" for status in OPEN_ORDER)
ALERT_KEYS = ("awaiting_decision", "danger", "long_open", "overdue", "unrecorded", "stale", "review_due")
CASE_KEYS = STATUS_KEYS + ("open", "awaiting_decision", "danger", "long_open", "overdue", "stale", "review_due",
                           "opened", "closed", "opened_quarter", "closed_quarter")
SESSION_KEYS = ("sessions", "minutes")
APPOINTMENT_KEYS = ("upcoming", "unrecorded")
NAME = "name"
SORT_KEYS = frozenset((NAME, *CASE_KEYS, *SESSION_KEYS, *APPOINTMENT_KEYS))
# Planned and not yet marked held, missed or cancelled.
PENDING = (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED)


def long_open_days() -> int:
    return int(current_app.config.get(LONG_OPEN_SETTING, DEFAULT_LONG_OPEN_DAYS))


@dataclass(frozen=True)
class Figures:
    values: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> int:
        return self.values.get(key, 0)

    @property
    def hours(self) -> float:
        return round(self["minutes"] / 60, 1)

    def __bool__(self) -> bool:
        return any(self.values.values())


@dataclass(frozen=True)
class StaffRow:
    staff: StaffUser | None  # None: cases without a lead
    figures: Figures
    association_id: int

    @property
    def current(self) -> bool:
        """Still an active member of the association: otherwise their cases need a new lead."""
        return self.staff is not None and self.staff.active and self.staff.association_id == self.association_id


@dataclass(frozen=True)
class Dashboard:
    rows: list[StaffRow]
    totals: Figures
    period: Period
    today: date
    week_first: date
    week_last: date
    stale_days: int
    long_open_days: int


def _count_if(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(sql_case((condition, 1), else_=0)), 0)


def _case_figures(session: Session, association_id: int, staff_id: int | None, today: date,
                  period: Period, long_days: int) -> dict[int | None, dict[str, int]]:
    """Per lead (None: no lead): open cases by status, the alerts, cases opened and closed."""
    figures: dict[str, ColumnElement[bool]] = {
        key: Case.status == status for key, status in zip(STATUS_KEYS, OPEN_ORDER, strict=True)}
    figures.update(open=p.is_open(), awaiting_decision=p.awaiting_decision(), danger=p.in_danger(),
                   long_open=p.open_for_at_least(today, long_days), overdue=p.overdue_follow_up(today),
                   stale=p.stale(today), review_due=p.review_due(),
                   opened=p.opened_between(period.first, period.last),
                   closed=p.closed_between(period.first, period.last))
    quarter = period.quarter
    if quarter is not None:
        figures.update(opened_quarter=p.opened_between(quarter.first, quarter.last),
                       closed_quarter=p.closed_between(quarter.first, quarter.last))
    # Only open cases and those opened or closed in the periods can count: the rest is never read.
    reach = period if quarter is None else quarter
    query = (
        select(p.Lead.user_id, *(_count_if(condition).label(key) for key, condition in figures.items()))
        .select_from(Case)
        .outerjoin(p.Lead, p.lead_join())
        .where(Case.association_id == association_id,
               or_(p.is_open(), p.opened_between(reach.first, reach.last),
                   p.closed_between(reach.first, reach.last)))
        .group_by(p.Lead.user_id)
    )
    if staff_id is not None:
        query = query.where(p.Lead.user_id == staff_id)
    return {row.user_id: {key: int(row._mapping[key]) for key in figures} for row in session.execute(query)}


def sessions_held(association_id: int, period: Period) -> ColumnElement[bool]:
    """The sessions the figures count, on CounsellingSession joined to its Case: held on the association's
    cases in the period, voided ones left out. The list behind the figures (queries/sessions.py) reads
    the same condition, so a figure is always the length of its list."""
    start, end = day_bounds(period.first, period.last)
    return and_(Case.association_id == association_id, CounsellingSession.voided_at.is_(None),
                CounsellingSession.started_at >= start, CounsellingSession.started_at < end)


def _session_figures(session: Session, association_id: int, staff_id: int | None,
                     period: Period) -> tuple[dict[int, dict[str, int]], dict[str, int] | None]:
    """Sessions held and their minutes, per staff member who held them and (distinct sessions) in all."""
    held = sessions_held(association_id, period)
    columns = (func.count(CounsellingSession.id).label("sessions"),
               func.coalesce(func.sum(CounsellingSession.duration_min), 0).label("minutes"))
    per_staff = (
        select(SessionStaff.user_id, *columns)
        .select_from(SessionStaff)
        .join(CounsellingSession, CounsellingSession.id == SessionStaff.session_id)
        .join(Case, Case.id == CounsellingSession.case_id)
        .where(held)
        .group_by(SessionStaff.user_id)
    )
    if staff_id is not None:
        per_staff = per_staff.where(SessionStaff.user_id == staff_id)
    rows = {row.user_id: {"sessions": int(row.sessions), "minutes": int(row.minutes)}
            for row in session.execute(per_staff)}
    if staff_id is not None:
        return rows, None
    # A session held by two staff members is one session of the association.
    total = session.execute(select(*columns).select_from(CounsellingSession)
                            .join(Case, Case.id == CounsellingSession.case_id).where(held)).one()
    return rows, {"sessions": int(total.sessions), "minutes": int(total.minutes)}


def _appointment_figures(session: Session, association_id: int, staff_id: int | None, now: datetime,
                         week_end: datetime) -> tuple[dict[int, dict[str, int]], dict[str, int] | None]:
    """Upcoming appointments until the end of the week, and past ones whose attendance is not recorded."""
    upcoming = and_(Appointment.start_utc >= now, Appointment.start_utc < week_end)
    unrecorded = Appointment.end_utc < now
    pending = and_(Appointment.association_id == association_id, Appointment.status.in_(PENDING),
                   or_(upcoming, unrecorded))
    columns = (_count_if(upcoming).label("upcoming"), _count_if(unrecorded).label("unrecorded"))
    per_staff = (
        select(AppointmentStaff.user_id, *columns)
        .select_from(AppointmentStaff)
        .join(Appointment, Appointment.id == AppointmentStaff.appointment_id)
        .where(pending)
        .group_by(AppointmentStaff.user_id)
    )
    if staff_id is not None:
        per_staff = per_staff.where(AppointmentStaff.user_id == staff_id)
    rows = {row.user_id: {"upcoming": int(row.upcoming), "unrecorded": int(row.unrecorded)}
            for row in session.execute(per_staff)}
    if staff_id is not None:
        return rows, None
    total = session.execute(select(*columns).select_from(Appointment).where(pending)).one()
    return rows, {"upcoming": int(total.upcoming), "unrecorded": int(total.unrecorded)}


def _staff_members(session: Session, association_id: int, ids: set[int]) -> list[StaffUser]:
    """The association's active mediators, and anyone else a figure belongs to (a former lead, a supervisor)."""
    return list(session.scalars(select(StaffUser).where(or_(
        and_(StaffUser.association_id == association_id, StaffUser.role == Role.MEDIATOR,
             StaffUser.active.is_(True)),
        StaffUser.id.in_(sorted(ids)),
    ))))


def caseload(session: Session, association_id: int, period: Period, *, today: date, now: datetime,
             staff: StaffUser | None = None) -> Dashboard:
    """The association's dashboard, or one staff member's (their row only) when `staff` is given."""
    long_days = long_open_days()
    staff_id = staff.id if staff is not None else None
    week_first = today - timedelta(days=today.weekday())
    week_last = week_first + timedelta(days=6)
    cases = _case_figures(session, association_id, staff_id, today, period, long_days)
    sessions, session_total = _session_figures(session, association_id, staff_id, period)
    appointments, appointment_total = _appointment_figures(session, association_id, staff_id, now,
                                                           day_bounds(week_first, week_last)[1])

    def figures_of(user_id: int | None) -> Figures:
        if user_id is None:  # the cases without a lead: sessions and appointments always have their staff
            return Figures({**cases.get(None, {})})
        return Figures({**cases.get(user_id, {}), **sessions.get(user_id, {}), **appointments.get(user_id, {})})

    if staff is not None:
        row = StaffRow(staff, figures_of(staff.id), association_id)
        rows, totals = [row], row.figures
    else:
        ids = {user_id for user_id in (*cases, *sessions, *appointments) if user_id is not None}
        rows = [StaffRow(member, figures_of(member.id), association_id)
                for member in _staff_members(session, association_id, ids)]
        unassigned = figures_of(None)
        if unassigned:
            rows.append(StaffRow(None, unassigned, association_id))
        summed = {key: sum(group.get(key, 0) for group in cases.values()) for key in CASE_KEYS}
        totals = Figures({**summed, **(session_total or {}), **(appointment_total or {})})
    return Dashboard(rows, totals, period, today, week_first, week_last, p.stale_days(), long_days)


def sorted_rows(rows: list[StaffRow], key: str, descending: bool) -> list[StaffRow]:
    """Rows by name, or by a figure with ties by name; cases without a lead always last."""
    led = [(row, row.staff) for row in rows if row.staff is not None]
    by_name = [row for row, _staff in sorted(led, key=lambda pair: (pair[1].display_name.casefold(), pair[1].id))]
    if key == NAME:
        ordered = list(reversed(by_name)) if descending else by_name
    else:
        ordered = sorted(by_name, key=lambda row: row.figures[key], reverse=descending)  # stable: ties by name
    return ordered + [row for row in rows if row.staff is None]
