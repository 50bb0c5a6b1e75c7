"""Supervision reviews and the "review due" flag of a case (docs/domain.md, DOM48, DOM49).

A review is staff-only: its note is encrypted and never reaches a party. A
case flagged "review due" shows on the supervisor's dashboard until a review
is recorded; the review's own next date, if any, becomes the new flag.
Functions flush and never commit; the route commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import NoticeKind
from mediation.cases.models import Case
from mediation.cases.policies import is_supervisor_of
from mediation.cases.services.closure import STALE_CASE  # one message for every stale save of a case
from mediation.cases.services.notices import case_staff_ids, notify
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.supervision.codes import SupervisionDecision, SupervisionTrigger
from mediation.supervision.models import SupervisionReview
from mediation.supervision.rules import REVIEW_NOTE_MAX

# A review planned further than this is a typing error rather than a plan.
LONGEST_PLAN_DAYS = 366
# The decisions that ask the case's staff to act; "continue as planned" asks nothing (docs/domain.md, DOM72).
ASKS_FOR_ACTION = frozenset(SupervisionDecision) - {SupervisionDecision.CONTINUE}


class ReviewNotAllowed(DomainError):
    message = _l("Only a supervisor of the association reviews its cases.")


@dataclass(frozen=True)
class ReviewData:
    reviewed_on: date | None
    trigger: str | None
    decision: str | None
    note: str | None = None
    next_review_on: date | None = None


def _check_next(next_on: date | None, after: date, field: str) -> None:
    if next_on is None:
        return
    if next_on <= after:
        raise ValidationFailed(_l("The next review must come after this one."), field=field)
    if (next_on - after).days > LONGEST_PLAN_DAYS:
        raise ValidationFailed(_l("Plan the next review within a year."), field=field)


def record_review(session: Session, case: Case, data: ReviewData, *, actor: StaffUser,
                  version: int | None = None) -> SupervisionReview:
    if not is_supervisor_of(actor, case):
        raise ReviewNotAllowed()
    if version is not None and version != case.version_id:
        raise StaleRecord(STALE_CASE)
    today = clock.today()
    if data.reviewed_on is None:
        raise ValidationFailed(_l("Enter the date of the review."), field="reviewed_on")
    if data.reviewed_on > today:
        raise ValidationFailed(_l("The review date cannot be in the future."), field="reviewed_on")
    if data.reviewed_on < case.opened_on:
        raise ValidationFailed(_l("The review date cannot be before the case was opened."), field="reviewed_on")
    trigger = parse_code(SupervisionTrigger, data.trigger, _l("Choose why the case is reviewed."), "trigger")
    decision = parse_code(SupervisionDecision, data.decision, _l("Choose the decision."), "decision")
    note = (data.note or "").strip() or None
    if note is not None and len(note) > REVIEW_NOTE_MAX:
        raise ValidationFailed(_l("Use at most %(max)d characters.", max=REVIEW_NOTE_MAX), field="note")
    _check_next(data.next_review_on, max(data.reviewed_on, today), "next_review_on")
    review = SupervisionReview(case_id=case.id, supervisor_id=actor.id, reviewed_on=data.reviewed_on,
                               trigger=trigger, decision=decision, note=note, next_review_on=data.next_review_on)
    session.add(review)
    # The review answers the flag; its own next date, if any, is the next one due.
    case.review_due_on = data.next_review_on
    flush_versioned(session, STALE_CASE)
    if decision in ASKS_FOR_ACTION:
        notify(session, case, NoticeKind.REVIEW_ACTION, case_staff_ids(case), actor=actor)
    record(session, AuditAction.CREATE, entity="supervision_review", entity_id=review.public_id,
           association_id=case.association_id)
    return review


def flag_review_due(session: Session, case: Case, due_on: date | None, *, actor: StaffUser,
                    version: int | None = None) -> None:
    """Flag the case for review by `due_on` (today or later), or clear the flag with None."""
    if not is_supervisor_of(actor, case):
        raise ReviewNotAllowed()
    if not case.is_open:
        raise ValidationFailed(_l("A closed case is not flagged for review."), field="due_on")
    if version is not None and version != case.version_id:
        raise StaleRecord(STALE_CASE)
    if due_on is not None:
        today = clock.today()
        if due_on < today:
            raise ValidationFailed(_l("The review date cannot be in the past."), field="due_on")
        if (due_on - today).days > LONGEST_PLAN_DAYS:
            raise ValidationFailed(_l("Plan the next review within a year."), field="due_on")
    case.review_due_on = due_on
    flush_versioned(session, STALE_CASE)
    record(session, AuditAction.UPDATE, entity="case", entity_id=case.public_id, association_id=case.association_id)
