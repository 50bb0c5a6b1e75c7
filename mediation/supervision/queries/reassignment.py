"""The reads behind reassigning leads: who may lead a case, and the open cases a staff member leads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.models import Case
from mediation.core.authz import Role
from mediation.supervision.predicates import is_open, led_by


def candidates(session: Session, association_id: int) -> list[StaffUser]:
    """Who may lead a case: the association's active staff members (not supervisors)."""
    return list(session.scalars(select(StaffUser).where(
        StaffUser.association_id == association_id, StaffUser.role == Role.MEDIATOR, StaffUser.active.is_(True),
    ).order_by(StaffUser.display_name)))


def open_cases_led_by(session: Session, user: StaffUser) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.association_id == user.association_id, is_open(),
                                                   led_by(user.id)).order_by(Case.reference)))
