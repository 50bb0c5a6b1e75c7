"""Which associations and accounts a user may see."""

from sqlalchemy import Select, false, select

from mediation.admin.models import Association, StaffUser
from mediation.core.authz import Role


def visible_associations(user) -> Select:
    if user.role is Role.ADMIN:
        return select(Association)
    if user.role is Role.SUPERVISOR:
        return select(Association).where(Association.id == user.association_id)
    return select(Association).where(false())


def visible_staff(user) -> Select:
    if user.role is Role.ADMIN:
        return select(StaffUser)
    if user.role is Role.SUPERVISOR:
        return select(StaffUser).where(StaffUser.association_id == user.association_id)
    return select(StaffUser).where(false())
