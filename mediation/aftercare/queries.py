"""Reads of post-closure follow-ups: a case's, an assignee's due ones, a supervisor's alerts (docs/domain.md,
DOM93-DOM95). Each list is one statement with what its rows show (their case, assignee and party contacted are
joined), so a page costs the same whatever the number of follow-ups; always through the user's scope."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.aftercare.codes import AftercareAction, AftercareStatus
from mediation.aftercare.models import PostClosureFollowUp
from mediation.cases.codes import CaseStatus
from mediation.cases.models import Case, Closure
from mediation.cases.policies import visible_cases


def of_case(session: Session, case: Case) -> list[PostClosureFollowUp]:
    """Every follow-up of the case, of every closure: by due date."""
    return list(session.scalars(
        select(PostClosureFollowUp).where(PostClosureFollowUp.case_id == case.id)
        .order_by(PostClosureFollowUp.due_on, PostClosureFollowUp.id)))


def load(session: Session, case: Case, follow_up_id: UUID) -> PostClosureFollowUp | None:
    """One follow-up of a case already loaded through the user's scope; None when it is not that case's."""
    return session.scalar(select(PostClosureFollowUp).where(
        PostClosureFollowUp.public_id == follow_up_id, PostClosureFollowUp.case_id == case.id))


def due_for(session: Session, user, today: date) -> list[PostClosureFollowUp]:
    """The user's planned follow-ups due today or overdue, on cases they still see: oldest first."""
    visible = visible_cases(user).with_only_columns(Case.id)
    return list(session.scalars(
        select(PostClosureFollowUp)
        .where(PostClosureFollowUp.assigned_to_id == user.id,
               PostClosureFollowUp.status == AftercareStatus.PLANNED,
               PostClosureFollowUp.due_on <= today, PostClosureFollowUp.case_id.in_(visible))
        .order_by(PostClosureFollowUp.due_on, PostClosureFollowUp.id)))


def alerts_for(session: Session, user, limit: int) -> tuple[list[PostClosureFollowUp], bool]:
    """The supervisor's queue (docs/domain.md, DOM95): recorded follow-ups that did not hold, found new court
    proceedings or ask to reopen, not yet seen by a supervisor, on cases still closed (a reopened case is being
    dealt with). At most `limit`, oldest first, and whether there are more."""
    closed = visible_cases(user).where(Case.status == CaseStatus.CLOSED).with_only_columns(Case.id)
    rows = list(session.scalars(
        select(PostClosureFollowUp)
        .where(PostClosureFollowUp.alert_condition(), PostClosureFollowUp.seen_at.is_(None),
               PostClosureFollowUp.case_id.in_(closed))
        .order_by(PostClosureFollowUp.done_on, PostClosureFollowUp.id)
        .limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def referral_requested(session: Session, case: Case) -> bool:
    """A follow-up of the case's current closure was recorded with the action "refer" (docs/domain.md, DOM160):
    one statement."""
    return bool(session.scalar(
        select(PostClosureFollowUp.id).join(Closure, Closure.id == PostClosureFollowUp.closure_id)
        .where(PostClosureFollowUp.case_id == case.id, Closure.reopened_at.is_(None),
               PostClosureFollowUp.status == AftercareStatus.DONE,
               PostClosureFollowUp.action == AftercareAction.REFERRAL).limit(1)))
