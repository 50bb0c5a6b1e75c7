"""Which appointments a user may see and change.

visible_appointments: a staff member → the appointments they hold and those of
the cases they are assigned to; a supervisor → every appointment of their
association; admin and ministry → none. Outside the scope an appointment does
not exist (404); inside it, can_* decide (403).
"""

from __future__ import annotations

from sqlalchemy import Select, exists, false, or_, select

from mediation.appointments.models import Appointment, AppointmentStaff, Room
from mediation.cases.models import CaseAssignment
from mediation.core.authz import Role


def _role(user):
    return getattr(user, "role", None)


def visible_appointments(user) -> Select:
    if _role(user) == Role.MEDIATOR:
        holds = exists().where(AppointmentStaff.appointment_id == Appointment.id,
                               AppointmentStaff.user_id == user.id)
        assigned = exists().where(CaseAssignment.case_id == Appointment.case_id, CaseAssignment.user_id == user.id)
        return select(Appointment).where(Appointment.association_id == user.association_id, or_(holds, assigned))
    if _role(user) == Role.SUPERVISOR:
        return select(Appointment).where(Appointment.association_id == user.association_id)
    return select(Appointment).where(false())


def is_supervisor_of(user, association_id: int) -> bool:
    return _role(user) == Role.SUPERVISOR and user.association_id == association_id


def can_book(user) -> bool:
    return _role(user) in (Role.MEDIATOR, Role.SUPERVISOR) and user.association_id is not None


def can_manage(user, appointment: Appointment) -> bool:
    """Anyone who sees it may change it, while its case (if any) is open."""
    if appointment.case is not None and not appointment.case.is_open:
        return False
    return can_book(user) and user.association_id == appointment.association_id


def can_see_association_calendar(user) -> bool:
    return _role(user) == Role.SUPERVISOR and user.association_id is not None


def rooms_of(user) -> Select:
    """The rooms a user may book or manage: those of their association."""
    if user.association_id is None:
        return select(Room).where(false())
    return select(Room).where(Room.association_id == user.association_id)
