"""The people of a case: who takes part (read once for every list of a case's people), one participant
by public id, the requesting party, and the person a new registration may already be."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import ParticipantRole
from mediation.cases.identity import PersonData, person_indexes
from mediation.cases.models import Case, Participant, Person
from mediation.cases.policies import visible_people


def active_participants(session: Session, case: Case) -> list[Participant]:
    """The case's active participants with their identity: the requesting party, the other adults, then the
    children; one query. Every list of a case's people (parties, notes, sessions, appointments) reads this."""
    return list(session.scalars(
        select(Participant)
        .where(Participant.case_id == case.id, Participant.active.is_(True))
        .order_by(Participant.is_requesting_party.desc(), Participant.role == ParticipantRole.CHILD, Participant.id)
    ).unique())


def participant_in_case(session: Session, case: Case, participant_id: uuid.UUID) -> Participant | None:
    """A participant of this very case, or None (another case's participant does not exist here)."""
    return session.scalars(
        select(Participant).where(Participant.case_id == case.id, Participant.public_id == participant_id)
    ).unique().one_or_none()


def requesting_party(session: Session, case: Case) -> Participant | None:
    return session.scalar(select(Participant).where(Participant.case_id == case.id,
                                                    Participant.is_requesting_party.is_(True)).limit(1))


def find_visible_person(session: Session, viewer: StaffUser, data: PersonData,
                        exclude: Person | None = None) -> Person | None:
    """The existing identity for this name and birth date among the people the viewer may see, if any.

    Only a person of a case the viewer may see is ever matched (docs/security.md, P1): a person known
    only from other cases gets a record of their own, and linking the two is the supervisor's decision.
    Without a birth date the index would rest on the name alone, which must not merge two people
    (docs/security.md, S24): then there is no match.
    """
    if not data.birth_date or viewer.association_id is None:  # nobody outside an association sees a person
        return None
    index = person_indexes(viewer.association_id, data)["identity_bidx"]
    query = visible_people(viewer).where(Person.association_id == viewer.association_id,
                                         Person.identity_bidx == index)
    if exclude is not None:
        query = query.where(Person.id != exclude.id)
    return session.scalars(query.order_by(Person.id).limit(1)).first()
