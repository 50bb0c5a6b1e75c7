"""Opening a case outside one's assignment asks for a reason (docs/security.md, P4; docs/domain.md, DOM13)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import AccessReason
from mediation.cases.models import Case, CaseAccess
from mediation.cases.rules import ACCESS_NOTE_MAX
from mediation.core.audit import AuditAction, record
from mediation.core.errors import ValidationFailed


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


