"""Activity, beneficiaries, access and capacity sections of the own-association report (docs/statistics.md, ST2).

Each section is one grouped query filtered on the association (never a case loaded one by one, never
an encrypted column). Periods follow aggregate.py: the quarter's local midnights as UTC instants.
"""

from __future__ import annotations

import statistics as stats
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.appointments.codes import AppointmentStatus
from mediation.appointments.models import Appointment
from mediation.cases.codes import OUTCOME_GROUP, AgeBand, Outcome, OutcomeGroup, ParticipantRole, ReferralSource, Sex
from mediation.cases.models import Participant, Person
from mediation.cases.models.case import Case, Closure
from mediation.core.authz import Profession, Role
from mediation.core.clock import local_parts
from mediation.counselling.models import CounsellingSession
from mediation.statistics.aggregate import issue_code, issue_rank, real_case
from mediation.statistics.codes import IssueGroup
from mediation.statistics.own_report.shapes import JoinedLabel, PlaceName, Row, Section, percent


def _hours(minutes: int) -> Decimal:
    return (Decimal(int(minutes)) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _registered(association_id: int, bounds):
    return and_(Case.association_id == association_id, Case.created_at >= bounds[0],
                Case.created_at < bounds[1], real_case())


def _closed_at(instant: datetime):
    """The case is closed at `instant`: a closure recorded before it and not reopened by then."""
    return exists().where(Closure.case_id == Case.id, Closure.created_at < instant,
                          or_(Closure.reopened_at.is_(None), Closure.reopened_at >= instant))


def _open_during(association_id: int, bounds):
    """Cases open at some moment of the period: registered before its end, not closed at its start."""
    return and_(Case.association_id == association_id, Case.created_at < bounds[1], real_case(),
                ~_closed_at(bounds[0]))


def _ordered(members, counts: dict, *, keep_empty: bool = True) -> list[Row]:
    return [Row(str(member.value), member.label, int(counts.get(str(member.value), 0)))
            for member in members if keep_empty or counts.get(str(member.value))]


def issue_groups(session: Session, association_id: int, bounds) -> Section:
    issue = issue_rank()
    counts: dict[str, int] = {}
    for rank, n in session.execute(
            select(issue.c.rank, func.count()).select_from(Case).outerjoin(issue, issue.c.case_id == Case.id)
            .where(_registered(association_id, bounds)).group_by(issue.c.rank)):
        code = issue_code(rank)
        counts[code] = counts.get(code, 0) + int(n)
    return Section("opened_by_issue", _l("Cases opened by issue group"), _ordered(IssueGroup, counts))


def service_points(session: Session, association_id: int, bounds) -> Section:
    opened = (select(Case.service_point_id, func.count().label("n"))
              .where(_registered(association_id, bounds)).group_by(Case.service_point_id).subquery("opened"))
    rows = session.execute(
        select(ServicePoint.code, ServicePoint.name_ar, ServicePoint.name_fr, ServicePoint.active, opened.c.n)
        .outerjoin(opened, opened.c.service_point_id == ServicePoint.id)
        .where(ServicePoint.association_id == association_id).order_by(ServicePoint.code))
    return Section("opened_by_point", _l("Cases opened by service point"), [
        Row(code, PlaceName(code, name_ar, name_fr), int(n or 0))
        for code, name_ar, name_fr, active, n in rows if active or n])


def closures(session: Session, association_id: int, bounds) -> Section:
    counts: dict[str, int] = {}
    for outcome, n in session.execute(
            select(Closure.outcome, func.count()).join(Case, Case.id == Closure.case_id)
            .where(Case.association_id == association_id, Closure.created_at >= bounds[0],
                   Closure.created_at < bounds[1], real_case())
            .group_by(Closure.outcome)):
        group = OUTCOME_GROUP[Outcome(outcome)]
        if group is not OutcomeGroup.EXCLUDED:
            counts[group.value] = counts.get(group.value, 0) + int(n)
    groups = [group for group in OutcomeGroup if group is not OutcomeGroup.EXCLUDED]
    return Section("closed_by_outcome", _l("Cases closed by outcome group"), _ordered(groups, counts))


def open_caseload(session: Session, association_id: int, bounds) -> int:
    return int(session.scalar(
        select(func.count()).select_from(Case)
        .where(Case.association_id == association_id, Case.created_at < bounds[1], real_case(),
               ~_closed_at(bounds[1]))) or 0)


def _held_sessions(association_id: int, bounds):
    return and_(Case.association_id == association_id, CounsellingSession.started_at >= bounds[0],
                CounsellingSession.started_at < bounds[1], CounsellingSession.voided_at.is_(None),
                real_case())


def sessions_by(session: Session, association_id: int, bounds, column, members, code: str, title) -> Section:
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


def appointments(session: Session, association_id: int, bounds) -> Section:
    shown = (AppointmentStatus.HELD, AppointmentStatus.MISSED)
    counts = {str(getattr(status, "value", status)): int(n) for status, n in session.execute(
        select(Appointment.status, func.count())
        .where(Appointment.association_id == association_id, Appointment.start_utc >= bounds[0],
               Appointment.start_utc < bounds[1], Appointment.status.in_(shown))
        .group_by(Appointment.status))}
    return Section("appointments", _l("Appointments held and missed"), _ordered(shown, counts))


def missed_counts(section: Section) -> tuple[int, int]:
    """(missed, held + missed) of the appointments section."""
    counts = {row.code: row.count for row in section.rows}
    held, missed = counts.get(AppointmentStatus.HELD.value, 0), counts.get(AppointmentStatus.MISSED.value, 0)
    return missed, held + missed


def missed_rate(section: Section) -> Decimal | None:
    """Missed ÷ (held + missed) as a percentage with one decimal; None when there were none."""
    return percent(*missed_counts(section))


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


def adults(session: Session, association_id: int, bounds) -> Section:
    people = _people(association_id, bounds, False, _ADULT_RANK)
    rows_by_sex_and_rank = session.execute(
        select(Person.sex, people.c.rank, func.count()).join(people, people.c.person_id == Person.id)
        .where(Person.association_id == association_id).group_by(Person.sex, people.c.rank))
    counts = {(str(getattr(sex, "value", sex)), _ADULT_CODE[int(rank or 0)]): int(n)
              for sex, rank, n in rows_by_sex_and_rank}
    rows = []
    for sex in Sex:
        for band, band_label in ADULT_BANDS:
            rows.append(Row(f"{sex.value}|{band}", JoinedLabel((sex.label, band_label)),
                            counts.get((sex.value, band), 0)))
    return Section("adults", _l("Adults served by sex and age band (distinct people)"),
                   [row for row in rows if row.count or row.code.split("|")[0] in (Sex.MALE.value, Sex.FEMALE.value)])


def children(session: Session, association_id: int, bounds) -> Section:
    people = _people(association_id, bounds, True, _CHILD_RANK)
    by_rank = {int(rank or 0): int(n) for rank, n in session.execute(
        select(people.c.rank, func.count()).group_by(people.c.rank))}
    counts = {band.value: by_rank.get(_CHILD_RANK.get(band, 0), 0) for band in CHILD_BANDS}
    return Section("children", _l("Children concerned by age band (distinct children)"), _ordered(CHILD_BANDS, counts))


def referral_sources(session: Session, association_id: int, bounds) -> Section:
    counts = {str(getattr(source, "value", source)): int(n) for source, n in session.execute(
        select(Case.referral_source, func.count()).where(_registered(association_id, bounds))
        .group_by(Case.referral_source))}
    return Section("referral_source", _l("Cases opened by referral source"), _ordered(ReferralSource, counts))


def days_to_first_session(session: Session, association_id: int, bounds) -> Decimal | None:
    """Median days from first contact to the first session, over cases whose first session was held
    in the quarter (one grouped row per such case, no identifier; the median is taken here because
    SQLite has no percentile function)."""
    first = func.min(CounsellingSession.started_at)
    stmt = (select(Case.first_contact_on, first)
            .join(CounsellingSession, CounsellingSession.case_id == Case.id)
            .where(Case.association_id == association_id, real_case(), CounsellingSession.voided_at.is_(None))
            .group_by(Case.id, Case.first_contact_on)
            .having(first >= bounds[0], first < bounds[1]))
    days = [max(0, (local_parts(aware(started))[0] - contact).days) for contact, started in session.execute(stmt)]
    if not days:
        return None
    return Decimal(str(stats.median(days))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def aware(moment: datetime) -> datetime:
    # func.min may return the raw stored value; the application stores UTC.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def staff(session: Session, association_id: int) -> Section:
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


