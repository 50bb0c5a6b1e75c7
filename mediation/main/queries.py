"""The counts on the home page of administrators, analysts and the ministry, each through the user's scope."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.accounts.policies import visible_associations, visible_staff
from mediation.cases.codes import CaseStatus
from mediation.cases.models import Case
from mediation.cases.policies import visible_cases
from mediation.core.authz import Permission
from mediation.statistics.models import ReleaseStatus, StatisticsRelease


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def home_counts(session: Session, user, today) -> dict[str, int]:
    """Only the figures the user's permissions cover."""
    counts = {}
    if user.has(Permission.ASSOCIATION_VIEW):
        counts["associations"] = _count(session, visible_associations(user))
    if user.has(Permission.STAFF_VIEW):
        counts["staff"] = _count(session, visible_staff(user).where(StaffUser.active.is_(True)))
    if user.has(Permission.CASE_VIEW):
        open_cases = visible_cases(user).where(Case.status != CaseStatus.CLOSED)
        counts["open_cases"] = _count(session, open_cases)
        counts["follow_ups_due"] = _count(session, open_cases.where(Case.follow_up_on <= today))
    return counts


def published_releases(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StatisticsRelease)
                          .where(StatisticsRelease.status == ReleaseStatus.PUBLISHED)) or 0
