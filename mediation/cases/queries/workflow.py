"""The case's status history (docs/domain.md, DOM14)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.models import Case, StatusChange


def status_history(session: Session, case: Case) -> list[StatusChange]:
    """Every status change of the case, latest first."""
    return list(session.scalars(select(StatusChange).where(StatusChange.case_id == case.id)
                                .order_by(StatusChange.id.desc())))
