"""Moving a case, or all open cases of a staff member, to another lead.

One transaction: every case moves or none does. The previous lead keeps no
access unless the supervisor keeps them as a co-worker; the new lead, if they
were a co-worker, becomes the lead. Each move is kept (LeadChange, with the
reason encrypted) and audited. Functions flush and never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import NoticeKind
from mediation.cases.models import AssignmentRole, Case, CaseAssignment
from mediation.cases.policies import is_supervisor_of
from mediation.cases.services.closure import STALE_CASE
from mediation.cases.services.notices import notify
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Role
from mediation.core.errors import StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.supervision.models import LeadChange
from mediation.supervision.queries.reassignment import open_cases_led_by
from mediation.supervision.rules import REASSIGN_REASON_MAX
from mediation.supervision.services.reviews import ReviewNotAllowed


@dataclass(frozen=True)
class Reassignment:
    to_user_id: uuid.UUID | None  # the new lead's public id
    reason: str | None
    keep_previous: bool = False


def _target(session: Session, association_id: int, data: Reassignment) -> StaffUser:
    target = session.scalar(select(StaffUser).where(StaffUser.public_id == data.to_user_id)) \
        if data.to_user_id else None
    if target is None or target.association_id != association_id:
        raise ValidationFailed(_l("Choose a staff member of your association."), field="to_user")
    if not target.active:
        raise ValidationFailed(_l("This account is deactivated: choose an active staff member."), field="to_user")
    if target.role != Role.MEDIATOR:
        raise ValidationFailed(_l("A case is led by a staff member, not by a supervisor."), field="to_user")
    return target


def _reason(data: Reassignment) -> str:
    reason = (data.reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Give the reason for the change."), field="reason")
    if len(reason) > REASSIGN_REASON_MAX:
        raise ValidationFailed(_l("Use at most %(max)d characters.", max=REASSIGN_REASON_MAX), field="reason")
    return reason


def _move(session: Session, case: Case, target: StaffUser, reason: str, keep_previous: bool,
          actor: StaffUser) -> LeadChange:
    by_user = {assignment.user_id: assignment for assignment in case.assignments}
    previous = next((a for a in case.assignments if a.role is AssignmentRole.LEAD), None)
    if previous is not None:
        if keep_previous:
            previous.role = AssignmentRole.CO_WORKER
        else:
            case.assignments.remove(previous)
        # The old lead row goes first: one lead per case is a unique index.
        session.flush()
    if target.id in by_user and by_user[target.id] is not previous:
        by_user[target.id].role = AssignmentRole.LEAD
    else:
        case.assignments.append(CaseAssignment(user_id=target.id, role=AssignmentRole.LEAD))
    change = LeadChange(case_id=case.id, from_user_id=previous.user_id if previous else None, to_user_id=target.id,
                        kept_as_co_worker=bool(previous and keep_previous), reason=reason, changed_by_id=actor.id)
    session.add(change)
    case.updated_at = clock.now()  # bumps the case's version: a concurrent edit sees it
    flush_versioned(session, STALE_CASE)
    # The new lead is told in the application (docs/domain.md, DOM72).
    notify(session, case, NoticeKind.REASSIGNED, [target.id], actor=actor)
    record(session, AuditAction.UPDATE, entity="case_assignment", entity_id=case.public_id,
           association_id=case.association_id)
    return change


def reassign_case(session: Session, case: Case, data: Reassignment, *, actor: StaffUser,
                  version: int | None = None) -> LeadChange:
    if not is_supervisor_of(actor, case):
        raise ReviewNotAllowed()
    if not case.is_open:
        raise ValidationFailed(_l("A closed case keeps its lead: reopen it first."), field="to_user")
    if version is not None and version != case.version_id:
        raise StaleRecord(STALE_CASE)
    target = _target(session, case.association_id, data)
    if case.lead is not None and case.lead.id == target.id:
        raise ValidationFailed(_l("This staff member already leads the case."), field="to_user")
    return _move(session, case, target, _reason(data), data.keep_previous, actor)


def reassign_all(session: Session, leaving: StaffUser, data: Reassignment, *, actor: StaffUser) -> int:
    """Every open case `leaving` leads moves to one new lead; returns how many moved."""
    if (getattr(actor, "role", None) != Role.SUPERVISOR or leaving.association_id is None
            or actor.association_id != leaving.association_id):
        raise ReviewNotAllowed()
    target = _target(session, leaving.association_id, data)
    if target.id == leaving.id:
        raise ValidationFailed(_l("Choose another staff member."), field="to_user")
    reason = _reason(data)
    cases = open_cases_led_by(session, leaving)
    for case in cases:
        _move(session, case, target, reason, data.keep_previous, actor)
    return len(cases)
