"""Which associations, service points and accounts a user may see and manage.

`visible_*` decide what exists for a user (outside: 404); `can_*` decide what
they may do with what they see (not allowed: 403). Both are pure: no request,
no session.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.core.authz import Permission, Role


def _is(user, role: Role) -> bool:
    return getattr(user, "role", None) == role


# Associations


def visible_associations(user) -> Select:
    if _is(user, Role.ADMIN):
        return select(Association)
    if _is(user, Role.SUPERVISOR):
        return select(Association).where(Association.id == user.association_id)
    return select(Association).where(false())


def picks_association(user) -> bool:
    """Only an administrator works across associations and so chooses one in forms."""
    return _is(user, Role.ADMIN)


def can_manage_association(user, association: Association | None = None) -> bool:
    return _is(user, Role.ADMIN)


# Service points


def visible_service_points(user) -> Select:
    if _is(user, Role.ADMIN):
        return select(ServicePoint)
    if _is(user, Role.SUPERVISOR):
        return select(ServicePoint).where(ServicePoint.association_id == user.association_id)
    return select(ServicePoint).where(false())


def can_manage_service_points_of(user, association: Association) -> bool:
    """Admin: any association; supervisor: their own."""
    if _is(user, Role.ADMIN):
        return True
    return _is(user, Role.SUPERVISOR) and association.id == user.association_id


def can_manage_service_point(user, service_point: ServicePoint) -> bool:
    if _is(user, Role.ADMIN):
        return True
    return _is(user, Role.SUPERVISOR) and service_point.association_id == user.association_id


# Staff accounts


def visible_staff(user) -> Select:
    if _is(user, Role.ADMIN):
        return select(StaffUser)
    if _is(user, Role.SUPERVISOR):
        return select(StaffUser).where(StaffUser.association_id == user.association_id)
    return select(StaffUser).where(false())


def assignable_roles(user) -> tuple[Role, ...]:
    """Roles the user may give an account: an admin any, a supervisor staff members only."""
    if _is(user, Role.ADMIN):
        return tuple(Role)
    if _is(user, Role.SUPERVISOR):
        return (Role.MEDIATOR,)
    return ()


def can_create_staff(user, role: Role | str, association_id: int | None) -> bool:
    """A supervisor creates staff members of their own association, never other roles."""
    if _is(user, Role.ADMIN):
        return True
    return (
        _is(user, Role.SUPERVISOR)
        and role == Role.MEDIATOR
        and association_id is not None
        and association_id == user.association_id
    )


def can_manage_staff(actor, target: StaffUser) -> bool:
    """Admin: any account; supervisor: the staff members of their own association."""
    if _is(actor, Role.ADMIN):
        return True
    return (
        _is(actor, Role.SUPERVISOR)
        and target.role == Role.MEDIATOR
        and target.association_id is not None
        and target.association_id == actor.association_id
    )


def can_change_role_or_association(actor, target: StaffUser) -> bool:
    """Only an administrator moves an account to another role or association, never their own."""
    return _is(actor, Role.ADMIN) and actor.id != target.id


def can_set_active(actor, target: StaffUser) -> bool:
    """Deactivating or reactivating: a managed account other than one's own."""
    return can_manage_staff(actor, target) and actor.id != target.id


def can_reset_second_factor(actor, target: StaffUser) -> bool:
    return actor.has(Permission.SECOND_FACTOR_RESET) and can_manage_staff(actor, target)
