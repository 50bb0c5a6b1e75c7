"""Who may manage an association's SMS texts (docs/security.md, S84): its own supervisors, nobody else."""

from __future__ import annotations

from sqlalchemy import Select, false, select

from mediation.accounts.models import Association
from mediation.core.authz import Permission


def managed_associations(user) -> Select:
    """The associations whose texts `user` may see and change: their own when they hold the permission;
    any other answers 404, as an unknown id does."""
    if not user.is_authenticated or not user.has(Permission.SMS_TEMPLATE_MANAGE) or user.association_id is None:
        return select(Association).where(false())
    return select(Association).where(Association.id == user.association_id)


def can_manage_sms_templates(user, association: Association) -> bool:
    return (user.is_authenticated and user.has(Permission.SMS_TEMPLATE_MANAGE)
            and association.id == user.association_id)
