"""Follow-up actions: marking one done. Flushes, never commits."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.cases.models import Case
from mediation.core.audit import AuditAction, record
from mediation.core.errors import DomainError
from mediation.counselling.models import FollowUpAction
from mediation.counselling.policies import can_mark_done


class ActionAlreadyDone(DomainError):
    message = _l("This follow-up action was already marked done.")


class ActionNotYours(DomainError):
    message = _l("Only the person it is assigned to, or a supervisor, may mark this action done.")


def mark_done(session: Session, case: Case, action: FollowUpAction, *, on: date, actor) -> FollowUpAction:
    """Only the assignee or a supervisor of the association closes an action, and only once."""
    if not can_mark_done(actor, case, action):
        raise ActionNotYours()
    if action.done_on is not None:
        raise ActionAlreadyDone()
    action.done_on = on
    action.done_by_id = actor.id
    session.flush()
    record(session, AuditAction.UPDATE, entity="follow_up_action", entity_id=action.public_id,
           association_id=case.association_id)
    return action
