"""The people of a case: adult parties and children (docs/domain.md, DOM19-DOM24).

Rules enforced here, whatever the caller:
- a case's people change only while it is open;
- a party is an adult and a child is under 18 on the day the case was opened
  (when only a birth year is known, only what the year proves is refused);
- a child is at least 12 years younger than each parent of the case, when both
  birth years are known;
- a person is registered once per association: a new participant reuses an
  existing Person row only if the user may see it and chose it on the duplicate
  warning (docs/domain.md, DOM20, DOM74);
- a case keeps at least one requesting party;
- an edit saves only over the versions the user saw (docs/security.md, S31).

Every function flushes and never commits; the route commits once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import (
    ADULT_BANDS,
    CHILD_BANDS,
    AgeBand,
    ChildLivesWith,
    ConsentScope,
    ConsentStatus,
    ParticipantRole,
    PreferredLanguage,
    Sex,
    age_band,
    age_in_years,
)
from mediation.cases.identity import PersonData, person_indexes
from mediation.cases.models import Case, Participant, Person
from mediation.cases.queries.people import active_participants, find_visible_person
from mediation.cases.rules import implied_sex
from mediation.cases.services import duplicates, safety
from mediation.cases.services.intake import (
    PHONE_PATTERN,
    create_person,
    parse_birth,
    set_name_tokens,
)
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.errors import Conflict, DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned

MAJORITY = 18
# The smallest plausible age gap between a parent and their child.
PARENT_CHILD_GAP = 12
PARENT_ROLES = frozenset({ParticipantRole.FATHER, ParticipantRole.MOTHER})


class CaseClosed(DomainError):
    message = _l("This case is closed: its people can no longer be changed.")




class AlreadyInCase(Conflict):
    message = _l("This person already takes part in this case.")


@dataclass(frozen=True)
class PartyRole:
    """An adult's part in the case."""

    role: ParticipantRole
    is_requesting_party: bool = False
    is_party: bool = True  # takes part in mediation


@dataclass(frozen=True)
class ChildSituation:
    lives_with: ChildLivesWith | None  # None: not said yet (a child recorded at intake, DOM103)
    in_school: bool | None = None
    takes_part: bool = False


@dataclass(frozen=True)
class Added:
    participant: Participant
    reused_person: bool  # the person of another case the actor may see was reused


# Ages


def _birth_year(value: str | None) -> int | None:
    return int(value[:4]) if value else None


def _age_range(born: date | int, on: date) -> tuple[int, int]:
    """The youngest and oldest the person can be on `on`: one value for a date, a span for a year."""
    if isinstance(born, date):
        if born > on:  # born after the case opened: a baby
            return 0, 0
        age = age_in_years(born, on)
        return age, age
    oldest = age_in_years(date(born, 1, 1), on) if date(born, 1, 1) <= on else 0
    youngest = age_in_years(date(born, 12, 31), on) if date(born, 12, 31) <= on else 0
    return youngest, oldest


def _band(born: date | int | None, on: date, *, child: bool) -> AgeBand:
    """The band on the opening day, kept on the side of 18 the role proves.

    A birth year alone is read as 1 July (codes.age_in_years); when that guess
    lands on the wrong side of 18 for someone the rules have accepted, the
    nearest band on the right side is stored instead. A baby born after the
    case opened is 0-3.
    """
    if born is None:
        return AgeBand.UNKNOWN
    year = born.year if isinstance(born, date) else born
    if year > on.year or (isinstance(born, date) and born > on):
        band = AgeBand.B0_3
    else:
        band = age_band(born, on)
    if child and band not in CHILD_BANDS:
        return AgeBand.B15_17
    if not child and band not in ADULT_BANDS:
        return AgeBand.B18_24
    return band


def _check_age(born: date | int | None, on: date, *, child: bool) -> None:
    if born is None:
        return
    youngest, oldest = _age_range(born, on)
    if child and youngest >= MAJORITY:
        raise ValidationFailed(_l("A child is under 18 on the day the case was opened. "
                                  "Check the birth date, or add this person as a party."), field="birth_date")
    if not child and oldest < MAJORITY:
        raise ValidationFailed(_l("A party is an adult: 18 or over on the day the case was opened. "
                                  "Check the birth date, or add this person as a child."), field="birth_date")


def _check_parent_gap(*, child_years: list[int], parent_years: list[int]) -> None:
    if any(child - parent < PARENT_CHILD_GAP for child in child_years for parent in parent_years):
        raise ValidationFailed(_l("A child is at least 12 years younger than each parent in the case. "
                                  "Check the birth dates."), field="birth_date")


def _check_plausible(session: Session, case: Case, birth_date: str | None, *, child: bool,
                     role: ParticipantRole | None, exclude: Participant | None = None) -> None:
    """A child cannot be older than a parent of the case minus 12 years (both birth years known)."""
    year = _birth_year(birth_date)
    if year is None or (not child and role not in PARENT_ROLES):
        return
    others = [p for p in active_participants(session, case) if p is not exclude]
    if child:
        parents = [_birth_year(p.person.birth_date) for p in others if p.role in PARENT_ROLES]
        _check_parent_gap(child_years=[year], parent_years=[y for y in parents if y is not None])
    else:
        children = [_birth_year(p.person.birth_date) for p in others if p.is_child]
        _check_parent_gap(child_years=[y for y in children if y is not None], parent_years=[year])


# Persons


def _check_person(data: PersonData) -> None:
    if data.phone and not PHONE_PATTERN.fullmatch(data.phone):
        raise ValidationFailed(_l("Enter a telephone number: digits, spaces and + ( ) - only."), field="phone")


def _person_for(session: Session, case: Case, data: PersonData, actor: StaffUser,
                answer: duplicates.Answer | None) -> tuple[Person, bool, tuple[int, ...]]:
    """The person record the new participant points to, whether it was reused, and the matches to flag.

    A match among people the actor may not see is never used (docs/security.md, P1): the new record
    holds only what the actor typed, and a supervisor decides whether the two are one person. With an
    answer (the add pages), every match is put to the user first (docs/domain.md, DOM74).
    """
    _check_person(data)
    if data.birth_date:
        # Any row of this identity in the case counts: it may be a record of its own.
        identity = person_indexes(case.association_id, data)["identity_bidx"]
        in_case = session.scalar(
            select(Participant.id).join(Person, Person.id == Participant.person_id)
            .where(Participant.case_id == case.id, Participant.active.is_(True), Person.identity_bidx == identity)
            .limit(1)
        )
        if in_case is not None:
            raise AlreadyInCase(field="full_name")
    hidden: tuple[int, ...] = ()
    if answer is None:
        existing = find_visible_person(session, actor, data)
    else:
        existing, hidden = duplicates.resolve(session, actor, case.association_id, data, answer,
                                              exclude_case_id=case.id)
    if existing is None:
        person = create_person(session, case.association_id, data)
        session.flush()
        return person, False, hidden
    duplicates.complete_record(existing, data)
    return existing, True, hidden


def _recorded(session: Session, case: Case, participant: Participant, hidden: tuple[int, ...],
              actor: StaffUser) -> None:
    """Save the new participant, audited, and leave the matches the actor could not see to a supervisor."""
    session.add(participant)
    session.flush()
    record(session, AuditAction.CREATE, entity="participant", entity_id=participant.public_id,
           association_id=case.association_id)
    duplicates.flag(session, participant, hidden, actor=actor, association_id=case.association_id)


def _update_person(session: Session, person: Person, data: PersonData, *, child: bool, actor: StaffUser) -> None:
    """Write the edited identity; the blind indexes follow the values."""
    _check_person(data)
    indexes = person_indexes(person.association_id, data)
    # Only a change of identity is checked, and only against people the actor may see: rows that
    # already share one stay editable, and a record the actor may not see is neither revealed nor
    # merged (docs/security.md, P1).
    if (indexes["identity_bidx"] != person.identity_bidx
            and find_visible_person(session, actor, data, exclude=person) is not None):
        raise Conflict(_l("Another person with this name and birth date is already registered "
                          "in your association."), field="full_name")
    values = {
        "full_name": data.full_name,
        "full_name_latin": data.full_name_latin or None,
        "birth_date": data.birth_date or None,
        "sex": Sex(data.sex) if data.sex else person.sex,  # resolved by the caller (rules.implied_sex)
        "identity_bidx": indexes["identity_bidx"],
        "name_bidx": indexes["name_bidx"],
    }
    if not child:  # a child's contact goes through an adult's safe-contact profile
        values.update(
            phone_bidx=indexes["phone_bidx"],
            phone=data.phone or None,
            email=data.email or None,
            address=data.address or None,
            contact_allowed="yes" if data.contact_allowed else "no",
            safe_contact_instructions=data.safe_contact_instructions or None,
            preferred_language=PreferredLanguage(data.preferred_language) if data.preferred_language else None,
            interpreter_needed=data.interpreter_needed,
        )
    for name, value in values.items():
        if getattr(person, name) != value:  # an equal value is not rewritten (nor re-versioned)
            setattr(person, name, value)
    set_name_tokens(person)


# Changes


def _check_open(case: Case) -> None:
    if not case.is_open:
        raise CaseClosed()


def _born(data: PersonData) -> date | int | None:
    return parse_birth(data.birth_date, clock.today())


def add_party(session: Session, case: Case, data: PersonData, part: PartyRole, *, actor: StaffUser,
              answer: duplicates.Answer | None = None,
              consents: Mapping[ConsentScope, ConsentStatus] | None = None) -> Added:
    """Add an adult to an open case; a person the actor already knows from a case they may see is reused.

    `answer` is the user's reply to the duplicate warning (docs/domain.md, DOM74), None for a script.
    `consents` are the answers given on the same page (docs/domain.md, DOM76): recorded with the party,
    in the same transaction; a scope left out was not asked.
    """
    _check_open(case)
    role = ParticipantRole(part.role)
    if role is ParticipantRole.CHILD:
        raise ValidationFailed(_l("Choose a role."), field="role")
    data = replace(data, sex=implied_sex(role, data.sex))
    born = _born(data)
    _check_age(born, case.opened_on, child=False)
    _check_plausible(session, case, data.birth_date, child=False, role=role)
    # A reused person has this very birth date: it is part of the identity index.
    person, reused, hidden = _person_for(session, case, data, actor, answer)
    participant = Participant(
        case_id=case.id,
        person_id=person.id,
        role=role,
        is_requesting_party=part.is_requesting_party,
        is_party=part.is_party,
        age_band=_band(born, case.opened_on, child=False),
    )
    _recorded(session, case, participant, hidden, actor)
    safety.record_answers(session, case, participant, consents or {}, actor=actor)
    return Added(participant, reused)


def add_child(session: Session, case: Case, data: PersonData, situation: ChildSituation, *,
              actor: StaffUser, answer: duplicates.Answer | None = None) -> Added:
    """Add a child (under 18 when the case opened) to an open case; persons the actor may see are reused."""
    _check_open(case)
    data = replace(data, sex=implied_sex(ParticipantRole.CHILD, data.sex))
    born = _born(data)
    _check_age(born, case.opened_on, child=True)
    _check_plausible(session, case, data.birth_date, child=True, role=ParticipantRole.CHILD)
    # A reused person has this very birth date: it is part of the identity index.
    person, reused, hidden = _person_for(session, case, data, actor, answer)
    participant = Participant(
        case_id=case.id,
        person_id=person.id,
        role=ParticipantRole.CHILD,
        is_requesting_party=False,
        is_party=False,  # children are not parties to the mediation
        age_band=_band(born, case.opened_on, child=True),
        lives_with=ChildLivesWith(situation.lives_with) if situation.lives_with else None,
        in_school=situation.in_school,
        takes_part=situation.takes_part,
    )
    _recorded(session, case, participant, hidden, actor)
    return Added(participant, reused)


def update_participant(session: Session, case: Case, participant: Participant, data: PersonData,
                       part: PartyRole | ChildSituation, *, person_version: int, participant_version: int,
                       actor: StaffUser) -> Participant:
    """Edit a person and their part in an open case, only over the versions the user saw."""
    _check_open(case)
    if participant.case_id != case.id:
        raise DomainError()
    person = participant.person
    if person.version_id != person_version or participant.version_id != participant_version:
        raise StaleRecord()
    child = participant.is_child
    if child != isinstance(part, ChildSituation):
        raise DomainError()
    # From here `child` and isinstance(part, ChildSituation) agree; the type checker reads the latter.
    role = ParticipantRole.CHILD if isinstance(part, ChildSituation) else ParticipantRole(part.role)
    if not child and role is ParticipantRole.CHILD:
        raise ValidationFailed(_l("Choose a role."), field="role")
    data = replace(data, sex=implied_sex(role, data.sex))
    born = _born(data)
    _check_age(born, case.opened_on, child=child)
    _check_plausible(session, case, data.birth_date, child=child, role=role, exclude=participant)
    if not isinstance(part, ChildSituation) and participant.is_requesting_party and not part.is_requesting_party:
        others = [p for p in active_participants(session, case) if p is not participant and p.is_requesting_party]
        if not others:
            raise ValidationFailed(_l("A case has at least one requesting party."), field="is_requesting_party")
    _update_person(session, person, data, child=child, actor=actor)
    values: dict = {"age_band": _band(born, case.opened_on, child=child)}
    if isinstance(part, ChildSituation):
        values.update(lives_with=ChildLivesWith(part.lives_with) if part.lives_with else None, in_school=part.in_school,
                      takes_part=part.takes_part)
    else:
        values.update(role=role, is_requesting_party=part.is_requesting_party, is_party=part.is_party)
    for name, value in values.items():
        if getattr(participant, name) != value:
            setattr(participant, name, value)
    flush_versioned(session)
    record(session, AuditAction.UPDATE, entity="participant", entity_id=participant.public_id,
           association_id=case.association_id)
    return participant
