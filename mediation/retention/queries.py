"""Which closed cases are due for anonymisation: for the job (all associations) and for a supervisor's page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, StaffUser
from mediation.cases.codes import CaseStatus
from mediation.cases.models import AssignmentRole, Case, CaseAssignment
from mediation.retention.policy import RetentionPolicy


@dataclass(frozen=True)
class DueCase:
    id: int
    public_id: uuid.UUID
    reference: str
    association_id: int
    closed_on: date
    expires_on: date
    lead_name: str | None


# Month arithmetic clamps to the month's end (29 Feb + 60 months = 28 Feb), so "closed on or before
# today minus the period" may miss a day: the SQL filter takes a few days more, the expiry date decides.
MARGIN = timedelta(days=3)


def _not_anonymised_closed(session: Session, policy: RetentionPolicy, last_day: date):
    """Closed cases not anonymised yet, closed early enough to expire by `last_day` under their association's
    period: one range per distinct period in use (a handful), so the filter stays in SQL."""
    periods = dict(session.execute(select(Association.id, Association.retention_months)).all())
    by_months: dict[int, list[int]] = {}
    for association_id, months in periods.items():
        by_months.setdefault(policy.case_months(months), []).append(association_id)
    in_period = or_(false(), *(and_(Case.association_id.in_(ids),
                                    Case.closed_on <= policy.case_closed_by(last_day, months) + MARGIN)
                               for months, ids in sorted(by_months.items())))
    statement = (select(Case.id, Case.public_id, Case.reference, Case.association_id, Case.closed_on,
                        StaffUser.display_name)
                 .outerjoin(CaseAssignment, (CaseAssignment.case_id == Case.id)
                            & (CaseAssignment.role == AssignmentRole.LEAD))
                 .outerjoin(StaffUser, StaffUser.id == CaseAssignment.user_id)
                 .where(Case.status == CaseStatus.CLOSED, Case.anonymised_at.is_(None), Case.closed_on.is_not(None),
                        in_period)
                 .order_by(Case.closed_on, Case.reference))
    return statement, periods


def _rows(session: Session, statement, periods: dict[int, int | None], policy: RetentionPolicy,
          last_day: date) -> list[DueCase]:
    rows = (DueCase(row.id, row.public_id, row.reference, row.association_id, row.closed_on,
                    policy.case_expires_on(row.closed_on, periods.get(row.association_id)), row.display_name)
            for row in session.execute(statement))
    return [row for row in rows if row.expires_on <= last_day]


def expired_cases(session: Session, policy: RetentionPolicy, today: date) -> list[DueCase]:
    """Every association's closed cases whose retention ended on or before `today`."""
    statement, periods = _not_anonymised_closed(session, policy, today)
    return _rows(session, statement, periods, policy, today)


def due_by(session: Session, policy: RetentionPolicy, association_id: int, last_day: date) -> list[DueCase]:
    """One association's closed cases that expire on or before `last_day` (overdue ones included)."""
    statement, periods = _not_anonymised_closed(session, policy, last_day)
    return _rows(session, statement.where(Case.association_id == association_id), periods, policy, last_day)
