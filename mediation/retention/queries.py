"""Which closed cases are due for anonymisation: for the job (all associations) and for a supervisor's page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.admin.models import StaffUser
from mediation.cases.models import AssignmentRole, Case, CaseAssignment
from mediation.core.codes import CaseStatus
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


def _not_anonymised_closed(closed_by: date):
    return (select(Case.id, Case.public_id, Case.reference, Case.association_id, Case.closed_on,
                   StaffUser.display_name)
            .outerjoin(CaseAssignment, (CaseAssignment.case_id == Case.id)
                       & (CaseAssignment.role == AssignmentRole.LEAD))
            .outerjoin(StaffUser, StaffUser.id == CaseAssignment.user_id)
            .where(Case.status == CaseStatus.CLOSED, Case.anonymised_at.is_(None), Case.closed_on.is_not(None),
                   Case.closed_on <= closed_by + MARGIN)
            .order_by(Case.closed_on, Case.reference))


def _rows(session: Session, statement, policy: RetentionPolicy, last_day: date) -> list[DueCase]:
    rows = (DueCase(row.id, row.public_id, row.reference, row.association_id, row.closed_on,
                    policy.case_expires_on(row.closed_on), row.display_name)
            for row in session.execute(statement))
    return [row for row in rows if row.expires_on <= last_day]


def expired_cases(session: Session, policy: RetentionPolicy, today: date) -> list[DueCase]:
    """Every association's closed cases whose retention ended on or before `today`."""
    return _rows(session, _not_anonymised_closed(policy.case_closed_by(today)), policy, today)


def due_by(session: Session, policy: RetentionPolicy, association_id: int, last_day: date) -> list[DueCase]:
    """One association's closed cases that expire on or before `last_day` (overdue ones included)."""
    statement = _not_anonymised_closed(policy.case_closed_by(last_day)).where(Case.association_id == association_id)
    return _rows(session, statement, policy, last_day)
