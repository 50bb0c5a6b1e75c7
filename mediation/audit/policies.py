"""Which audit events a user may read."""

from sqlalchemy import Select, false, select

from mediation.core.audit import AuditEvent
from mediation.core.authz import Role


def visible_events(user) -> Select:
    """Admin: every event; supervisor: their association's events; anyone else: none."""
    if user.role == Role.ADMIN:
        return select(AuditEvent)
    # Guard the None case: `association_id == None` would become IS NULL and show
    # every event recorded outside an association (failed logins, admin actions).
    if user.role == Role.SUPERVISOR and user.association_id is not None:
        return select(AuditEvent).where(AuditEvent.association_id == user.association_id)
    return select(AuditEvent).where(false())


def can_see_chain_head(user) -> bool:
    """The chain head concerns the whole platform: the platform administrator only."""
    return user.role == Role.ADMIN
