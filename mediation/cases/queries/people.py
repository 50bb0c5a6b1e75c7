"""The people of a case: who takes part, read once for every list of a case's people."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.codes import ParticipantRole
from mediation.cases.models import Case, Participant


def active_participants(session: Session, case: Case) -> list[Participant]:
    """The case's active participants with their identity: the requesting party, the other adults, then the
    children; one query. Every list of a case's people (parties, notes, sessions, appointments) reads this."""
    return list(session.scalars(
        select(Participant)
        .where(Participant.case_id == case.id, Participant.active.is_(True))
        .order_by(Participant.is_requesting_party.desc(), Participant.role == ParticipantRole.CHILD, Participant.id)
    ).unique())
