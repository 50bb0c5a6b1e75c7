"""The case list, the search and the loading of one case: always through visible_cases, a bounded number of
queries."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from mediation.cases.codes import CaseStatus, Issue
from mediation.cases.identity import normalise_phone
from mediation.cases.models import Case, CaseIssue, Participant, Person, PersonNameToken
from mediation.cases.policies import visible_cases
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
