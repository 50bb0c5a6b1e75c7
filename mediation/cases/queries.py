"""Read models for the case pages: always through visible_cases, a bounded number of queries."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mediation.cases.codes import CaseStatus, Issue, ParticipantRole
from mediation.cases.models import Case, CaseIssue, DuplicateFlag, Participant, Person
from mediation.cases.policies import can_decide_duplicates, visible_cases
from mediation.cases.services.intake import normalise_phone
from mediation.core import clock
from mediation.core.crypto import blind_index
from mediation.extensions import db

REFERENCE_PATTERN = re.compile(r"^[A-Z0-9-]{2,12}-\d{4}-\d{5,}$")


def load_case(session: Session, user, case_id: uuid.UUID) -> Case:
    """The case if the user may see it; otherwise 404, exactly as for an unknown id."""
    return db.one_or_404(visible_cases(user).where(Case.public_id == case_id))


@dataclass(frozen=True)
class CaseRow:
    case: Case
    requesting_name: str | None


def _with_names(session: Session, cases: list[Case]) -> list[CaseRow]:
    """One query for the requesting parties' names of a page of cases (no N+1). The name column alone:
    a whole Person would decrypt every contact column of every row for a name."""
    if not cases:
        return []
    rows = session.execute(
        select(Participant.case_id, Person.full_name)
        .join(Person, Person.id == Participant.person_id)
        .where(Participant.case_id.in_([case.id for case in cases]), Participant.is_requesting_party.is_(True))
    ).all()
    names = {case_id: full_name for case_id, full_name in rows}
    return [CaseRow(case, names.get(case.id)) for case in cases]


@dataclass(frozen=True)
class CaseListPage:
    """A page of the case list: its cases with their requesting party's name (`rows`); the page
    numbers are the pagination's (`page.pages`, `page.has_next`...)."""

    pagination: Pagination
    rows: list[CaseRow]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pagination, name)


def case_list(session: Session, user, *, status: str | None, issue: str | None, follow_up_due: bool,
              page: int, per_page: int) -> CaseListPage:
    query = visible_cases(user)
    if status in set(CaseStatus):
        query = query.where(Case.status == CaseStatus(status))
    if issue in set(Issue):
        query = query.where(Case.id.in_(select(CaseIssue.case_id).where(CaseIssue.issue == Issue(issue))))
    if follow_up_due:
        query = query.where(Case.follow_up_on <= clock.today(), Case.status != CaseStatus.CLOSED)
    query = query.order_by(Case.status == CaseStatus.CLOSED, Case.updated_at.desc())
    pagination = db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)
    return CaseListPage(pagination, _with_names(session, list(pagination.items)))


def search_cases(session: Session, user, text: str) -> list[CaseRow]:
    """Exact match on the reference, or through the blind indexes on full name and phone."""
    text = text.strip()
    query = visible_cases(user)
    if REFERENCE_PATTERN.match(text.upper()):
        query = query.where(Case.reference == text.upper())
    else:
        association_id = user.association_id
        keys = [Person.name_bidx == blind_index("person_name", association_id, text)]
        digits = normalise_phone(text)
        if len(digits) >= 6:
            keys.append(Person.phone_bidx == blind_index("phone", association_id, digits))
        matching = (
            select(Participant.case_id)
            .join(Person, Person.id == Participant.person_id)
            .where(Person.association_id == association_id, or_(*keys))
        )
        query = query.where(Case.id.in_(matching))
    cases = list(session.scalars(query.order_by(Case.updated_at.desc()).limit(50)))
    return _with_names(session, cases)


def active_participants(session: Session, case: Case) -> list[Participant]:
    """The case's active participants with their identity: the requesting party, the other adults, then the
    children; one query. Every list of a case's people (parties, notes, sessions, appointments) reads this."""
    return list(session.scalars(
        select(Participant)
        .where(Participant.case_id == case.id, Participant.active.is_(True))
        .order_by(Participant.is_requesting_party.desc(), Participant.role == ParticipantRole.CHILD, Participant.id)
    ).unique())


# Related cases and possible duplicates (docs/domain.md, DOM68)


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
