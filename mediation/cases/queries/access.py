"""Openings of a case outside one's assignment (docs/security.md, P4; docs/domain.md, DOM13): whether one
needs a reason now, and the ones recorded."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from mediation.cases.models import Case, CaseAccess
from mediation.cases.policies import is_assigned
from mediation.core import clock
from mediation.core.authz import Role


def _window() -> timedelta:
    return timedelta(hours=current_app.config["CASE_ACCESS_REASON_HOURS"])


def needs_reason(session: Session, user, case: Case) -> bool:
    """A supervisor opening a case neither assigned to them nor supervised by them, without a recent reason."""
    if getattr(user, "role", None) != Role.SUPERVISOR or user.association_id != case.association_id:
        return False
    if case.supervisor_id == user.id or is_assigned(user, case):
        return False
    recent = exists().where(CaseAccess.case_id == case.id, CaseAccess.user_id == user.id,
                            CaseAccess.granted_at > clock.now() - _window())
    return not session.scalar(select(recent))


def accesses_of(session: Session, case: Case) -> list[CaseAccess]:
    """The case's openings outside assignment, newest first, for its page."""
    return list(session.scalars(select(CaseAccess).where(CaseAccess.case_id == case.id)
                                .order_by(CaseAccess.granted_at.desc(), CaseAccess.id.desc()).limit(50)))
