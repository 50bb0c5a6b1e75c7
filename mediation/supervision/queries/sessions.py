"""The sessions behind the dashboard's "sessions held" and "hours" figures, as a list a supervisor opens.

The same condition as the figures (dashboard.sessions_held): held on the association's cases in the
period, voided ones left out; one staff member's are those they held with anyone. Only what the list
shows is read, never a summary: a psychological session's notes stay with its readers (docs/domain.md,
DOM36). A page issues the same statements whatever its length: the totals, one page of sessions,
the names of their staff.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import SessionType
from mediation.cases.models import Case
from mediation.counselling.models import CounsellingSession, SessionStaff
from mediation.supervision.periods import Period
from mediation.supervision.queries.dashboard import sessions_held


@dataclass(frozen=True)
class HeldSession:
    public_id: uuid.UUID
    started_at: datetime
    type: SessionType
    duration_min: int
    case_public_id: uuid.UUID
    reference: str
    staff_names: tuple[str, ...]


@dataclass(frozen=True)
class SessionPage:
    rows: list[HeldSession]
    total: int
    minutes: int
    page: int
    pages: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)  # as the dashboard shows its figure

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _conditions(association_id: int, period: Period, staff_id: int | None) -> list[ColumnElement[bool]]:
    found = [sessions_held(association_id, period)]
    if staff_id is not None:
        found.append(exists().where(SessionStaff.session_id == CounsellingSession.id, SessionStaff.user_id == staff_id))
    return found


def session_page(session: Session, association_id: int, period: Period, *, staff_id: int | None, page: int,
                 per_page: int) -> SessionPage:
    """One page of the sessions held (newest first), moved to the last page if beyond it."""
    conditions = _conditions(association_id, period, staff_id)
    total, minutes = session.execute(
        select(func.count(CounsellingSession.id), func.coalesce(func.sum(CounsellingSession.duration_min), 0))
        .select_from(CounsellingSession).join(Case, Case.id == CounsellingSession.case_id).where(*conditions)
    ).one()
    pages = max(-(-int(total) // per_page), 1)
    page = min(page, pages)
    rows = session.execute(
        select(CounsellingSession.id, CounsellingSession.public_id, CounsellingSession.started_at,
               CounsellingSession.type, CounsellingSession.duration_min, Case.public_id.label("case_public_id"),
               Case.reference)
        .join(Case, Case.id == CounsellingSession.case_id).where(*conditions)
        .order_by(CounsellingSession.started_at.desc(), CounsellingSession.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    names: dict[int, list[str]] = defaultdict(list)
    if rows:
        for session_id, name in session.execute(
            select(SessionStaff.session_id, StaffUser.display_name)
            .join(StaffUser, StaffUser.id == SessionStaff.user_id)
            .where(SessionStaff.session_id.in_([row.id for row in rows]))
            .order_by(StaffUser.display_name, StaffUser.id)
        ):
            names[session_id].append(name)
    return SessionPage(
        [HeldSession(row.public_id, row.started_at, row.type, row.duration_min, row.case_public_id, row.reference,
                     tuple(names[row.id])) for row in rows],
        int(total), int(minutes), page, pages)
