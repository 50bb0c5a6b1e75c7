"""Recording data-subject requests and their answers; auditing every export.

Rules: a request is received on a date that is not in the future; it is answered once, on a date
between its reception and today, with an outcome. Every create, answer and export writes one audit
event naming the request by its public id (S27: ids and codes only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.models import Person
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text
from mediation.groups.models import GroupParticipant
from mediation.groups.services.participation import erase_participant
from mediation.subject_requests.codes import RequestOutcome, RequestType
from mediation.subject_requests.models import DataSubjectRequest
from mediation.subject_requests.rules import NOTE_MAX

EARLIEST = date(2000, 1, 1)
ENTITY = "data_subject_request"


# The refusal when someone saved first (docs/security.md, S31): StaleRecord, 409.
STALE_REQUEST = _l(
    "Someone else changed this request meanwhile. Check the current values and save again.")


class AlreadyAnswered(DomainError):
    message = _l("This request has already been answered.")


@dataclass(frozen=True)
class NewRequest:
    type: str
    received_on: date | None
    note: str | None = None


@dataclass(frozen=True)
class Answer:
    answered_on: date | None
    outcome: str
    note: str | None = None


def _past_date(value: date | None, field: str, today: date, missing) -> date:
    if value is None:
        raise ValidationFailed(missing, field=field)
    if value > today:
        raise ValidationFailed(_l("This date is in the future."), field=field)
    if value < EARLIEST:
        raise ValidationFailed(_l("This date is too far in the past."), field=field)
    return value


def record_request(session: Session, person: Person | GroupParticipant, data: NewRequest, *, actor: StaffUser,
                   today: date) -> DataSubjectRequest:
    """Register one request by one person of the actor's association, received on a past or present date: a
    person of the identity vault, or a participant known only from parenting groups (docs/domain.md, DOM137)."""
    kind = parse_code(RequestType, data.type, _l("Choose the kind of request."), "type")
    received_on = _past_date(data.received_on, "received_on", today, _l("Enter the date the request was received."))
    subject = ({"group_participant_id": person.id} if isinstance(person, GroupParticipant)
               else {"person_id": person.id})
    request = DataSubjectRequest(association_id=person.association_id, **subject, type=kind,
                                 received_on=received_on, request_note=bounded_text(data.note, "note", NOTE_MAX),
                                 recorded_by_id=actor.id)
    session.add(request)
    session.flush()
    record(session, AuditAction.CREATE, entity=ENTITY, entity_id=request.public_id,
           association_id=request.association_id)
    return request


def answer_request(session: Session, request: DataSubjectRequest, data: Answer, *, actor: StaffUser, today: date,
                   version: int | None) -> DataSubjectRequest:
    """Record the answer once: a date from the reception to today, and an outcome."""
    if version is not None and version != request.version_id:
        raise StaleRecord(STALE_REQUEST)
    if not request.is_open:
        raise AlreadyAnswered()
    outcome = parse_code(RequestOutcome, data.outcome, _l("Choose the outcome."), "outcome")
    answered_on = _past_date(data.answered_on, "answered_on", today, _l("Enter the date of the answer."))
    if answered_on < request.received_on:
        raise ValidationFailed(_l("The answer cannot come before the request was received."), field="answered_on")
    request.answered_on = answered_on
    request.outcome = outcome
    request.answer_note = bounded_text(data.note, "note", NOTE_MAX)
    request.handled_by_id = actor.id
    flush_versioned(session, STALE_REQUEST)
    record(session, AuditAction.UPDATE, entity=ENTITY, entity_id=request.public_id,
           association_id=request.association_id)
    return request


def record_export(session: Session, request: DataSubjectRequest) -> None:
    """One EXPORT event per access export shown or downloaded (the printable page and the JSON file alike)."""
    record(session, AuditAction.EXPORT, entity=ENTITY, entity_id=request.public_id,
           association_id=request.association_id)


# Kinds of request that may end in erasing a group-only participant (docs/domain.md, DOM139): the person
# objects to the processing, or asks for their data to be corrected by removal (Law 09-08, art. 8 and 9).
ERASABLE = frozenset({RequestType.OPPOSITION, RequestType.RECTIFICATION})


def erase_group_participant(session: Session, request: DataSubjectRequest, *, actor: StaffUser, today: date,
                            version: int | None) -> DataSubjectRequest:
    """Erase the participant known only from groups who made this open request, and answer it (granted,
    today). Their enrolments stay without them, so the groups' counts do not change; the free-text notes of
    their requests go with their identity, as when retention anonymises a person (DOM139)."""
    if version is not None and version != request.version_id:
        raise StaleRecord(STALE_REQUEST)
    if not request.is_open:
        raise AlreadyAnswered()
    participant = request.group_participant
    if participant is None:
        raise ValidationFailed(_l("Only a participant known only from groups can be erased here."), field="erase")
    if request.type not in ERASABLE:
        raise ValidationFailed(_l("An access request is answered with the export. Record an opposition or "
                                  "rectification request to erase the participant."), field="erase")
    participant_public_id = participant.public_id
    others = list(session.scalars(select(DataSubjectRequest).where(
        DataSubjectRequest.group_participant_id == participant.id, DataSubjectRequest.id != request.id)))
    for other in others:
        other.group_participant_id, other.group_participant = None, None
        other.request_note = other.answer_note = None
    request.group_participant_id, request.group_participant = None, None
    request.request_note = None
    request.answered_on, request.outcome, request.handled_by_id = today, RequestOutcome.GRANTED, actor.id
    flush_versioned(session, STALE_REQUEST)
    erase_participant(session, participant)
    session.flush()
    # Ids only (S27): the participant by their public id, the request by its own.
    record(session, AuditAction.PURGED, entity="group_participant", entity_id=participant_public_id,
           association_id=request.association_id)
    record(session, AuditAction.UPDATE, entity=ENTITY, entity_id=request.public_id,
           association_id=request.association_id)
    return request


def record_participant_search(session: Session, association_id: int | None) -> None:
    """One SEARCH event per search of the group-only participants: what was searched is never written (S27)."""
    record(session, AuditAction.SEARCH, entity="group_participant", entity_id=None, association_id=association_id)
