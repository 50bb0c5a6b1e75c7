"""Demo post-closure follow-ups (docs/domain.md, DOM93): the plan of every closed demo case whose outcome
plans one, as the closure service's event makes it (the demo cases are written without that service)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from mediation.aftercare.models import PostClosureFollowUp
from mediation.aftercare.services.plan import PLANNED_AFTER, plan_follow_ups
from mediation.cases.models import Case, Closure


def load_demo_follow_ups(session: Session, references: list[str]) -> int:
    """Plan the follow-ups of the demo cases just created (`references`) that closed with an agreement or a
    reconciliation and have none yet; how many were planned."""
    if not references:
        return 0
    closures = session.execute(
        select(Case, Closure).join(Closure, Closure.case_id == Case.id)
        .where(Case.reference.in_(references), Closure.reopened_at.is_(None), Closure.outcome.in_(PLANNED_AFTER),
               ~exists().where(PostClosureFollowUp.closure_id == Closure.id))).all()
    planned = 0
    for case, closure in closures:
        planned += len(plan_follow_ups(session, case, closure, actor=closure.closed_by, audit_role="cli"))
    return planned
