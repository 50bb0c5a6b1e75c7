"""An association's own quarterly activity report (issue 8, part 5; DOMAIN.md §6).

The supervisor reads the indicators a funded project reports to the ministry for their own
association and one quarter. Every figure is an EXACT count: STATISTICS.md's introduction says an
association's own report uses the releases' threshold and keyed rounding, but the issue asks for
exact counts because this is the association's own data, and the issue wins. The report still holds
no identifier (no name, phone, case reference or public id): only codes, labels and counts. It never
enters a ministry release.

Each section is one grouped query filtered on the association (never a case loaded one by one, never
an encrypted column). Periods follow aggregate.py: the quarter's local midnights as UTC instants.
"""

from __future__ import annotations

import re
import statistics as stats
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from mediation.admin.models import ServicePoint, StaffUser
from mediation.appointments.models import Appointment
from mediation.cases.models import Participant, Person
from mediation.cases.models.case import Case, Closure
from mediation.core.authz import Profession, Role
from mediation.core.codes import (
    OUTCOME_GROUP,
    AgeBand,
    AppointmentStatus,
    IssueGroup,
    Outcome,
    OutcomeGroup,
    ParticipantRole,
    ReferralSource,
    SessionMode,
    SessionType,
    Sex,
)
from mediation.core.localtime import local_parts
from mediation.core.models import local_today
from mediation.counselling.models import CounsellingSession
from mediation.statistics.aggregate import _counted_case, _issue_code, _issue_rank, period_bounds

# --- Quarters -------------------------------------------------------------------------------

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")
FIRST_YEAR = 2000
BAD_QUARTER = _l("That quarter is not valid (expected a year and a quarter, e.g. 2026Q3): "
                 "the last finished quarter is shown instead.")
FUTURE_QUARTER = _l("That quarter has not started yet: the last finished quarter is shown instead.")


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> date:
        following = self.next()
        return date.fromordinal(following.first_day.toordinal() - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def last_finished_quarter(today: date) -> Quarter:
    return quarter_of(today).previous()


def parse_quarter(text: str | None, today: date | None = None) -> tuple[Quarter, object | None]:
    """The quarter asked for and a message (lazy) when it was refused: then the default is used.

    Empty: the last finished quarter, no message. Malformed or before FIRST_YEAR: a message and the
    default. Not started yet: refused with a message. The quarter in progress is allowed (partial).
    """
    today = today or local_today()
    default = last_finished_quarter(today)
    if text is None or not text.strip():
        return default, None
    match = QUARTER_PATTERN.match(text[:32])
    if match is None or int(match.group(1)) < FIRST_YEAR:
        return default, BAD_QUARTER
    asked = Quarter(int(match.group(1)), int(match.group(2)))
    if asked.first_day > today:
        return default, FUTURE_QUARTER
    return asked, None


def recent_quarters(today: date | None = None, count: int = 12) -> list[Quarter]:
    """The selector's choices: the quarter in progress and the ones before it, newest first."""
    current = quarter_of(today or local_today())
    quarters = [current]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


# --- The report -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PlaceName:
    """A service point's name, read in the reader's language when shown."""

    code: str
    name_ar: str
    name_fr: str

    def __str__(self) -> str:
        from mediation.core.i18n import current_language

        return f"{self.code} · {self.name_ar if current_language() == 'ar' else self.name_fr}"


@dataclass(frozen=True)
class JoinedLabel:
    """Two labels of a crossed row (sex and age band), joined when shown."""

    parts: tuple

    def __str__(self) -> str:
        return " · ".join(str(part) for part in self.parts)


@dataclass
class Row:
    code: str
    label: object  # lazy string or PlaceName: translated when rendered
    count: int
    hours: Decimal | None = None


@dataclass
class Section:
    code: str  # also the XLSX sheet name: short, ASCII
    title: object
    rows: list[Row]
    hours: bool = False  # the section has an hours column

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    @property
    def total_hours(self) -> Decimal | None:
        return sum((row.hours for row in self.rows), Decimal("0.0")) if self.hours else None


@dataclass
class Figure:
    code: str
    label: object
    value: int | Decimal | None  # None: not available (no data)
    unit: str = "count"  # "count", "percent" or "days"


@dataclass
class Report:
    association_id: int
    quarter: Quarter
    figures: list[Figure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def _hours(minutes: int) -> Decimal:
    return (Decimal(int(minutes)) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _registered(association_id: int, bounds):
    return and_(Case.association_id == association_id, Case.created_at >= bounds[0],
                Case.created_at < bounds[1], _counted_case())


def _closed_at(instant: datetime):
    """The case is closed at `instant`: a closure recorded before it and not reopened by then."""
    return exists().where(Closure.case_id == Case.id, Closure.created_at < instant,
                          or_(Closure.reopened_at.is_(None), Closure.reopened_at >= instant))


def _open_during(association_id: int, bounds):
    """Cases open at some moment of the period: registered before its end, not closed at its start."""
    return and_(Case.association_id == association_id, Case.created_at < bounds[1], _counted_case(),
                ~_closed_at(bounds[0]))


def _ordered(members, counts: dict, *, keep_empty: bool = True) -> list[Row]:
    return [Row(str(member.value), member.label, int(counts.get(str(member.value), 0)))
            for member in members if keep_empty or counts.get(str(member.value))]


def _issue_groups(session: Session, association_id: int, bounds) -> Section:
    issue = _issue_rank()
    counts: dict[str, int] = {}
    for rank, n in session.execute(
            select(issue.c.rank, func.count()).select_from(Case).outerjoin(issue, issue.c.case_id == Case.id)
            .where(_registered(association_id, bounds)).group_by(issue.c.rank)):
        code = _issue_code(rank)
        counts[code] = counts.get(code, 0) + int(n)
    return Section("opened_by_issue", _l("Cases opened by issue group"), _ordered(IssueGroup, counts))


def _service_points(session: Session, association_id: int, bounds) -> Section:
    opened = (select(Case.service_point_id, func.count().label("n"))
              .where(_registered(association_id, bounds)).group_by(Case.service_point_id).subquery("opened"))
    rows = session.execute(
        select(ServicePoint.code, ServicePoint.name_ar, ServicePoint.name_fr, ServicePoint.active, opened.c.n)
        .outerjoin(opened, opened.c.service_point_id == ServicePoint.id)
        .where(ServicePoint.association_id == association_id).order_by(ServicePoint.code))
    return Section("opened_by_point", _l("Cases opened by service point"), [
        Row(code, PlaceName(code, name_ar, name_fr), int(n or 0))
        for code, name_ar, name_fr, active, n in rows if active or n])


def _closures(session: Session, association_id: int, bounds) -> Section:
    counts: dict[str, int] = {}
    for outcome, n in session.execute(
            select(Closure.outcome, func.count()).join(Case, Case.id == Closure.case_id)
            .where(Case.association_id == association_id, Closure.created_at >= bounds[0],
                   Closure.created_at < bounds[1], _counted_case())
            .group_by(Closure.outcome)):
        group = OUTCOME_GROUP[Outcome(outcome)]
        if group is not OutcomeGroup.EXCLUDED:
            counts[group.value] = counts.get(group.value, 0) + int(n)
    groups = [group for group in OutcomeGroup if group is not OutcomeGroup.EXCLUDED]
    return Section("closed_by_outcome", _l("Cases closed by outcome group"), _ordered(groups, counts))


def _open_caseload(session: Session, association_id: int, bounds) -> int:
    return int(session.scalar(
        select(func.count()).select_from(Case)
        .where(Case.association_id == association_id, Case.created_at < bounds[1], _counted_case(),
               ~_closed_at(bounds[1]))) or 0)


def _held_sessions(association_id: int, bounds):
    return and_(Case.association_id == association_id, CounsellingSession.started_at >= bounds[0],
                CounsellingSession.started_at < bounds[1], CounsellingSession.voided_at.is_(None),
                _counted_case())


def _sessions_by(session: Session, association_id: int, bounds, column, members, code: str, title) -> Section:
    counts, minutes = {}, {}
    for value, n, total in session.execute(
            select(column, func.count(), func.sum(CounsellingSession.duration_min))
            .join(Case, Case.id == CounsellingSession.case_id)
            .where(_held_sessions(association_id, bounds)).group_by(column)):
        key = str(getattr(value, "value", value))
        counts[key], minutes[key] = int(n), int(total or 0)
    rows = _ordered(members, counts)
    for row in rows:
        row.hours = _hours(minutes.get(row.code, 0))
    return Section(code, title, rows, hours=True)


def _appointments(session: Session, association_id: int, bounds) -> Section:
    shown = (AppointmentStatus.HELD, AppointmentStatus.MISSED)
    counts = {str(getattr(status, "value", status)): int(n) for status, n in session.execute(
        select(Appointment.status, func.count())
        .where(Appointment.association_id == association_id, Appointment.start_utc >= bounds[0],
               Appointment.start_utc < bounds[1], Appointment.status.in_(shown))
        .group_by(Appointment.status))}
    return Section("appointments", _l("Appointments held and missed"), _ordered(shown, counts))


def missed_rate(section: Section) -> Decimal | None:
    """Missed ÷ (held + missed) as a percentage with one decimal; None when there were none."""
    counts = {row.code: row.count for row in section.rows}
    held, missed = counts.get(AppointmentStatus.HELD.value, 0), counts.get(AppointmentStatus.MISSED.value, 0)
    if held + missed == 0:
        return None
    return (Decimal(100 * missed) / (held + missed)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Adult bands merged for the report; unknown ranks lowest so a known band of the same person wins.
ADULT_BANDS = (("18_34", _l("18–34 years")), ("35_59", _l("35–59 years")),
               ("60_plus", AgeBand.B60_PLUS.label), ("unknown", AgeBand.UNKNOWN.label))
_ADULT_RANK = {AgeBand.B18_24: 1, AgeBand.B25_34: 1, AgeBand.B35_44: 2, AgeBand.B45_59: 2, AgeBand.B60_PLUS: 3}
_ADULT_CODE = {0: "unknown", 1: "18_34", 2: "35_59", 3: "60_plus"}
CHILD_BANDS = (AgeBand.B0_3, AgeBand.B4_5, AgeBand.B6_11, AgeBand.B12_14, AgeBand.B15_17, AgeBand.UNKNOWN)
_CHILD_RANK = {band: index + 1 for index, band in enumerate(CHILD_BANDS[:-1])}
NOT_BENEFICIARIES = (ParticipantRole.CHILD, ParticipantRole.LEGAL_REPRESENTATIVE)


def _people(association_id: int, bounds, children: bool, ranks: dict):
    """One row per distinct person of the period's cases with their band's rank (the oldest known)."""
    rank = case({band: value for band, value in ranks.items()}, value=Participant.age_band, else_=0)
    role = Participant.role == ParticipantRole.CHILD if children else Participant.role.not_in(NOT_BENEFICIARIES)
    return (select(Participant.person_id, func.max(rank).label("rank"))
            .join(Case, Case.id == Participant.case_id)
            .where(_open_during(association_id, bounds), Participant.active.is_(True), role)
            .group_by(Participant.person_id).subquery("people"))


def _adults(session: Session, association_id: int, bounds) -> Section:
    people = _people(association_id, bounds, False, _ADULT_RANK)
    counts = {(str(getattr(sex, "value", sex)), _ADULT_CODE[int(rank or 0)]): int(n) for sex, rank, n in session.execute(
        select(Person.sex, people.c.rank, func.count()).join(people, people.c.person_id == Person.id)
        .where(Person.association_id == association_id).group_by(Person.sex, people.c.rank))}
    rows = []
    for sex in Sex:
        for band, band_label in ADULT_BANDS:
            rows.append(Row(f"{sex.value}|{band}", JoinedLabel((sex.label, band_label)), counts.get((sex.value, band), 0)))
    return Section("adults", _l("Adults served by sex and age band (distinct people)"),
                   [row for row in rows if row.count or row.code.split("|")[0] in (Sex.MALE.value, Sex.FEMALE.value)])


def _children(session: Session, association_id: int, bounds) -> Section:
    people = _people(association_id, bounds, True, _CHILD_RANK)
    by_rank = {int(rank or 0): int(n) for rank, n in session.execute(
        select(people.c.rank, func.count()).group_by(people.c.rank))}
    counts = {band.value: by_rank.get(_CHILD_RANK.get(band, 0), 0) for band in CHILD_BANDS}
    return Section("children", _l("Children concerned by age band (distinct children)"), _ordered(CHILD_BANDS, counts))


def _referral_sources(session: Session, association_id: int, bounds) -> Section:
    counts = {str(getattr(source, "value", source)): int(n) for source, n in session.execute(
        select(Case.referral_source, func.count()).where(_registered(association_id, bounds))
        .group_by(Case.referral_source))}
    return Section("referral_source", _l("Cases opened by referral source"), _ordered(ReferralSource, counts))


def _days_to_first_session(session: Session, association_id: int, bounds) -> Decimal | None:
    """Median days from first contact to the first session, over cases whose first session was held
    in the quarter (one grouped row per such case, no identifier; the median is taken here because
    SQLite has no percentile function)."""
    first = func.min(CounsellingSession.started_at)
    stmt = (select(Case.first_contact_on, first)
            .join(CounsellingSession, CounsellingSession.case_id == Case.id)
            .where(Case.association_id == association_id, _counted_case(), CounsellingSession.voided_at.is_(None))
            .group_by(Case.id, Case.first_contact_on)
            .having(first >= bounds[0], first < bounds[1]))
    days = [max(0, (local_parts(_aware(started))[0] - contact).days) for contact, started in session.execute(stmt)]
    if not days:
        return None
    return Decimal(str(stats.median(days))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _aware(moment: datetime) -> datetime:
    # func.min may return the raw stored value; the application stores UTC.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _staff(session: Session, association_id: int) -> Section:
    counts: dict[str, int] = {}
    for profession, n in session.execute(
            select(StaffUser.profession, func.count())
            .where(StaffUser.association_id == association_id, StaffUser.active.is_(True),
                   StaffUser.role.in_((Role.SUPERVISOR, Role.MEDIATOR)))
            .group_by(StaffUser.profession)):
        key = str(getattr(profession, "value", profession)) if profession is not None else "none"
        counts[key] = int(n)
    rows = _ordered(Profession, counts)
    rows.append(Row("none", _l("No profession recorded (e.g. supervisors)"), counts.get("none", 0)))
    return Section("staff", _l("Active staff by profession (today)"), rows)


def association_report(session: Session, association_id: int, year: int, quarter: int) -> Report:
    """The report of one association for one quarter: exact counts, no identifiers."""
    bounds = period_bounds(year, quarter)
    report = Report(association_id, Quarter(year, quarter))
    appointments = _appointments(session, association_id, bounds)
    report.figures = [
        Figure("open_caseload", _l("Open caseload at the end of the quarter"),
               _open_caseload(session, association_id, bounds)),
        Figure("missed_rate", _l("Missed-appointment rate (missed ÷ (held + missed))"),
               missed_rate(appointments), "percent"),
        Figure("days_to_first_session", _l("Median days from first contact to first session"),
               _days_to_first_session(session, association_id, bounds), "days"),
    ]
    report.sections = [
        _issue_groups(session, association_id, bounds),
        _service_points(session, association_id, bounds),
        _closures(session, association_id, bounds),
        _sessions_by(session, association_id, bounds, CounsellingSession.type, SessionType,
                     "sessions_by_type", _l("Sessions held by type")),
        _sessions_by(session, association_id, bounds, CounsellingSession.mode, SessionMode,
                     "sessions_by_mode", _l("Sessions held by mode")),
        appointments,
        _adults(session, association_id, bounds),
        _children(session, association_id, bounds),
        _referral_sources(session, association_id, bounds),
        _staff(session, association_id),
    ]
    return report
