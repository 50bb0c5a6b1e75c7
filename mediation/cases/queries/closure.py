"""The case's closures (docs/domain.md, DOM53-DOM56): a reopening keeps the closure it undid."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.models import Case, Closure


def closures_of(session: Session, case: Case) -> list[Closure]:
    """The case's closures, newest first: the current one, then those undone by a reopening."""
    return list(session.scalars(
        select(Closure).where(Closure.case_id == case.id).order_by(Closure.created_at.desc(), Closure.id.desc())
    ))
