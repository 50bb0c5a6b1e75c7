"""The demo's statistical history: two past quarters of closed, anonymised case files of the three demo
associations, and the two quarterly releases built from them and published, so that the ministry
account's first visit shows tables and trends (docs/statistics.md, ST45).

A published national table needs at least three associations, none two of them holding more than
90 % (ST13), and counts of 10 or more to show a number (ST11): the three associations here hold
about 38 %, 33 % and 29 % of about 80 cases a quarter. The files are archived history: closed,
anonymised (no person is attached to them, as after the retention period, domain.md, DOM58),
written through the models in a few statements. Nothing is random: references, dates, issues,
outcomes, sessions and record keys follow from the quarter and the case's number.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.appointments.codes import SessionMode
from mediation.cases.codes import (
    AgreementLevel,
    CaseStatus,
    CourtStage,
    IntakeChannel,
    Issue,
    NoteVisibility,
    Outcome,
    ReferralSource,
    SessionType,
)
from mediation.cases.models import Case, Closure
from mediation.cases.models.case import CaseIssue
from mediation.core import clock
from mediation.core.authz import Role
from mediation.counselling.models import CounsellingSession
from mediation.statistics.models import StatisticsRelease
from mediation.statistics.own_report.quarters import Quarter, last_finished_quarter
from mediation.statistics.release import build_release, publish_release, release_date

# Cases per association and quarter, by the association's key in mediation/demo/data.py.
CASES_PER_QUARTER = {"A": 30, "B": 26, "C": 22}
# Ten-case cycles: mostly the three big issue groups, some wider-family and "other" issues.
ISSUES = (Issue.CUSTODY, Issue.MARITAL_DISCORD, Issue.SEPARATION_ARRANGEMENTS, Issue.VISITATION,
          Issue.MARITAL_DISCORD, Issue.CHILD_MAINTENANCE, Issue.IN_LAW_CONFLICT, Issue.SPOUSAL_ENTITLEMENTS,
          Issue.MARITAL_DISCORD, Issue.OTHER)
OUTCOMES = (Outcome.AGREEMENT_FULL, Outcome.NO_AGREEMENT, Outcome.AGREEMENT_PARTIAL, Outcome.COUNSELLING_COMPLETED,
            Outcome.RECONCILIATION, Outcome.PARTY_WITHDREW, Outcome.AGREEMENT_FULL, Outcome.NOT_SUITABLE,
            Outcome.REFERRED_OTHER_SERVICE, Outcome.AGREEMENT_FULL)
SESSIONS = (SessionType.INDIVIDUAL, SessionType.JOINT_MEDIATION, SessionType.COUNSELLING_SOCIAL,
            SessionType.JOINT_MEDIATION, SessionType.SHUTTLE_MEDIATION, SessionType.INDIVIDUAL)
AGREEMENT_LEVELS = {Outcome.AGREEMENT_FULL: AgreementLevel.FULL, Outcome.AGREEMENT_PARTIAL: AgreementLevel.PARTIAL}
HISTORY_MARK = "H"  # references such as RBT-01-2026-H0001: never a number intake would hand out
QUARTERS = 2


def released_quarters(today: date) -> list[Quarter]:
    """The last QUARTERS quarters whose release date has passed, oldest first (docs/statistics.md, ST20)."""
    quarter = last_finished_quarter(today)
    while quarter.last_day + timedelta(days=45) > today:
        quarter = quarter.previous()
    quarters = [quarter]
    while len(quarters) < QUARTERS:
        quarters.insert(0, quarters[0].previous())
    return quarters


def _key(kind: str, reference: str) -> int:
    # A record key spread like secrets.randbelow(256) (docs/statistics.md, ST9), the same at every load.
    return hmac.new(b"demo-stat-key", f"{kind}:{reference}".encode(), hashlib.sha256).digest()[0]


def _instant(day: date, hour: int) -> datetime:
    return clock.to_utc(day, time(hour, 0))


def _author(session: Session, association_id: int) -> int | None:
    staff = session.execute(select(StaffUser.id, StaffUser.role).where(
        StaffUser.association_id == association_id, StaffUser.active.is_(True)).order_by(StaffUser.id)).all()
    mediators = [user_id for user_id, role in staff if role == Role.MEDIATOR]
    return (mediators or [user_id for user_id, _role in staff] or [None])[0]


def _write_quarter(session: Session, quarter: Quarter, point: ServicePoint, author_id: int, count: int,
                   now: datetime) -> None:
    span = (quarter.last_day - quarter.first_day).days
    for number in range(1, count + 1):
        reference = f"{point.code}-{quarter.year:04d}-{HISTORY_MARK}{quarter.quarter}{number:03d}"
        opened = quarter.first_day + timedelta(days=(number * 7) % max(span - 20, 1))
        outcome = OUTCOMES[number % len(OUTCOMES)]
        closed = min(opened + timedelta(days=14 + number % 9), quarter.last_day)
        case = Case(reference=reference, association_id=point.association_id, service_point_id=point.id,
                    status=CaseStatus.CLOSED, opened_on=opened, first_contact_on=opened,
                    intake_channel=IntakeChannel.WALK_IN, referral_source=ReferralSource.SELF,
                    court_stage=CourtStage.NONE, closed_on=closed, outcome=outcome, created_by_id=author_id,
                    stat_key=_key("case", reference), created_at=_instant(opened, 10),
                    updated_at=_instant(closed, 16), anonymised_at=now)
        case.issue_rows.append(CaseIssue(issue=ISSUES[number % len(ISSUES)]))
        session.add(case)
        session.flush()
        for index in range(1 + number % 2):
            kind = SESSIONS[(number + index) % len(SESSIONS)]
            held = _instant(opened + timedelta(days=3 + 4 * index), 11)
            session.add(CounsellingSession(case_id=case.id, type=kind, mode=SessionMode.IN_PERSON, started_at=held,
                                           duration_min=60, visibility=NoteVisibility.STAFF_ONLY,
                                           author_id=author_id, created_at=held,
                                           stat_key=_key(f"session{index}", reference)))
        session.add(Closure(case_id=case.id, closed_on=closed, closed_by_id=author_id, outcome=outcome,
                            agreement_level=AGREEMENT_LEVELS.get(outcome), created_at=_instant(closed, 16),
                            stat_key=_key("closure", reference)))


def load_demo_statistics(session: Session, associations: dict[str, Association],
                         service_points: dict[int, ServicePoint]) -> list[str]:
    """Write the history where it is missing, then build and publish its releases; return the new release ids."""
    admin_id = session.scalar(select(StaffUser.id).where(StaffUser.role == Role.ADMIN, StaffUser.active.is_(True))
                              .order_by(StaffUser.id).limit(1))
    if admin_id is None:
        return []
    now = clock.now()
    quarters = released_quarters(clock.today())
    for key, count in CASES_PER_QUARTER.items():
        association = associations.get(key)
        point = service_points.get(association.id) if association else None
        author_id = _author(session, association.id) if association else None
        if point is None or author_id is None:
            continue
        for quarter in quarters:
            prefix = f"{point.code}-{quarter.year:04d}-{HISTORY_MARK}{quarter.quarter}"
            if not session.scalar(select(func.count()).select_from(Case).where(Case.reference.startswith(prefix))):
                _write_quarter(session, quarter, point, author_id, count, now)
    session.flush()
    admin = session.get(StaffUser, admin_id)
    built = []
    for quarter in quarters:
        period = f"{quarter.year}-Q{quarter.quarter}"
        if session.scalar(select(func.count()).select_from(StatisticsRelease)
                          .where(StatisticsRelease.period == period)):
            continue
        release = build_release(session, quarter.code, actor_id=admin_id)
        if release_date(release) <= clock.today():
            publish_release(session, release.release_id, admin)
        built.append(release.release_id)
    return built
