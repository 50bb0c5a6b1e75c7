"""Related cases and possible duplicates (docs/domain.md, DOM74)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.cases.codes import CaseStatus
from mediation.cases.models import Case, DuplicateFlag, Participant
from mediation.cases.policies import can_decide_duplicates, visible_cases


@dataclass(frozen=True)
class RelatedCase:
    public_id: uuid.UUID
    reference: str
    status: CaseStatus


def related_cases(session: Session, user, case: Case) -> list[RelatedCase]:
    """The other cases of this case's people that the user may see: reference and status only."""
    people = select(Participant.person_id).where(Participant.case_id == case.id)
    others = select(Participant.case_id).where(Participant.person_id.in_(people), Participant.case_id != case.id)
    rows = session.execute(
        visible_cases(user).with_only_columns(Case.public_id, Case.reference, Case.status)
        .where(Case.id.in_(others)).order_by(Case.opened_on.desc(), Case.id.desc())
    )
    return [RelatedCase(public_id, reference, status) for public_id, reference, status in rows]


def open_duplicate_flags(session: Session, user, limit: int = 50) -> list[DuplicateFlag]:
    """The possible duplicates waiting for a decision in the supervisor's association, oldest first."""
    if not can_decide_duplicates(user):
        return []
    return list(session.scalars(
        select(DuplicateFlag)
        .where(DuplicateFlag.association_id == user.association_id, DuplicateFlag.linked.is_(None))
        .order_by(DuplicateFlag.flagged_at, DuplicateFlag.id).limit(limit)
    ).unique())


def cases_by_id(session: Session, ids: set[int]) -> dict[int, Case]:
    """Cases by database id, in one statement (the list of possible duplicates names each flag's case)."""
    if not ids:
        return {}
    return {case.id: case for case in session.scalars(select(Case).where(Case.id.in_(ids)))}


def count_open_duplicate_flags(session: Session, user) -> int:
    if not can_decide_duplicates(user):
        return 0
    return session.scalar(select(func.count()).select_from(DuplicateFlag).where(
        DuplicateFlag.association_id == user.association_id, DuplicateFlag.linked.is_(None))) or 0
