"""Opening a case with the family already known: the requesting party, the other parent or spouse and
the children, recorded from one page in one transaction (docs/domain.md, DOM103).

Each person goes through the same rules as when added from the case page (ages, the parent-child gap,
consents, safe contact). Only the requesting party gets the duplicate warning's choices on this page:
a possible match for anyone else refuses the page, with nothing saved, and the user adds that person
from the case page, where the warning can be answered (DOM74). The refusal says no more than the
warning's first sentence (docs/security.md, P5).

Every function flushes and never commits; the route commits once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import ChildLivesWith, ConsentScope, ConsentStatus, ParticipantRole
from mediation.cases.identity import PersonData
from mediation.cases.models import Case
from mediation.cases.queries.duplicates import find_matches
from mediation.cases.rules import OTHER_PARTY_ROLE, implied_sex
from mediation.cases.services import duplicates, intake, parties
from mediation.core.errors import DomainError, ValidationFailed

OTHER = "other"


@dataclass(frozen=True)
class OtherParty:
    person: PersonData
    role: ParticipantRole | None = None  # None: the one the requesting party's role implies
    consents: Mapping[ConsentScope, ConsentStatus] = field(default_factory=dict)


@dataclass(frozen=True)
class Child:
    person: PersonData
    lives_with: ChildLivesWith | None = None


@dataclass(frozen=True)
class Family:
    other: OtherParty | None = None
    children: tuple[Child, ...] = ()


def child_row(number: int) -> str:
    """The name of a child's row on the intake page (a FieldList's prefix)."""
    return f"children-{number}"


def open_family_case(session: Session, data: intake.NewCase, family: Family, *, actor: StaffUser,
                     answer: duplicates.Answer | None = None) -> Case:
    """Open the case for the requesting party (whose sex their role may imply), then add the others."""
    requester = data.requesting_party
    data = replace(data, requesting_party=replace(requester, sex=implied_sex(data.requesting_role, requester.sex)))
    case = intake.open_case(session, data, actor=actor, answer=answer)
    if family.other is not None:
        _add_other(session, case, data.requesting_role, family.other, actor=actor)
    for number, child in enumerate(family.children):
        with _row(child_row(number)):
            person = replace(child.person, sex=implied_sex(ParticipantRole.CHILD, child.person.sex))
            _refuse_known(session, case, person, actor=actor)
            parties.add_child(session, case, person, parties.ChildSituation(lives_with=child.lives_with),
                              actor=actor, answer=duplicates.Answer(duplicates.NEW_RECORD))
    return case


def _add_other(session: Session, case: Case, requesting_role: ParticipantRole, other: OtherParty, *,
               actor: StaffUser) -> None:
    with _row(OTHER):
        role = other.role or OTHER_PARTY_ROLE.get(ParticipantRole(requesting_role))
        if role is None:
            raise ValidationFailed(_l("Choose their role: the request does not say it."), field="role")
        person = replace(other.person, sex=implied_sex(role, other.person.sex))
        _refuse_known(session, case, person, actor=actor)
        parties.add_party(session, case, person, parties.PartyRole(role=role), actor=actor,
                          answer=duplicates.Answer(duplicates.NEW_RECORD), consents=other.consents)


def _refuse_known(session: Session, case: Case, person: PersonData, *, actor: StaffUser) -> None:
    """Refuse a person who may already be known (name and birth date, or phone): the case page asks."""
    if find_matches(session, actor, case.association_id, person, exclude_case_id=case.id):
        raise ValidationFailed(_l("A person with these details may already be known to your association. "
                                  "Leave this row empty and add them from the case page, which will ask you."),
                               field="full_name")


@contextmanager
def _row(prefix: str) -> Iterator[None]:
    """A refusal about one person's field names that field in their row of the page."""
    try:
        yield
    except DomainError as refused:
        if refused.field:
            refused.field = f"{prefix}-{refused.field}"
        raise
