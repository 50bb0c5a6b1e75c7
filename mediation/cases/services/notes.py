"""Case notes: visibility, versions and optimistic locking (docs/domain.md, DOM39; docs/security.md, S31).

A note's text lives only in its versions: an edit appends a version, so what
was written is never lost (only retention deletes). Psychological notes are
not case notes: they belong to the session log, in their own table.

Every function flushes and never commits; the route commits once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from mediation.accounts.models import StaffUser
from mediation.cases.codes import NoteVisibility
from mediation.cases.models import Case, Note, NoteVersion, Participant
from mediation.cases.policies import can_add_note, can_edit_note
from mediation.cases.rules import CASE_NOTE_MAX
from mediation.core.audit import AuditAction, record
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned


class NotePermissionDenied(DomainError):
    message = _l("Only the author of a note may change it, and only while the case is open.")


# The refusal when someone saved first (docs/security.md, S31): StaleRecord, 409.
STALE_NOTE = _l(
    "Someone else saved this note while you were editing it. Nothing was overwritten: "
    "compare your text with the current one, then save again.")


@dataclass(frozen=True)
class NewNote:
    visibility: NoteVisibility
    body: str
    participant_id: uuid.UUID | None = None  # public id; set if and only if the note is private_party


# Changes


def _checked_body(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationFailed(_l("Write the note."), field="body")
    if len(text) > CASE_NOTE_MAX:
        raise ValidationFailed(_l("Use at most %(max)d characters.", max=CASE_NOTE_MAX), field="body")
    return text


def _visibility(value) -> NoteVisibility:
    try:
        return NoteVisibility(value)
    except ValueError:
        raise ValidationFailed(_l("Choose who may see this note."), field="visibility") from None


def _private_party(session: Session, case: Case, visibility: NoteVisibility,
                   participant_id: uuid.UUID | None) -> Participant | None:
    """A participant of this case if and only if the note is private with one party."""
    if visibility is not NoteVisibility.PRIVATE_PARTY:
        if participant_id is not None:
            raise ValidationFailed(_l("Choose a party only for a note private with one party."),
                                   field="participant_id")
        return None
    participant = None
    if participant_id is not None:
        participant = session.scalar(select(Participant).where(
            Participant.case_id == case.id,
            Participant.public_id == participant_id,
            Participant.active.is_(True),
        ))
    if participant is None:
        raise ValidationFailed(_l("Choose the party of this case who confided it."), field="participant_id")
    return participant


def add_note(session: Session, case: Case, data: NewNote, *, actor: StaffUser) -> Note:
    """Write a note on an open case; a private note names one participant of this case."""
    if not can_add_note(actor, case):
        raise NotePermissionDenied()
    visibility = _visibility(data.visibility)
    participant = _private_party(session, case, visibility, data.participant_id)
    body = _checked_body(data.body)
    note = Note(
        case_id=case.id,
        author_id=actor.id,
        visibility=visibility,
        participant_id=participant.id if participant else None,
        versions=[NoteVersion(number=1, body=body, edited_by_id=actor.id)],
    )
    session.add(note)
    session.flush()
    record(session, AuditAction.CREATE, entity="note", entity_id=note.public_id,
           association_id=case.association_id)
    return note


def edit_note(session: Session, case: Case, note: Note, body: str, *, expected_version: int,
              actor: StaffUser) -> Note:
    """Append a version to the author's note, unless it changed since the form was shown."""
    if not can_edit_note(actor, case, note):
        raise NotePermissionDenied()
    # Compared, never assigned: the version in the form only detects a stale edit.
    if expected_version != note.version_id:
        raise StaleRecord(STALE_NOTE)
    text = _checked_body(body)
    if text == note.current.body:
        return note
    note.versions.append(NoteVersion(number=note.current.number + 1, body=text, edited_by_id=actor.id))
    # The text lives in the new version row; touching the note makes its UPDATE
    # check and bump version_id, so two concurrent edits cannot both win.
    flag_modified(note, "visibility")
    flush_versioned(session, STALE_NOTE)
    record(session, AuditAction.UPDATE, entity="note", entity_id=note.public_id,
           association_id=case.association_id)
    return note
