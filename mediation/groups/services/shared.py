"""What the writes of the groups share (docs/domain.md, DOM120-DOM126): the refusal, the audit line, a whole
number within bounds, the lock on a group's row."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.core.audit import AuditAction, record
from mediation.core.errors import DomainError, ValidationFailed
from mediation.groups.models import ParentingGroup


class GroupPermissionDenied(DomainError):
    message = _l("You may not change this group.")
    status = 403


def audit_row(session: Session, action: AuditAction, entity: str, row, association_id: int) -> None:
    record(session, action, entity=entity, entity_id=row.public_id, association_id=association_id)


def whole_number(value: int | None, field: str, low: int, high: int, message) -> int:
    if value is None or isinstance(value, bool) or not low <= value <= high:
        raise ValidationFailed(message, field=field)
    return value


def lock_group(session: Session, group: ParentingGroup) -> None:
    """Two facilitators booking the next session, or enrolling the last place, at once: one waits."""
    session.execute(select(ParentingGroup.id).where(ParentingGroup.id == group.id).with_for_update())
