"""The case's notes (docs/domain.md, DOM39), and the names of the parties their private notes are kept with."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.models import Case, Note, Participant


def notes_of(session: Session, case: Case) -> list[Note]:
    """The case's notes, newest first (versions and authors load in a bounded number of queries)."""
    return list(session.scalars(
        select(Note).where(Note.case_id == case.id).order_by(Note.created_at.desc(), Note.id.desc())
    ))


def participant_names(session: Session, notes: list[Note]) -> dict[int, str]:
    """participant id -> name, for the private notes in `notes` (one query)."""
    ids = {note.participant_id for note in notes if note.participant_id is not None}
    if not ids:
        return {}
    return {participant.id: participant.person.full_name
            for participant in session.scalars(select(Participant).where(Participant.id.in_(ids)))}
