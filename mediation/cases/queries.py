"""Read models for the case pages: always through visible_cases, a bounded number of queries."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from mediation.cases.codes import CaseStatus, Issue, NoticeKind, ParticipantRole
from mediation.cases.models import Case, CaseIssue, DuplicateFlag, Notice, Participant, Person, PersonNameToken
from mediation.cases.policies import can_decide_duplicates, visible_cases
from mediation.cases.services.intake import normalise_phone
from mediation.core import clock
from mediation.core.crypto import blind_index, name_words
from mediation.extensions import db

REFERENCE_PATTERN = re.compile(r"^[A-Z0-9-]{2,12}-\d{4}-\d{5,}$")
# The end of a reference: its number ("00008", "8"), perhaps after its year ("2026-00008"); any digits.
REFERENCE_NUMBER = re.compile(r"^(?:(\d{4})\s*-\s*)?(\d{1,9})$")


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


def _people_named(association_id: int, words: list[str]) -> Select:
    """The people of the association whose names hold every word (docs/security.md, S37): one row per
    word found, so a person with as many rows as words has them all."""
    tokens = [blind_index("name_token", association_id, word) for word in words]
    return (
        select(PersonNameToken.person_id)
        .where(PersonNameToken.association_id == association_id, PersonNameToken.token.in_(tokens))
        .group_by(PersonNameToken.person_id)
        .having(func.count() == len(tokens))
    )


def _reference_ending(text: str) -> str | None:
    """"-00008" (or "-2026-00008") when the text is a reference's number, perhaps with its year."""
    found = REFERENCE_NUMBER.match(text)
    if found is None:
        return None
    year, number = found.groups()
    ending = f"-{int(number):05d}"
    return f"-{int(year):04d}{ending}" if year else ending


def search_cases(session: Session, user, text: str) -> list[CaseRow]:
    """The visible cases with this reference, or whose reference ends with this number, or with a person
    whose name holds every word typed (Arabic or Latin spelling, in any order), or whose full name or
    phone number this is. One statement whatever the number of cases (and one for the names shown)."""
    text = text.strip()
    query = visible_cases(user)
    if REFERENCE_PATTERN.match(text.upper()):
        query = query.where(Case.reference == text.upper())
    else:
        association_id = user.association_id
        people: list[Select] = [select(Person.id).where(
            Person.association_id == association_id,
            Person.name_bidx == blind_index("person_name", association_id, text))]
        words = name_words(text)
        if words:
            people.append(_people_named(association_id, words))
        digits = normalise_phone(text)
        if len(digits) >= 6:
            people.append(select(Person.id).where(Person.association_id == association_id,
                                                  Person.phone_bidx == blind_index("phone", association_id, digits)))
        matching = select(Participant.case_id).where(Participant.person_id.in_(union(*people)))
        found: list[ColumnElement[bool]] = [Case.id.in_(matching)]
        ending = _reference_ending(text)
        if ending is not None:
            found.append(Case.reference.endswith(ending))  # digits and dashes: nothing to escape
        query = query.where(or_(*found))
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


# Notices (docs/domain.md, DOM72, DOM73): always read through the case scope of now, so a notice of a
# case the user no longer sees is neither counted nor listed.

NOTICES_SHOWN = 100  # the notices page lists the latest ones


@dataclass(frozen=True)
class NoticeRow:
    id: int
    kind: NoticeKind
    created_at: datetime
    read_at: datetime | None
    case_public_id: uuid.UUID
    case_reference: str


def _notices_in_scope(user):
    visible = visible_cases(user).with_only_columns(Case.id)
    return Notice.user_id == user.id, Notice.case_id.in_(visible)


def unread_notice_count(session: Session, user) -> int:
    """The header's counter: one statement."""
    return session.scalar(select(func.count(Notice.id)).where(*_notices_in_scope(user),
                                                              Notice.read_at.is_(None))) or 0


def notices_of(session: Session, user, *, unread_only: bool = False, kinds=None,
               limit: int = NOTICES_SHOWN) -> list[NoticeRow]:
    """The user's latest notices with their case's reference, newest first: one statement."""
    query = (select(Notice.id, Notice.kind, Notice.created_at, Notice.read_at, Case.public_id, Case.reference)
             .join(Case, Case.id == Notice.case_id)
             .where(*_notices_in_scope(user)))
    if unread_only:
        query = query.where(Notice.read_at.is_(None))
    if kinds is not None:
        query = query.where(Notice.kind.in_(list(kinds)))
    rows = session.execute(query.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)).all()
    return [NoticeRow(*row) for row in rows]


# Related cases and possible duplicates (docs/domain.md, DOM74)


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
