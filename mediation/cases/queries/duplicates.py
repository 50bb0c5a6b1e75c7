"""Related cases and possible duplicates (docs/domain.md, DOM20, DOM74; docs/security.md, P1, P5): the other
cases of a case's people, the people a new registration may already be, the flags waiting for a
supervisor."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import CaseStatus
from mediation.cases.identity import PersonData, person_indexes
from mediation.cases.models import AssignmentRole, Case, CaseAssignment, DuplicateFlag, Participant, Person
from mediation.cases.policies import can_decide_duplicates, visible_cases, visible_people


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


def _waiting(user):
    """The open flags of the user's association whose two records both still exist: once either has been
    anonymised (docs/domain.md, DOM58) there is nobody left to link, and the flag is moot."""
    new_person = select(Participant.person_id).join(Person, Person.id == Participant.person_id).where(
        Participant.id == DuplicateFlag.participant_id, Person.anonymised_at.is_(None)).exists()
    candidate = select(Person.id).where(Person.id == DuplicateFlag.candidate_person_id,
                                        Person.anonymised_at.is_(None)).exists()
    return (DuplicateFlag.association_id == user.association_id, DuplicateFlag.linked.is_(None),
            new_person, candidate)


def open_duplicate_flags(session: Session, user, limit: int = 50) -> list[DuplicateFlag]:
    """The possible duplicates waiting for a decision in the supervisor's association, oldest first."""
    if not can_decide_duplicates(user):
        return []
    return list(session.scalars(
        select(DuplicateFlag).where(*_waiting(user))
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
    return session.scalar(select(func.count()).select_from(DuplicateFlag).where(*_waiting(user))) or 0


@dataclass(frozen=True)
class KnownCase:
    """A case of a matched person, as the user may see it: read before the rollback expires the rows."""

    public_id: uuid.UUID
    reference: str
    status: CaseStatus
    lead: str | None


@dataclass(frozen=True)
class VisibleMatch:
    person_id: uuid.UUID
    full_name: str
    cases: tuple[KnownCase, ...]


@dataclass(frozen=True)
class Matches:
    visible: tuple[Person, ...]
    hidden: tuple[int, ...]  # person ids the user may not see: never shown, only flagged

    def __bool__(self) -> bool:
        return bool(self.visible or self.hidden)


def find_matches(session: Session, actor: StaffUser, association_id: int, data: PersonData, *,
                 exclude_case_id: int | None = None) -> Matches:
    """People of the association whose identity (name and birth date) or phone index equals the input's.

    Without a birth date the name alone matches nobody (docs/security.md, S24). People of the case being
    completed are left out: a shared family phone is not a duplicate.
    """
    indexes = person_indexes(association_id, data)
    same = []
    if data.birth_date:
        same.append(Person.identity_bidx == indexes["identity_bidx"])
    if indexes["phone_bidx"] is not None:
        same.append(Person.phone_bidx == indexes["phone_bidx"])
    if not same:
        return Matches((), ())
    query = select(Person.id).where(Person.association_id == association_id, Person.anonymised_at.is_(None),
                                    or_(*same))
    if exclude_case_id is not None:
        query = query.where(Person.id.not_in(select(Participant.person_id)
                                             .where(Participant.case_id == exclude_case_id)))
    ids = list(session.scalars(query.order_by(Person.id)))
    if not ids:
        return Matches((), ())
    visible = list(session.scalars(visible_people(actor).where(Person.id.in_(ids)).order_by(Person.id)))
    seen = {person.id for person in visible}
    return Matches(tuple(visible), tuple(person_id for person_id in ids if person_id not in seen))


def known_cases(session: Session, viewer: StaffUser, person_ids: Sequence[int], *,
                exclude_case_id: int | None = None) -> dict[int, list[KnownCase]]:
    """The cases of these people that the viewer may see, by person id: reference, status and lead only."""
    if not person_ids:
        return {}
    scope = visible_cases(viewer).with_only_columns(Case.id)
    query = (
        select(Participant.person_id, Case.public_id, Case.reference, Case.status, StaffUser.display_name)
        .join(Case, Case.id == Participant.case_id)
        .outerjoin(CaseAssignment, (CaseAssignment.case_id == Case.id)
                   & (CaseAssignment.role == AssignmentRole.LEAD))
        .outerjoin(StaffUser, StaffUser.id == CaseAssignment.user_id)
        .where(Participant.person_id.in_(person_ids), Case.id.in_(scope))
        .order_by(Case.opened_on.desc(), Case.id.desc())
    )
    if exclude_case_id is not None:
        query = query.where(Case.id != exclude_case_id)
    found: dict[int, list[KnownCase]] = {}
    for person_id, public_id, reference, status, lead in session.execute(query):
        cases = found.setdefault(person_id, [])
        if all(case.public_id != public_id for case in cases):
            cases.append(KnownCase(public_id, reference, status, lead))
    return found


def describe_matches(session: Session, actor: StaffUser, people: Sequence[Person]) -> list[VisibleMatch]:
    """The matches the actor may see, each with its cases the actor may see, for the duplicate warning."""
    cases = known_cases(session, actor, [person.id for person in people])
    return [VisibleMatch(person.public_id, person.full_name, tuple(cases.get(person.id, ()))) for person in people]


def share_a_case(session: Session, one: Person, other: Person) -> bool:
    """Whether both records take part in one case: linking them would put one person there twice (DOM21)."""
    cases_of_other = select(Participant.case_id).where(Participant.person_id == other.id)
    return session.scalar(select(Participant.id).where(Participant.person_id == one.id,
                                                       Participant.case_id.in_(cases_of_other)).limit(1)) is not None
