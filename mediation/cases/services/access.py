"""Opening a case outside one's assignment asks for a reason (docs/security.md, P4; docs/domain.md, DOM13)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import AccessReason
from mediation.cases.models import Case, CaseAccess
from mediation.cases.policies import is_assigned
from mediation.cases.rules import ACCESS_NOTE_MAX
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Role
from mediation.core.errors import ValidationFailed


def supervisor_for_new_case(session: Session, association_id: int, actor: StaffUser) -> int | None:
    """Who follows a new case: the supervisor who opens it, else the association's only active supervisor."""
    if actor.role == Role.SUPERVISOR:
        return actor.id
    ids = session.scalars(select(StaffUser.id).where(StaffUser.association_id == association_id,
                                                     StaffUser.role == Role.SUPERVISOR,
                                                     StaffUser.active.is_(True)).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


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


def record_access(session: Session, case: Case, reason: str, note: str | None, *, actor: StaffUser) -> CaseAccess:
    """Record why a supervisor opens a case outside their assignment; "supervise" makes it theirs."""
    try:
        chosen = AccessReason(reason)
    except ValueError:
        raise ValidationFailed(_l("Choose why you are opening this case."), field="reason") from None
    note = (note or "").strip() or None
    if chosen is AccessReason.OTHER and note is None:
        raise ValidationFailed(_l("Say why you are opening this case."), field="note")
    if note is not None and len(note) > ACCESS_NOTE_MAX:
        raise ValidationFailed(_l("Keep the reason under %(most)s characters.", most=ACCESS_NOTE_MAX), field="note")
    access = CaseAccess(case_id=case.id, user_id=actor.id, reason=chosen, note=note)
    session.add(access)
    if chosen is AccessReason.SUPERVISE:
        case.supervisor_id = actor.id
    session.flush()
    record(session, AuditAction.VIEW, entity="case_access", entity_id=access.public_id,
           association_id=case.association_id)
    return access


def accesses_of(session: Session, case: Case) -> list[CaseAccess]:
    """The case's openings outside assignment, newest first, for its page."""
    return list(session.scalars(select(CaseAccess).where(CaseAccess.case_id == case.id)
                                .order_by(CaseAccess.granted_at.desc(), CaseAccess.id.desc()).limit(50)))
