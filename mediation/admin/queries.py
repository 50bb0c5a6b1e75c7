"""Read models for the administration pages: reference data and counts, aggregated in SQL."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, Province, Region, ServicePoint, StaffUser
from mediation.cases.codes import CaseStatus
from mediation.cases.models import Case


def regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.code)))


def provinces(session: Session) -> list[Province]:
    return list(session.scalars(select(Province).order_by(Province.region_code, Province.name_fr)))


def active_staff_counts(session: Session, association_ids: list[int]) -> dict[int, int]:
    """Active accounts per association, for one page of associations."""
    if not association_ids:
        return {}
    rows = session.execute(
        select(StaffUser.association_id, func.count())
        .where(StaffUser.association_id.in_(association_ids), StaffUser.active.is_(True))
        .group_by(StaffUser.association_id)
    ).all()
    # IN leaves out the accounts without an association.
    return {association_id: count for association_id, count in rows if association_id is not None}


def open_case_counts(session: Session, association_ids: list[int]) -> dict[int, int]:
    """Open cases per association: the administrator sees counts, never case content."""
    if not association_ids:
        return {}
    return dict(
        session.execute(
            select(Case.association_id, func.count())
            .where(Case.association_id.in_(association_ids), Case.status != CaseStatus.CLOSED)
            .group_by(Case.association_id)
        ).all()
    )


def staff_counts_by_role(session: Session, association: Association) -> dict[tuple[str, bool], int]:
    """(role, active) -> number of accounts of one association."""
    rows = session.execute(
        select(StaffUser.role, StaffUser.active, func.count())
        .where(StaffUser.association_id == association.id)
        .group_by(StaffUser.role, StaffUser.active)
    ).all()
    return {(str(role), bool(active)): count for role, active, count in rows}


def service_points_of(session: Session, association: Association) -> list[ServicePoint]:
    return list(session.scalars(
        select(ServicePoint).where(ServicePoint.association_id == association.id).order_by(ServicePoint.code)
    ))
