"""Adding an attachment, recording a download, and forgetting a case's attachments (docs/domain.md,
DOM106-DOM108; docs/security.md, S44-S48).

The content is checked before anything is written, and written in the request's one transaction: a refusal
leaves neither a row nor a chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.attachments import object_store  # noqa: F401  (registers its key rotation, S79)
from mediation.attachments.codes import AttachmentKind, AttachmentVisibility
from mediation.attachments.content import check_upload
from mediation.attachments.models import Attachment
from mediation.attachments.policies import can_add_attachment, visibilities_for
from mediation.attachments.rules import LABEL_MAX
from mediation.attachments.storage import configured_backend, storage_for
from mediation.cases.models import Case
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code
from mediation.core.errors import DomainError, ValidationFailed
from mediation.core.text import bounded_text


class NotAllowed(DomainError):
    message = _l("You may not add documents to this case.")
    status = 403


@dataclass(frozen=True)
class NewAttachment:
    kind: AttachmentKind | str | None
    visibility: AttachmentVisibility | str | None
    label: str | None
    document_date: date | None


def max_bytes() -> int:
    return int(current_app.config["ATTACHMENT_MAX_MB"]) * 1024 * 1024


def _document_date(value: date | None) -> date:
    if value is None:
        raise ValidationFailed(_l("Enter the date of the document."), field="document_date")
    if value > clock.today():
        raise ValidationFailed(_l("The date of the document cannot be in the future."), field="document_date")
    return value


def add_attachment(session: Session, case: Case, data: NewAttachment, upload: IO[bytes] | None, *,
                   actor: StaffUser) -> Attachment:
    """Check, clean, encrypt and keep one document of the case; audited with ids only (S48)."""
    if not can_add_attachment(actor, case):
        raise NotAllowed()
    kind = parse_code(AttachmentKind, data.kind, _l("Choose the kind of document."), "kind")
    visibility = parse_code(AttachmentVisibility, data.visibility, _l("Choose who may open it."), "visibility")
    if visibility not in visibilities_for(actor):
        raise ValidationFailed(_l("Only a psychologist marks a document as psychological."), field="visibility")
    label = bounded_text(data.label, "label", LABEL_MAX, required=True)
    document_date = _document_date(data.document_date)
    content = check_upload(upload, max_bytes())
    backend = configured_backend()
    attachment = Attachment(case_id=case.id, kind=kind, visibility=visibility, label=label,
                            document_date=document_date, content_type=content.content_type, size=content.size,
                            chunk_count=0, added_by_id=actor.id, storage=backend)
    session.add(attachment)
    session.flush()
    attachment.chunk_count = storage_for(session, backend).put(attachment.storage_key, content.chunks())
    record(session, AuditAction.CREATE, entity="attachment", entity_id=attachment.public_id,
           association_id=case.association_id)
    session.flush()
    return attachment


def record_download(session: Session, case: Case, attachment: Attachment) -> None:
    """A document leaves the application: an `export` event naming it (S48)."""
    record(session, AuditAction.EXPORT, entity="attachment", entity_id=attachment.public_id,
           association_id=case.association_id)


def forget_case_attachments(session: Session, case_id: int) -> int:
    """Delete every attachment of a case and its content (retention, docs/domain.md, DOM108); flushed only."""
    stored = session.execute(select(Attachment.storage_key, Attachment.storage)
                             .where(Attachment.case_id == case_id)).all()
    for storage_key, backend in stored:
        storage_for(session, backend).delete(storage_key)
    session.execute(delete(Attachment).where(Attachment.case_id == case_id)
                    .execution_options(synchronize_session=False))
    return len(stored)
