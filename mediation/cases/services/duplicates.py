"""Possible duplicates: the warning before a person is registered, and the supervisor's decision
(docs/domain.md, DOM20, DOM74; docs/security.md, P1, P5).

Before a person is registered at intake or added to a case, their blind indexes (name and birth date,
or phone) are looked up in the association. The user is told before anything is saved:
- of a match they may see, its cases they may see (reference, status, lead), and may link to it;
- of a match they may not see, one sentence and nothing more; if they create a record of their own,
  a flag asks a supervisor whether the two records are one person.

Every function flushes and never commits; the route commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import PreferredLanguage
from mediation.cases.identity import PersonData, person_indexes
from mediation.cases.models import Case, DuplicateFlag, Participant, Person
from mediation.cases.queries.duplicates import VisibleMatch, describe_matches, find_matches, share_a_case
from mediation.cases.services.intake import set_name_tokens
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.errors import Conflict, DomainError
from mediation.core.models import Base

# The answer that keeps the new person apart from every match.
NEW_RECORD = "new"


@dataclass(frozen=True)
class Answer:
    """What the user chose on the warning: nothing yet (None), NEW_RECORD, or a visible person's public id."""

    choice: str | None = None


class PossibleDuplicate(DomainError):
    """Nothing was saved: the page shows the matches the user may see, or one sentence, and asks."""

    # Above the form, where the page opens; the choices are beside its button (cases/_duplicate_warning.html).
    message = _l("A person with these details may already be known to your association.")

    def __init__(self, visible: Sequence[VisibleMatch]) -> None:
        super().__init__(_l("This person may already be registered: check the cases below, then choose.")
                         if visible else None)
        self.visible = tuple(visible)


class DecisionRefused(Conflict):
    message = _l("These two records cannot be linked: the person already takes part in this case, "
                 "or a record has been anonymised or its case closed. Keep them separate.")


# Matching


def resolve(session: Session, actor: StaffUser, association_id: int, data: PersonData, answer: Answer, *,
            exclude_case_id: int | None = None) -> tuple[Person | None, tuple[int, ...]]:
    """(the visible person to link to, or None for a record of its own; the hidden matches to flag).

    Raises PossibleDuplicate, before anything is written, while a match waits for the user's answer, or
    when the answer names a person who is not (or no longer) one of the matches the user may see.
    """
    matches = find_matches(session, actor, association_id, data, exclude_case_id=exclude_case_id)
    if not matches:
        return None, ()
    if answer.choice == NEW_RECORD:
        return None, matches.hidden
    chosen = next((person for person in matches.visible if str(person.public_id) == answer.choice), None)
    if chosen is None:
        raise PossibleDuplicate(describe_matches(session, actor, matches.visible))
    return chosen, matches.hidden


def complete_record(person: Person, data: PersonData) -> None:
    """Fill what the stored record lacks from what was typed; never overwrite what another case recorded."""
    for name in ("full_name_latin", "phone", "email", "address", "safe_contact_instructions"):
        value = getattr(data, name) or None
        if value and getattr(person, name) is None:
            setattr(person, name, value)
            if name == "full_name_latin":
                set_name_tokens(person)  # the Latin spelling is searched too
    if data.preferred_language and person.preferred_language is None:
        person.preferred_language = PreferredLanguage(data.preferred_language)
    if data.phone and person.phone_bidx is None:
        person.phone_bidx = person_indexes(person.association_id, data)["phone_bidx"]


def flag(session: Session, participant: Participant, candidates: Sequence[int], *, actor: StaffUser,
         association_id: int) -> None:
    """Leave each hidden match to the supervisor; the flag holds ids only."""
    for person_id in candidates:
        row = DuplicateFlag(association_id=association_id, participant_id=participant.id,
                            candidate_person_id=person_id, flagged_by_id=actor.id)
        session.add(row)
        session.flush()
        record(session, AuditAction.CREATE, entity="duplicate_flag", entity_id=row.public_id,
               association_id=association_id)


# The supervisor's decision


# Identity fields a link copies onto the kept record when it has none (its own values are never overwritten).
FILLED = ("full_name_latin", "birth_date", "phone", "email", "address", "safe_contact_instructions",
          "preferred_language", "residence_province_code")


def _person_references() -> list[Table]:
    """Every table that points to a person, whatever its package: a link moves them all."""
    # The name tokens are not moved but made again from the kept record's names (S37): both records
    # hold the same words, and a token is stored once per person.
    skipped = ("participant", "duplicate_flag", "person_name_token")
    return [table for table in Base.metadata.sorted_tables if table.name not in skipped
            and any(fk.column.table.name == "person" for fk in table.foreign_keys)]


def _merge(session: Session, moved: Person, kept: Person) -> None:
    """Point everything of `moved` at `kept`, fill what `kept` lacks, then remove `moved`."""
    for name in FILLED:
        if getattr(kept, name) is None and getattr(moved, name) is not None:
            setattr(kept, name, getattr(moved, name))
    # The indexes follow the kept record's values, a birth date or phone filled in included (S24).
    indexes = person_indexes(kept.association_id, PersonData(full_name=kept.full_name, sex=kept.sex,
                                                             birth_date=kept.birth_date, phone=kept.phone))
    for name, value in indexes.items():
        if getattr(kept, name) != value:
            setattr(kept, name, value)
    set_name_tokens(kept)  # a Latin spelling filled in is searched too
    kept.interpreter_needed = kept.interpreter_needed or moved.interpreter_needed
    kept.id_checked = kept.id_checked or moved.id_checked
    for participant in session.scalars(select(Participant).where(Participant.person_id == moved.id)).unique():
        participant.person_id = kept.id  # through the ORM: its version moves, an open edit form is stale
    for table in _person_references():
        for fk in table.foreign_keys:
            if fk.column.table.name == "person":
                session.execute(update(table).where(fk.parent == moved.id).values({fk.parent.name: kept.id}))
    # Flags that named the moved record now name the kept one; one that pairs a record with itself is moot.
    session.execute(update(DuplicateFlag).where(DuplicateFlag.candidate_person_id == moved.id)
                    .values(candidate_person_id=kept.id))
    session.flush()
    session.delete(moved)
    session.flush()


def _close_moot_flags(session: Session, kept: Person, actor: StaffUser, *, decided: DuplicateFlag) -> None:
    """Open flags that now pair the kept record with itself are decided by this link."""
    moot = session.scalars(
        select(DuplicateFlag).join(Participant, Participant.id == DuplicateFlag.participant_id)
        .where(DuplicateFlag.linked.is_(None), DuplicateFlag.candidate_person_id == kept.id,
               Participant.person_id == kept.id, DuplicateFlag.id != decided.id)
    ).unique()
    for row in moot:
        row.linked, row.decided_by_id, row.decided_at = True, actor.id, clock.now()
        record(session, AuditAction.DECISION, entity="duplicate_flag", entity_id=row.public_id,
               association_id=row.association_id)


def decide(session: Session, flag_row: DuplicateFlag, *, link: bool, actor: StaffUser) -> DuplicateFlag:
    """Link the new participation's person onto the candidate, or keep the two records separate."""
    if flag_row.linked is not None:
        raise Conflict(_l("This possible duplicate has already been decided."))
    if link:
        participant, kept = flag_row.participant, flag_row.candidate
        moved = participant.person
        case = session.get(Case, participant.case_id)
        if (case is None or not case.is_open or (moved.id != kept.id and share_a_case(session, moved, kept))
                or kept.anonymised_at is not None or moved.anonymised_at is not None):
            raise DecisionRefused()
        if moved.id != kept.id:
            _merge(session, moved, kept)
            _close_moot_flags(session, kept, actor, decided=flag_row)
        record(session, AuditAction.UPDATE, entity="person", entity_id=kept.public_id,
               association_id=flag_row.association_id)
    flag_row.linked = link
    flag_row.decided_by_id = actor.id
    flag_row.decided_at = clock.now()
    session.flush()
    record(session, AuditAction.DECISION, entity="duplicate_flag", entity_id=flag_row.public_id,
           association_id=flag_row.association_id)
    return flag_row
