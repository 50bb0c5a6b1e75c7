"""The plan of post-closure follow-ups: made when a case closes with an agreement or a reconciliation,
cancelled when it is reopened (docs/domain.md, DOM93, DOM96).

Receivers of `case_closed` and `case_reopened` (docs/architecture.md, A1): they run in the closing or
reopening transaction, flush and never commit, so the plan and the closure are saved or refused together.
"""

from __future__ import annotations

import calendar
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.aftercare.codes import AftercareStatus
from mediation.aftercare.models import PostClosureFollowUp
from mediation.cases.codes import Outcome
from mediation.cases.models import Case, Closure
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.events import case_closed, case_reopened

MONTHS_SETTING = "POST_CLOSURE_FOLLOW_UP_MONTHS"
DEFAULT_MONTHS = (1, 3, 6)
# The outcomes whose result is worth checking over time (docs/domain.md, DOM93).
PLANNED_AFTER = frozenset({Outcome.AGREEMENT_FULL, Outcome.AGREEMENT_PARTIAL, Outcome.RECONCILIATION})
AUDIT_ENTITY = "post_closure_follow_up"


def plan_months() -> tuple[int, ...]:
    """The months of the plan (POST_CLOSURE_FOLLOW_UP_MONTHS)."""
    return tuple(current_app.config.get(MONTHS_SETTING, DEFAULT_MONTHS))


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 January + 1 month: 28 or 29
    February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_follow_ups(session: Session, case: Case, closure: Closure, *, actor: StaffUser,
                    audit_role: str | None = None) -> list[PostClosureFollowUp]:
    """One planned follow-up per month of the setting, due that long after the closure date, assigned to the
    case's lead (the closing staff member when the case has none). None for another outcome.

    `audit_role` names a tool that plans outside a request (the demo loader: "cli") in the audit events."""
    if closure.outcome not in PLANNED_AFTER:
        return []
    lead = case.lead
    assignee_id = lead.id if lead is not None else actor.id
    planned = [PostClosureFollowUp(case_id=case.id, closure_id=closure.id, months_after=months,
                                   due_on=add_months(closure.closed_on, months), assigned_to_id=assignee_id,
                                   status=AftercareStatus.PLANNED)
               for months in plan_months()]
    session.add_all(planned)
    session.flush()
    for follow_up in planned:
        record(session, AuditAction.CREATE, entity=AUDIT_ENTITY, entity_id=follow_up.public_id,
               association_id=case.association_id, actor_role=audit_role)
    return planned


def cancel_planned(session: Session, case: Case) -> list[PostClosureFollowUp]:
    """Reopening a case cancels its follow-ups not yet recorded; the recorded ones stay (docs/domain.md, DOM96)."""
    planned = list(session.scalars(select(PostClosureFollowUp).where(
        PostClosureFollowUp.case_id == case.id, PostClosureFollowUp.status == AftercareStatus.PLANNED)))
    now = clock.now()
    for follow_up in planned:
        follow_up.status = AftercareStatus.CANCELLED
        follow_up.cancelled_at = now
    session.flush()
    for follow_up in planned:
        record(session, AuditAction.STATUS_CHANGE, entity=AUDIT_ENTITY, entity_id=follow_up.public_id,
               association_id=case.association_id)
    return planned


def _on_case_closed(case: Case, *, session: Session, actor: StaffUser, closure: Closure, **_) -> None:
    plan_follow_ups(session, case, closure, actor=actor)


def _on_case_reopened(case: Case, *, session: Session, **_) -> None:
    cancel_planned(session, case)


case_closed.connect(_on_case_closed, weak=False)
case_reopened.connect(_on_case_reopened, weak=False)
