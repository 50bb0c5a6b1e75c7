"""The booking form's choices: who can hold an appointment, and which rooms can be booked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.appointments.models import Room
from mediation.core.authz import Role


def association_staff(session: Session, association_id: int) -> list[StaffUser]:
    """The active staff of an association who can hold an appointment."""
    return list(session.scalars(
        select(StaffUser).where(StaffUser.association_id == association_id, StaffUser.active.is_(True),
                                StaffUser.role.in_((Role.MEDIATOR, Role.SUPERVISOR)))
        .order_by(StaffUser.display_name)
    ))


def bookable_rooms(session: Session, association_id: int) -> list[Room]:
    return list(session.scalars(
        select(Room).join(ServicePoint, ServicePoint.id == Room.service_point_id)
        .where(Room.association_id == association_id, Room.active.is_(True), ServicePoint.active.is_(True))
        .order_by(ServicePoint.code, Room.name)
    ))
