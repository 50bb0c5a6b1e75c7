"""The staff of an association a case may be given to: its lead and co-workers, and the supervisor who
follows a new case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.core.authz import Role


def staff_of(session: Session, association_id: int) -> list[StaffUser]:
    """Active staff members who may lead or co-work a case."""
    return list(session.scalars(
        select(StaffUser)
        .where(StaffUser.association_id == association_id, StaffUser.role == Role.MEDIATOR,
               StaffUser.active.is_(True))
        .order_by(StaffUser.display_name)
    ))


def supervisor_for_new_case(session: Session, association_id: int, actor: StaffUser) -> int | None:
    """Who follows a new case: the supervisor who opens it, else the association's only active supervisor."""
    if actor.role == Role.SUPERVISOR:
        return actor.id
    ids = session.scalars(select(StaffUser.id).where(StaffUser.association_id == association_id,
                                                     StaffUser.role == Role.SUPERVISOR,
                                                     StaffUser.active.is_(True)).limit(2)).all()
    return ids[0] if len(ids) == 1 else None
