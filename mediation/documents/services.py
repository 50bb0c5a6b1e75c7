"""Producing a document and attaching its signed scan (docs/domain.md, DOM150-DOM156; docs/security.md, S70-S72).

Each kind is checked against its source before anything is written: a refusal leaves no record. A produced
document is recorded with its template version and audited with ids only (S71).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.attachments.codes import AttachmentKind, AttachmentVisibility
from mediation.attachments.services import NewAttachment, add_attachment
from mediation.cases.models import Case, Participant
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code
from mediation.core.errors import DomainError, ValidationFailed
from mediation.core.i18n import FORMAT_LOCALES
from mediation.documents import queries
from mediation.documents.codes import BringItem, DocumentKind, DocumentLanguage
from mediation.documents.models import GeneratedDocument
from mediation.documents.policies import can_produce_documents
from mediation.documents.rules import REFERENCE_LETTERS, TEMPLATE_VERSIONS


class NotAllowed(DomainError):
    message = _l("You may not produce documents for this case.")
    status = 403


class NoLetter(DomainError):
    """DOM153: a convocation is a letter; a party whose contact profile forbids contact gets none."""

    message = _l("This party's contact profile does not allow the service to contact them: no convocation "
                 "can be produced. Follow the safe-contact instructions on the party's page.")
    field = "participant"


@dataclass(frozen=True)
class DocumentRequest:
    kind: DocumentKind | str | None
    language: DocumentLanguage | str | None
    participant: str | None = None
    appointment: str | None = None
    bring: tuple[str, ...] = field(default_factory=tuple)


def reference_of(case: Case, document: GeneratedDocument) -> str:
    """What the paper carries: the case's reference, the kind's letters and the document's number."""
    return f"{case.reference}/{REFERENCE_LETTERS[document.kind]}/{document.number}"


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _party(session: Session, case: Case, value: str | None) -> Participant:
    key = _uuid(value)
    party = queries.party_of(session, case, key) if key is not None else None
    if party is None:
        raise ValidationFailed(_l("Choose the party the document is addressed to."), field="participant")
    return party


def produce_document(session: Session, case: Case, request: DocumentRequest, *,
                     actor: StaffUser) -> GeneratedDocument:
    if not can_produce_documents(actor, case):
        raise NotAllowed()
    kind = parse_code(DocumentKind, request.kind, _l("Choose the document."), "kind")
    language = parse_code(DocumentLanguage, request.language, _l("Choose the language of the document."),
                          "language")
    document = GeneratedDocument(case_id=case.id, kind=kind, language=language,
                                 template_version=TEMPLATE_VERSIONS[kind], created_by_id=actor.id)
    if kind is DocumentKind.AGREEMENT:
        version = queries.concluded_agreement(session, case)
        if version is None:
            raise ValidationFailed(_l("The case has no concluded agreement: conclude it on the agreement page "
                                      "first."), field="kind")
        document.agreement_version_id = version.id
    else:
        party = _party(session, case, request.participant)
        document.participant_id = party.id
        if kind is DocumentKind.CONVOCATION:
            _convocation(session, case, party, request, document)
        elif kind is DocumentKind.ATTESTATION:
            if not queries.attendance_of(session, case, party):
                raise ValidationFailed(_l("No session this party was expected at has been held yet."),
                                       field="participant")
        else:
            closure = queries.closure_of(session, case)
            if closure is None:
                raise ValidationFailed(_l("A closure letter is produced once the case is closed."), field="kind")
            document.closure_id = closure.id
    document.number = queries.next_number(session, case)
    session.add(document)
    session.flush()
    record(session, AuditAction.CREATE, entity="generated_document", entity_id=document.public_id,
           association_id=case.association_id)
    return document


def _convocation(session: Session, case: Case, party: Participant, request: DocumentRequest,
                 document: GeneratedDocument) -> None:
    if not party.person.may_contact:
        raise NoLetter()
    key = _uuid(request.appointment)
    appointment = next((row for row in queries.invitations_of(session, case, party) if row.public_id == key), None)
    if appointment is None:
        raise ValidationFailed(_l("Choose a coming appointment this party is invited to."), field="appointment")
    items = [parse_code(BringItem, value, _l("Choose what to bring from the list."), "bring")
             for value in request.bring]
    document.appointment_id = appointment.id
    document.bring = ",".join(item.value for item in BringItem if item in items)


def bring_items(document: GeneratedDocument) -> list[BringItem]:
    return [BringItem(value) for value in document.bring.split(",") if value]


def attach_signed_scan(session: Session, case: Case, document: GeneratedDocument, upload: IO[bytes] | None,
                       document_date: date | None, *, actor: StaffUser):
    """The signed and scanned paper becomes an attachment of the case (DOM156): checked, cleaned and encrypted
    by the attachments feature, then linked to the document it is the signed copy of."""
    if not can_produce_documents(actor, case):
        raise NotAllowed()
    if document.attachment_id is not None:
        raise DomainError(_l("The signed copy of this document is already attached."))
    kind = AttachmentKind.SIGNED_AGREEMENT if document.kind is DocumentKind.AGREEMENT else AttachmentKind.OTHER
    with force_locale(FORMAT_LOCALES[document.language.value]):
        label = _("%(document)s, signed (%(reference)s)", document=str(document.kind.label),
                  reference=reference_of(case, document))
    attachment = add_attachment(session, case, NewAttachment(
        kind=kind, visibility=AttachmentVisibility.CASE_STAFF, label=label, document_date=document_date),
        upload, actor=actor)
    document.attachment_id = attachment.id
    record(session, AuditAction.UPDATE, entity="generated_document", entity_id=document.public_id,
           association_id=case.association_id)
    session.flush()
    return attachment
